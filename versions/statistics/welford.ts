import type { StatisticsInput, StatisticsValue, VersionResult } from '../contract.js';

const MAX_VALUES = 1_000_000;

/** Scaling steps use factors up to 2^±1000: exact normal doubles (the normal range is 2^-1022 .. 2^1023). */
const MAX_CHUNK_EXPONENT = 1000;

/**
 * Median by Hoare quickselect on a copy; variance by Welford's online update on the values
 * scaled by a power of two (exact, and no intermediate can overflow) and shifted by the median
 * (so a large mean with a small spread loses no accuracy); mean from the same pass.
 */
export default function statisticsWelford(input: StatisticsInput): VersionResult<StatisticsValue> {
  const values = input.values;
  const count = values.length;
  if (count === 0) return { kind: 'domain_error', reason: 'EMPTY' };
  if (count > MAX_VALUES) return { kind: 'domain_error', reason: 'TOO_LARGE' };

  let min = Infinity;
  let max = -Infinity;
  let largestMagnitude = 0;
  for (let i = 0; i < count; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) return { kind: 'domain_error', reason: 'NON_FINITE' };
    min = Math.min(min, x);
    max = Math.max(max, x);
    largestMagnitude = Math.max(largestMagnitude, Math.abs(x));
  }

  const medianValue = median(values);

  // Scale so the largest magnitude lies in [1, 2) (exact: a power of two), then shift by the
  // median. Deviations from the median stay below 4 and their squares below 16, so nothing
  // overflows over a million values; the shift also keeps data with a large mean and a small
  // spread well conditioned, since Welford then only ever sees the small deviations.
  const exponent = largestMagnitude === 0 ? 0 : binaryExponent(largestMagnitude);
  const shift = scaleByPowerOfTwo(medianValue, -exponent);
  let runningMean = 0;
  let sumSquaredDeviations = 0;
  // Welford's running mean carries one rounding per step, so a mean that is exactly 0 (or tiny
  // next to the spread) would come out as a few ulps of noise, failing a relative bound. The
  // reported mean therefore comes from a Neumaier-compensated sum of the same deviations.
  let deviationSum = 0;
  let deviationSumError = 0;
  for (let i = 0; i < count; i++) {
    const deviation = scaleByPowerOfTwo(values[i]!, -exponent) - shift;
    const total = deviationSum + deviation;
    deviationSumError +=
      Math.abs(deviationSum) >= Math.abs(deviation)
        ? deviationSum - total + deviation
        : deviation - total + deviationSum;
    deviationSum = total;
    const delta = deviation - runningMean;
    if (delta === 0) continue;
    runningMean += delta / (i + 1);
    sumSquaredDeviations += delta * (deviation - runningMean);
  }
  const deviationMean = (deviationSum + deviationSumError) / count;
  // Deviations that cancel exactly make the mean the shift itself (keeping -0 for all -0 data).
  const shiftedMean = deviationMean === 0 ? shift : shift + deviationMean;
  // Rounding could push the mean a hair outside the data's range; the true mean cannot be.
  const scaledMean = Math.min(
    Math.max(shiftedMean, scaleByPowerOfTwo(min, -exponent)),
    scaleByPowerOfTwo(max, -exponent),
  );
  const scaledVariance = count === 1 ? 0 : Math.max(0, sumSquaredDeviations / (count - 1));

  const meanValue = scaleByPowerOfTwo(scaledMean, exponent);
  const variance = scaleByPowerOfTwo(scaleByPowerOfTwo(scaledVariance, exponent), exponent);
  // Literally sqrt(variance) as SPEC defines it (differs from sqrt of the exact variance only
  // when the variance underflows into subnormals).
  const stddev = Math.sqrt(variance);
  if (!Number.isFinite(meanValue) || !Number.isFinite(variance) || !Number.isFinite(stddev)) {
    return { kind: 'domain_error', reason: 'NON_FINITE' };
  }

  return {
    kind: 'value',
    value: { count, mean: meanValue, variance, stddev, min, max, median: medianValue },
  };
}

