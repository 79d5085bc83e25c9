import type { StatisticsInput, StatisticsValue, VersionResult } from '../contract.js';

const MAX_VALUES = 1_000_000;

/**
 * A sample that is not constant and has a value this large in magnitude has an exact
 * variance above the largest double. Take |x| = M >= 2^600 and any value y != x. If y has
 * the other sign or |y| < 2^599 then |x - y| >= 2^599; otherwise both are doubles of
 * magnitude >= 2^599, hence multiples of 2^(599 - 52), so |x - y| >= 2^547. The squared
 * deviations of x and y from any centre add to at least (x - y)^2 / 2 >= 2^1093, and over
 * n - 1 < 2^20 that leaves a variance above 2^1073. Every later step may therefore assume
 * |x| < 2^600: sums of at most 2^20 values stay below 2^620 and no value is ever rescaled.
 */
const HUGE_MAGNITUDE = 2 ** 600;

/**
 * Deviations d from a mean clamped into [min, max] have |d| <= 2^601. They are squared in one
 * of two fixed windows, each entered and left by one multiplication by a normal power of two,
 * so no exponent is ever computed:
 *
 * Coarse, D = max |d| >= 2^-320: |d| * 2^-128 <= 2^473, squares at most 2^946 and their
 *   sum below 2^966. The largest square is at least 2^-896, so squares that underflow, each
 *   off by at most 2^-1075 and together by 2^-1055, are noise 2^-159 below the sum. Scaling by
 *   a power of two in the normal range is exact, so ordinary data rounds exactly as unscaled.
 *   Leaving with * 2^256 is one rounding; it overflows only where the variance itself does.
 * Fine, D < 2^-320: d * 2^511 is exact and below 2^191, squares below 2^382. If D >= 2^-540
 *   the largest square is at least 2^-58 and underflow noise is as negligible as above. If
 *   D < 2^-540 the variance is below n/(n-1) * D^2 < 2^-1079, which rounds to 0, and so does
 *   the computed scaled variance (< 2^-57) times 2^-1022. That single multiplication is the one
 *   rounding into the subnormal range.
 */
const COARSE_THRESHOLD = 2 ** -320;
const COARSE_INTO = 2 ** -128;
const COARSE_OUT_OF = 2 ** 256;
const FINE_INTO = 2 ** 511;
const FINE_OUT_OF = 2 ** -1022;

/** Insertion sort below this many elements in the selection routine. */
const SMALL_RANGE = 16;
const GROUP_SIZE = 5;

function refuse(reason: 'EMPTY' | 'TOO_LARGE' | 'NON_FINITE'): VersionResult<StatisticsValue> {
  return { kind: 'domain_error', reason };
}

/**
 * Mean and sum of squared deviations by Neumaier compensated summation, with deviations
 * squared inside a fixed exponent window (see above); median by median-of-medians (BFPRT)
 * selection on a copy of the data.
 */
export default function compensatedStatistics(
  input: StatisticsInput,
): VersionResult<StatisticsValue> {
  const values = input.values;
  const count = values.length;
  // Rules 1 and 2 look at the size alone; the only size below the accepted range is zero.
  if (!(count > 0 && count <= MAX_VALUES)) return refuse(count > 0 ? 'TOO_LARGE' : 'EMPTY');

  // Rule 3: x - x is 0 for every finite x and NaN for NaN and both infinities, so one NaN
  // anywhere poisons the running total. The same pass finds the extremes.
  let poison = 0;
  let min = values[0]!;
  let max = min;
  for (let i = 0; i < count; i++) {
    const value = values[i]!;
    poison += value - value;
    if (value < min) min = value;
    else if (value > max) max = value;
  }
  if (poison !== 0) return refuse('NON_FINITE');

  if (min === max) {
    return {
      kind: 'value',
      value: { count, mean: min, variance: 0, stddev: 0, min, max, median: min },
    };
  }
  if (Math.max(-min, max) >= HUGE_MAGNITUDE) return refuse('NON_FINITE');

  const mean = refinedMean(values, min, max);
  const variance = sampleVariance(values, mean);
  if (!Number.isFinite(variance)) return refuse('NON_FINITE');
  // Literally sqrt(variance), as the spec defines it (even where a subnormal variance
  // has lost bits that the scaled variance still had).
  const stddev = Math.sqrt(variance);

  return {
    kind: 'value',
    value: { count, mean, variance, stddev, min, max, median: median(values) },
  };
}

/** Neumaier's improved Kahan summation: `sum + compensation` carries the lost low-order bits. */
interface CompensatedSum {
  sum: number;
  compensation: number;
}

/** The exact rounding error of `rounded = a + b`, recovered from the larger operand. */
function additionError(a: number, b: number, rounded: number): number {
  return Math.abs(a) >= Math.abs(b) ? a - rounded + b : b - rounded + a;
}

function addCompensated(accumulator: CompensatedSum, term: number): void {
  const next = accumulator.sum + term;
  accumulator.compensation += additionError(accumulator.sum, term, next);
  accumulator.sum = next;
}

function totalOf(accumulator: CompensatedSum): number {
  return accumulator.sum + accumulator.compensation;
}

