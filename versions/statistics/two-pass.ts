import type { StatisticsInput, StatisticsValue, VersionResult } from '../contract.js';

const MAX_VALUES = 1_000_000;
/** Two distinct values, one of magnitude 2^577 or more, always overflow the variance (see below). */
const HUGE_MAGNITUDE = 2 ** 577;
/** The smallest exponent whose power of two, and its reciprocal, are both normal doubles. */
const LOWEST_RANGE_EXPONENT = -1022;
/** Below this range exponent the variance is under 2^-1099, which rounds to 0. */
const VANISHING_RANGE_EXPONENT = -550;

/*
 * The two-pass algorithm: pass one sums the values for the mean (compensated, Neumaier), pass two
 * sums the squared deviations from it, and the corrected two-pass formula subtracts the effect
 * of the rounding error left in the mean. Deviations are normalised by one power of two, 2^-k,
 * taken once from the range (2^k <= max - min < 2^(k+1)), and the variance is scaled back by
 * multiplying twice by 2^k.
 *
 * Why nothing overflows or underflows, for every finite input that reaches the arithmetic
 * (n >= 2 values, not all equal; M = max |x|; R = max - min; n - 1 < 2^20):
 * 1. M < 2^577, else the answer is NON_FINITE: the value u with |u| = M (2^e <= M < 2^(e+1))
 *    is at least 2^(e-53) from every other double of magnitude <= M, so R >= 2^524, and since
 *    sum (x - mean)^2 >= (max - mean)^2 + (mean - min)^2 >= R^2 / 2, the exact variance is at
 *    least R^2 / (2(n - 1)) > 2^1048 / 2^21, above the largest double.
 * 2. So every partial sum of pass one is below n M < 2^597: finite, and the mean is a double
 *    in [min, max] (clamped there, as rounding can step an ulp outside).
 * 3. The computed range fl(R) is finite (below 2^578), positive, and bounds every computed
 *    deviation fl(x - mean), because |x - mean| <= R and rounding is monotone. So k lies in
 *    [-1074, 578]; clamped to k >= -1022, the scale 2^-k is a normal double in [2^-578, 2^1022].
 * 4. A scaled deviation z = fl(x - mean) 2^-k has |z| < 2. Scaling up (k <= 0) is exact,
 *    subnormal deviations included, since nothing reaches overflow; scaling down (k > 0) is
 *    exact unless |z| < 2^-1022, i.e. the deviation is below 2^-1022 R, and then its square,
 *    under 2^-2044, is beneath the last bit of the sum anyway. Squares are below 4, sums of
 *    up to 2^20 of them below 2^22.
 * 5. By item 1's inequality the scaled sum S of squared deviations is about R^2 2^-2k / 2 or
 *    more, at least 1/2 when k was not clamped, so V = S / (n - 1) lies in [2^-23, 8]. Clamping
 *    only happens for k < -1022, where V <= 8 still holds: that is a case of item 6.
 * 6. If k < -550 the variance is V 2^(2k) <= 8 * 2^-1102 < 2^-1075 and rounds to 0: it is set
 *    to 0 without scaling. Otherwise 2^k is normal and V 2^k lies in [2^-573, 2^581], so the
 *    first multiplication is exact and the second is the only rounding of the result, which
 *    overflows to Infinity exactly when the variance rounds beyond the largest double.
 */
export default function twoPass(input: StatisticsInput): VersionResult<StatisticsValue> {
  const values = input.values;
  const count = values.length;
  // Rules 1 and 2 need only the length, so they are settled before any value is read.
  if (count === 0 || count > MAX_VALUES) return reject(count === 0 ? 'EMPTY' : 'TOO_LARGE');

  // Pass one. x - x is 0 for every finite x and NaN for NaN or ±Infinity, so a single bad
  // value leaves `poison` NaN. Math.min/Math.max make the sign of a zero extreme order-free.
  let poison = 0;
  let low = Infinity;
  let high = -Infinity;
  const sum = new CompensatedSum();
  for (const value of values) {
    poison += value - value;
    low = Math.min(low, value);
    high = Math.max(high, value);
    sum.add(value);
  }
  if (poison !== 0) return reject('NON_FINITE');

  if (low === high) {
    // All values are equal: report that value exactly. For zeros, `high` is -0 only when
    // every value is -0, which is also what adding them in IEEE arithmetic gives.
    return answer(count, high, 0, low, high, medianOf(values));
  }
  // Item 1 of the proof: the exact variance exceeds the largest double.
  if (high >= HUGE_MAGNITUDE || low <= -HUGE_MAGNITUDE) return reject('NON_FINITE');

  const mean = Math.min(high, Math.max(low, sum.total() / count));
  const rangeExponent = Math.max(LOWEST_RANGE_EXPONENT, binaryExponent(high - low));
  const scale = 2 ** -rangeExponent;

  // Pass two: scaled deviations from the mean, their squares, and their plain sum.
  const squares = new CompensatedSum();
  const residuals = new CompensatedSum();
  for (const value of values) {
    const deviation = (value - mean) * scale;
    squares.add(deviation * deviation);
    residuals.add(deviation);
  }
  const residual = residuals.total();
  const scaledVariance = Math.max(0, squares.total() - (residual * residual) / count) / (count - 1);

  let variance = 0;
  if (rangeExponent >= VANISHING_RANGE_EXPONENT) {
    const back = 2 ** rangeExponent;
    variance = scaledVariance * back * back;
  }
  if (!Number.isFinite(variance)) return reject('NON_FINITE');
  return answer(count, mean, variance, low, high, medianOf(values));
}

function reject(reason: string): VersionResult<StatisticsValue> {
  return { kind: 'domain_error', reason };
}

function answer(
  count: number,
  mean: number,
  variance: number,
  min: number,
  max: number,
  median: number,
): VersionResult<StatisticsValue> {
  // The spec defines stddev as sqrt(variance), so it is taken from the reported variance.
  return { kind: 'value', value: { count, mean, variance, stddev: Math.sqrt(variance), min, max, median } };
}

/** The k with 2^k <= x < 2^(k+1), for a positive finite x. */
function binaryExponent(x: number): number {
  const guess = Math.floor(Math.log2(x));
  // Math.log2 rounds to the integer above for x just below a power of two; step back onto it.
  if (2 ** guess > x) return guess - 1;
  return 2 ** (guess + 1) <= x ? guess + 1 : guess;
}

/** Neumaier's compensated summation: the total is accurate to about one rounding. */
class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(value: number): void {
    const next = this.sum + value;
    if (Math.abs(this.sum) >= Math.abs(value)) {
      this.compensation += this.sum - next + value;
    } else {
      this.compensation += value - next + this.sum;
    }
    this.sum = next;
  }

  total(): number {
    return this.sum + this.compensation;
  }
}

function medianOf(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  const upper = sorted[middle] as number;
  if (sorted.length % 2 === 1) return upper;
  const lower = sorted[middle - 1] as number;
  const sum = lower + upper;
  // Halving the sum is exact unless it overflowed (then halve first) or is subnormal.
  return Number.isFinite(sum) ? sum / 2 : lower / 2 + upper / 2;
}
