import type { StatisticsInput, StatisticsValue, VersionResult } from '../contract.js';

const MAX_VALUES = 1_000_000;
/**
 * Above this magnitude the values are scaled down by 2^-INPUT_SCALE_EXPONENT before summing:
 * up to 2^20 values below 2^1000 sum to less than 2^1020, and any difference of two
 * scaled values stays below 2^986, so nothing in the first pass or the deviations overflows.
 */
const LARGE_MAGNITUDE = 2 ** 1000;
const INPUT_SCALE_EXPONENT = 40;

/**
 * The textbook two-pass algorithm: pass one computes the mean, pass two sums the squared
 * deviations from it. Both sums are compensated (Neumaier), the deviations are normalised by
 * a power of two so their squares cannot overflow or underflow, and the corrected two-pass
 * formula removes the effect of the rounding error left in the mean.
 */
export default function twoPass(input: StatisticsInput): VersionResult<StatisticsValue> {
  const values = input.values;
  const count = values.length;
  if (count === 0) return { kind: 'domain_error', reason: 'EMPTY' };
  if (count > MAX_VALUES) return { kind: 'domain_error', reason: 'TOO_LARGE' };

  let min = values[0] as number;
  let max = min;
  for (let i = 0; i < count; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) return { kind: 'domain_error', reason: 'NON_FINITE' };
    if (value < min) min = value;
    if (value > max) max = value;
  }

  const median = medianOf(values);
  if (min === max) {
    // Every value is equal: report it exactly rather than trusting rounded sums.
    return { kind: 'value', value: { count, mean: min, variance: 0, stddev: 0, min, max, median } };
  }

  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  const scaleExponent = magnitude > LARGE_MAGNITUDE ? INPUT_SCALE_EXPONENT : 0;
  const scale = 2 ** -scaleExponent;

  // Pass one: the mean, in the scaled domain.
  const sum = new CompensatedSum();
  for (let i = 0; i < count; i++) sum.add((values[i] as number) * scale);
  const scaledMean = sum.total() / count;

  // Pass two: deviations from the mean, normalised by a power of two near the largest one.
  let largestDeviation = 0;
  for (let i = 0; i < count; i++) {
    const deviation = Math.abs((values[i] as number) * scale - scaledMean);
    if (deviation > largestDeviation) largestDeviation = deviation;
  }
  // Clamped so 2^-deviationExponent itself stays finite; a largest deviation below 2^-1000
  // is then scaled up to below 1, which is all the normalisation needs.
  const deviationExponent = largestDeviation > 0 ? Math.max(-1000, Math.floor(Math.log2(largestDeviation))) : 0;
  const deviationScale = 2 ** -deviationExponent;
  const squares = new CompensatedSum();
  const residuals = new CompensatedSum();
  for (let i = 0; i < count; i++) {
    const deviation = ((values[i] as number) * scale - scaledMean) * deviationScale;
    squares.add(deviation * deviation);
    residuals.add(deviation);
  }
  const residual = residuals.total();
  const squaredDeviationSum = Math.max(0, squares.total() - (residual * residual) / count);
  const normalisedVariance = squaredDeviationSum / (count - 1);

  // Undo both scalings: the variance is normalisedVariance * 2^(2 * backExponent).
  const backExponent = deviationExponent + scaleExponent;
  const variance = timesPowerOfTwo(normalisedVariance, 2 * backExponent);
  // The spec defines stddev as sqrt(variance), so it is taken from the reported variance.
  const stddev = Math.sqrt(variance);
  const mean = clamp(timesPowerOfTwo(scaledMean, scaleExponent), min, max);
  if (!Number.isFinite(mean) || !Number.isFinite(variance) || !Number.isFinite(stddev)) {
    return { kind: 'domain_error', reason: 'NON_FINITE' };
  }
  return { kind: 'value', value: { count, mean, variance, stddev, min, max, median } };
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

/** value * 2^exponent, stepping so that the power of two itself never overflows or underflows. */
function timesPowerOfTwo(value: number, exponent: number): number {
  let result = value;
  let remaining = exponent;
  while (remaining > 1000) {
    result *= 2 ** 1000;
    remaining -= 1000;
  }
  while (remaining < -1000) {
    result *= 2 ** -1000;
    remaining += 1000;
  }
  return result * 2 ** remaining;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