/**
 * A compensated sum divided by the count, then corrected once by the compensated mean of
 * the residuals, and kept within [min, max]. Each residual enters together with its own
 * rounding error: dropping it (as this function once did) lets errors of eps * |x - mean|
 * per value swamp a mean that is small next to the spread, e.g. [-1, 1, 1e-20].
 */
function refinedMean(values: readonly number[], min: number, max: number): number {
  const count = values.length;
  const total: CompensatedSum = { sum: 0, compensation: 0 };
  for (let i = 0; i < count; i++) addCompensated(total, values[i]!);
  const estimate = totalOf(total) / count;

  const residual: CompensatedSum = { sum: 0, compensation: 0 };
  for (let i = 0; i < count; i++) {
    const value = values[i]!;
    const difference = value - estimate;
    addCompensated(residual, difference);
    addCompensated(residual, additionError(value, -estimate, difference));
  }
  const refined = estimate + totalOf(residual) / count;
  return Math.min(Math.max(refined, min), max);
}

/**
 * The sample variance around `mean` by the corrected two-pass formula: subtracting
 * (sum of deviations)^2 / n removes the error left by any inexactness in the mean. The
 * deviations are squared in the window chosen by their largest magnitude (see above);
 * Infinity means the variance overflows.
 */
function sampleVariance(values: readonly number[], mean: number): number {
  const count = values.length;
  let largestDeviation = 0;
  for (let i = 0; i < count; i++) {
    const deviation = Math.abs(values[i]! - mean);
    if (deviation > largestDeviation) largestDeviation = deviation;
  }
  const coarse = largestDeviation >= COARSE_THRESHOLD;
  const into = coarse ? COARSE_INTO : FINE_INTO;
  const outOf = coarse ? COARSE_OUT_OF : FINE_OUT_OF;

  const deviations: CompensatedSum = { sum: 0, compensation: 0 };
  const squares: CompensatedSum = { sum: 0, compensation: 0 };
  for (let i = 0; i < count; i++) {
    const deviation = (values[i]! - mean) * into;
    addCompensated(deviations, deviation);
    addCompensated(squares, deviation * deviation);
  }
  const deviationTotal = totalOf(deviations);
  const sumOfSquares = Math.max(totalOf(squares) - (deviationTotal * deviationTotal) / count, 0);
  return (sumOfSquares / (count - 1)) * outOf;
}

function median(values: readonly number[]): number {
  const work = new Float64Array(values);
  const count = work.length;
  const upperMiddle = count >> 1;
  if (count % 2 === 1) return selectKth(work, 0, count - 1, upperMiddle);
  const lowerMiddle = upperMiddle - 1;
  const lower = selectKth(work, 0, count - 1, lowerMiddle);
  // After selection everything past `lowerMiddle` is >= `lower`; the next order statistic
  // is the smallest of them.
  let upper = Infinity;
  for (let i = upperMiddle; i < count; i++) {
    const value = work[i]!;
    if (value < upper) upper = value;
  }
  return midpoint(lower, upper);
}

/** (a + b) / 2 without overflow: halving two huge doubles is exact. */
function midpoint(a: number, b: number): number {
  const sum = a + b;
  return Number.isFinite(sum) ? sum / 2 : a / 2 + b / 2;
}

/**
 * Places the k-th smallest of work[lo..hi] at index k and returns it, leaving every
 * element of work[lo..hi] after k no smaller and every one before it no larger.
 * BFPRT: the pivot is the median of the medians of groups of five, which guarantees a
 * constant fraction is discarded each round; a three-way partition keeps runs of equal
 * values from stalling it.
 */
function selectKth(work: Float64Array, lo: number, hi: number, k: number): number {
  let left = lo;
  let right = hi;
  for (;;) {
    if (right - left < SMALL_RANGE) {
      insertionSort(work, left, right);
      return work[k]!;
    }
    const pivot = medianOfMedians(work, left, right);
    let less = left;
    let scan = left;
    let greater = right;
    while (scan <= greater) {
      const value = work[scan]!;
      if (value < pivot) {
        swap(work, less, scan);
        less += 1;
        scan += 1;
      } else if (value > pivot) {
        swap(work, scan, greater);
        greater -= 1;
      } else {
        scan += 1;
      }
    }
    // Now work[left..less-1] < pivot, work[less..greater] == pivot, work[greater+1..right] > pivot.
    if (k < less) {
      right = less - 1;
    } else if (k > greater) {
      left = greater + 1;
    } else {
      return pivot;
    }
  }
}

function medianOfMedians(work: Float64Array, lo: number, hi: number): number {
  let groups = 0;
  for (let start = lo; start <= hi; start += GROUP_SIZE) {
    const end = Math.min(start + GROUP_SIZE - 1, hi);
    insertionSort(work, start, end);
    // The front slot lo + groups lies in an already processed group, so this swap
    // disturbs no group still to come.
    swap(work, lo + groups, start + ((end - start) >> 1));
    groups += 1;
  }
  return selectKth(work, lo, lo + groups - 1, lo + ((groups - 1) >> 1));
}

function insertionSort(work: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const value = work[i]!;
    let j = i - 1;
    while (j >= lo && work[j]! > value) {
      work[j + 1] = work[j]!;
      j -= 1;
    }
    work[j + 1] = value;
  }
}

function swap(work: Float64Array, i: number, j: number): void {
  const held = work[i]!;
  work[i] = work[j]!;
  work[j] = held;
}
