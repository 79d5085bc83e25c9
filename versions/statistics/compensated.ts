import type { StatisticsInput, StatisticsValue, VersionResult } from '../contract.js';

const MAX_VALUES = 1_000_000;

/**
 * Values at or above this magnitude are scaled down by 2^-VALUE_SCALE_SHIFT before summing.
 * With at most 2^20 values below 2^1024, sums then stay below 2^1014; below the threshold
 * they stay below 2^1010 unscaled. Powers of two scale exactly (short of the subnormal
 * range, where the lost bits are negligible next to a value this large).
 */
const LARGE_MAGNITUDE = 2 ** 990;
const VALUE_SCALE_SHIFT = 30;

/** Insertion sort below this many elements in the selection routine. */
const SMALL_RANGE = 16;
const GROUP_SIZE = 5;

/**
 * Mean and sum of squared deviations by Neumaier compensated summation, over power-of-two
 * scaled values and deviations so nothing overflows or underflows prematurely; median by
 * median-of-medians (BFPRT) selection on a copy of the data.
 */
export default function compensatedStatistics(
  input: StatisticsInput,
): VersionResult<StatisticsValue> {
  const values = input.values;
  const count = values.length;
  if (count === 0) return { kind: 'domain_error', reason: 'EMPTY' };
  if (count > MAX_VALUES) return { kind: 'domain_error', reason: 'TOO_LARGE' };

  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) return { kind: 'domain_error', reason: 'NON_FINITE' };
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min === max) {
    return {
      kind: 'value',
      value: { count, mean: min, variance: 0, stddev: 0, min, max, median: min },
    };
  }

  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  const valueShift = magnitude >= LARGE_MAGNITUDE ? VALUE_SCALE_SHIFT : 0;
  const valueScale = 2 ** -valueShift;

  const scaledMean = refinedMean(values, valueScale, min * valueScale, max * valueScale);
  const spread = secondMoment(values, valueScale, scaledMean);

  // Deviations were divided by 2^(valueShift + deviationShift) in total.
  const totalShift = valueShift + spread.deviationShift;
  const variance = multiplyByPowerOfTwo(spread.scaledVariance, 2 * totalShift);
  if (!Number.isFinite(variance)) return { kind: 'domain_error', reason: 'NON_FINITE' };
  // Literally sqrt(variance), as the spec defines it (even where a subnormal variance
  // has lost bits that sqrt of the scaled variance would keep).
  const stddev = Math.sqrt(variance);
  const mean = multiplyByPowerOfTwo(scaledMean, valueShift);

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

function addCompensated(accumulator: CompensatedSum, term: number): void {
  const { sum } = accumulator;
  const next = sum + term;
  // The rounding error of `sum + term` is recovered exactly from the larger operand.
  if (Math.abs(sum) >= Math.abs(term)) {
    accumulator.compensation += sum - next + term;
  } else {
    accumulator.compensation += term - next + sum;
  }
  accumulator.sum = next;
}

function totalOf(accumulator: CompensatedSum): number {
  return accumulator.sum + accumulator.compensation;
}

/**
 * The mean of the scaled values: a compensated sum divided by the count, then corrected
 * once by the compensated mean of the residuals, and kept within [min, max].
 */
function refinedMean(
  values: readonly number[],
  scale: number,
  scaledMin: number,
  scaledMax: number,
): number {
  const count = values.length;
  const total: CompensatedSum = { sum: 0, compensation: 0 };
  for (let i = 0; i < count; i++) addCompensated(total, values[i]! * scale);
  const firstEstimate = totalOf(total) / count;

  const residual: CompensatedSum = { sum: 0, compensation: 0 };
  for (let i = 0; i < count; i++) addCompensated(residual, values[i]! * scale - firstEstimate);
  const refined = firstEstimate + totalOf(residual) / count;
  return Math.min(Math.max(refined, scaledMin), scaledMax);
}

/**
 * The sample variance of the scaled values around `scaledMean`, itself scaled by
 * 2^(-2 * deviationShift) where 2^deviationShift is just above the largest deviation, so
 * squares neither overflow nor vanish. Uses the corrected two-pass formula: subtracting
 * (sum of deviations)^2 / n removes the error left by any inexactness in the mean.
 */
function secondMoment(
  values: readonly number[],
  scale: number,
  scaledMean: number,
): { scaledVariance: number; deviationShift: number } {
  const count = values.length;
  let largestDeviation = 0;
  for (let i = 0; i < count; i++) {
    const deviation = Math.abs(values[i]! * scale - scaledMean);
    if (deviation > largestDeviation) largestDeviation = deviation;
  }
  if (largestDeviation === 0) return { scaledVariance: 0, deviationShift: 0 };

  // Scaled deviations lie below 1 (below 2 if log2 rounds across a power of two, still
  // harmless when squared). The factor 2^-deviationShift reaches 2^1073 for subnormal
  // deviations, beyond one double, hence two exact factors.
  const deviationShift = Math.floor(Math.log2(largestDeviation)) + 1;
  const factorA = 2 ** Math.min(-deviationShift, 1000);
  const factorB = 2 ** (-deviationShift - Math.min(-deviationShift, 1000));

  const deviations: CompensatedSum = { sum: 0, compensation: 0 };
  const squares: CompensatedSum = { sum: 0, compensation: 0 };
  for (let i = 0; i < count; i++) {
    const deviation = (values[i]! * scale - scaledMean) * factorA * factorB;
    addCompensated(deviations, deviation);
    addCompensated(squares, deviation * deviation);
  }
  const deviationTotal = totalOf(deviations);
  const sumOfSquares = Math.max(totalOf(squares) - (deviationTotal * deviationTotal) / count, 0);
  return { scaledVariance: sumOfSquares / (count - 1), deviationShift };
}

/** value * 2^exponent, in steps so no intermediate factor overflows or underflows. */
function multiplyByPowerOfTwo(value: number, exponent: number): number {
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