/** The e with 2^e <= magnitude < 2^(e+1), for a finite magnitude > 0. */
function binaryExponent(magnitude: number): number {
  let exponent = Math.floor(Math.log2(magnitude));
  // Math.log2 may be off by one near powers of two; correct it with exact comparisons.
  while (scaleByPowerOfTwo(1, exponent) > magnitude) exponent--;
  while (scaleByPowerOfTwo(1, exponent + 1) <= magnitude) exponent++;
  return exponent;
}

/**
 * x * 2^power, applied in steps whose factors are exact normal powers of two, so every step
 * is exact while the running value stays normal and only the last can round.
 */
function scaleByPowerOfTwo(x: number, power: number): number {
  let result = x;
  let remaining = power;
  while (remaining > MAX_CHUNK_EXPONENT) {
    result *= 2 ** MAX_CHUNK_EXPONENT;
    remaining -= MAX_CHUNK_EXPONENT;
  }
  while (remaining < -MAX_CHUNK_EXPONENT) {
    result *= 2 ** -MAX_CHUNK_EXPONENT;
    remaining += MAX_CHUNK_EXPONENT;
  }
  return result * 2 ** remaining;
}

function median(values: readonly number[]): number {
  const work = Float64Array.from(values);
  const upper = work.length >> 1;
  const upperValue = select(work, upper);
  if (work.length % 2 === 1) return upperValue;
  // After selection everything left of `upper` is <= work[upper]; the lower middle is their maximum.
  let lowerValue = work[0]!;
  for (let i = 1; i < upper; i++) lowerValue = Math.max(lowerValue, work[i]!);
  return midpoint(lowerValue, upperValue);
}

/** Mean of two doubles without overflowing when their sum would. */
function midpoint(a: number, b: number): number {
  const sum = a + b;
  return Number.isFinite(sum) ? sum / 2 : a / 2 + b / 2;
}

/**
 * Rearranges work so that work[k] holds the k-th smallest value (0-based), everything before
 * it is <= and everything after it is >=. Iterative quickselect with Hoare partitioning.
 */
function select(work: Float64Array, k: number): number {
  let lo = 0;
  let hi = work.length - 1;
  // A small local generator picks pivot samples; it is seeded per call, so calls stay independent.
  let seed = (work.length * 2654435761) >>> 0 || 1;
  const nextIndex = (span: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % span;
  };
  while (lo < hi) {
    const span = hi - lo + 1;
    const pivotIndex = medianOfThreeIndex(work, lo + nextIndex(span), lo + nextIndex(span), lo + nextIndex(span));
    swap(work, lo, pivotIndex);
    const split = hoarePartition(work, lo, hi);
    if (k <= split) hi = split;
    else lo = split + 1;
  }
  return work[k]!;
}

function medianOfThreeIndex(work: Float64Array, a: number, b: number, c: number): number {
  const va = work[a]!;
  const vb = work[b]!;
  const vc = work[c]!;
  if (va < vb) return vb < vc ? b : va < vc ? c : a;
  return va < vc ? a : vb < vc ? c : b;
}

/**
 * Hoare's scheme with the pivot at work[lo]: returns j with lo <= j < hi such that every
 * element of [lo, j] is <= every element of [j + 1, hi].
 */
function hoarePartition(work: Float64Array, lo: number, hi: number): number {
  const pivot = work[lo]!;
  let i = lo - 1;
  let j = hi + 1;
  for (;;) {
    do i++;
    while (work[i]! < pivot);
    do j--;
    while (work[j]! > pivot);
    if (i >= j) return j;
    swap(work, i, j);
  }
}

function swap(work: Float64Array, a: number, b: number): void {
  const held = work[a]!;
  work[a] = work[b]!;
  work[b] = held;
}
