import type { StatisticsInput, StatisticsValue, VersionResult } from '../contract.js';

const MAX_VALUES = 1_000_000;

/**
 * Adding then subtracting 1.5 * 2^p rounds any |v| <= 2^(p-1) to a multiple of 2^(p-52), exactly.
 * Scaled values have |v| < 2: p = 20 cuts them on a 2^-32 grid, where a million parts still sum
 * exactly (|sum| < 2^21); p = -12 cuts the rest (|r| <= 2^-33) on a 2^-64 grid, also exactly.
 */
const COARSE_SPLITTER = 1.5 * 2 ** 20;
const FINE_SPLITTER = 1.5 * 2 ** -12;

/** From this magnitude up, halving a double is exact (the half is still normal). */
const HALVES_EXACTLY = 2 ** -1021;

/** Windows this small are sorted outright. */
const SORTED_WINDOW = 24;
/** Rounds that keep over 7/8 of their window; after this many the window is sorted instead. */
const POOR_ROUND_LIMIT = 8;

/**
 * Median by quickselect on two ranks at once; variance by Welford's online update on the values
 * scaled by a power of two (exact, and no intermediate can overflow) and shifted by the median
 * (so a large mean with a small spread loses no accuracy); mean from an exact split sum in the
 * same pass.
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

  // Equal values (a single one included) need no arithmetic, so SPEC's exactness is free here.
  if (min === max) {
    return { kind: 'value', value: { count, mean: min, variance: 0, stddev: 0, min, max, median: min } };
  }

  const medianValue = median(values);

  // Not all equal, so largestMagnitude > 0. Scaling puts every value in (-2, 2) exactly (bar
  // values negligible next to the largest); deviations from the median then stay below 4 and
  // their squares below 16, so nothing overflows over a million values.
  const exponent = binaryExponent(largestMagnitude);
  const shift = scaleByPowerOfTwo(medianValue, -exponent);
  let coarseSum = 0;
  let fineSum = 0;
  let residueSum = 0;
  let runningMean = 0;
  let sumSquaredDeviations = 0;
  for (let i = 0; i < count; i++) {
    const scaled = scaleByPowerOfTwo(values[i]!, -exponent);
    // The mean: Welford's running mean rounds at every step, so a mean near 0 next to the
    // spread would be all noise. Two exact cuts leave only a residue below 2^-65 to round.
    const coarse = scaled + COARSE_SPLITTER - COARSE_SPLITTER;
    const remainder = scaled - coarse;
    const fine = remainder + FINE_SPLITTER - FINE_SPLITTER;
    coarseSum += coarse;
    fineSum += fine;
    residueSum += remainder - fine;

    const delta = scaled - shift - runningMean;
    const step = delta / (i + 1);
    runningMean += step;
    // delta - step is the deviation from the updated mean; the product is never negative.
    sumSquaredDeviations += delta * (delta - step);
  }
  // Where the total is small next to the spread, coarseSum is too (|fineSum| < 2^-13) and adding
  // the two is exact, so the total rounds about once. Rounding could push the mean a hair outside
  // the data's range; the true mean cannot be.
  const scaledMean = Math.min(
    Math.max((coarseSum + fineSum + residueSum) / count, scaleByPowerOfTwo(min, -exponent)),
    scaleByPowerOfTwo(max, -exponent),
  );

  const meanValue = scaleByPowerOfTwo(scaledMean, exponent);
  const variance = scaleByPowerOfTwo(sumSquaredDeviations / (count - 1), 2 * exponent);
  // Literally sqrt(variance) as SPEC defines it (differs from sqrt of the exact variance only
  // when the variance underflows into subnormals).
  const stddev = Math.sqrt(variance);
  if (!Number.isFinite(meanValue) || !Number.isFinite(variance)) {
    return { kind: 'domain_error', reason: 'NON_FINITE' };
  }

  return {
    kind: 'value',
    value: { count, mean: meanValue, variance, stddev, min, max, median: medianValue },
  };
}

/** The e with 2^e <= magnitude < 2^(e+1), for a finite magnitude > 0, read off its bits. */
function binaryExponent(magnitude: number): number {
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, magnitude);
  const high = bits.getUint32(0);
  const biased = high >>> 20;
  if (biased > 0) return biased - 1023;
  // Subnormal: magnitude = fraction * 2^-1074, so e is the top set bit of the 52-bit fraction.
  const fractionHigh = high & 0xfffff;
  if (fractionHigh !== 0) return 31 - Math.clz32(fractionHigh) + 32 - 1074;
  return 31 - Math.clz32(bits.getUint32(4)) - 1074;
}

/**
 * x * 2^power, correctly rounded. Every 2^k with -1074 <= k <= 1023 is an exact double, so inside
 * that range one multiplication does it. Further up, a first factor 2^1023 is exact (or overflows,
 * as the result must). Further down, a first factor 2^-1000 is exact unless x * 2^-1000 is already
 * subnormal, and then the rest (below 2^-74) takes the result under half of 2^-1074 anyway: 0.
 * Beyond +-2200 every nonzero result is an overflow or a 0, so the power is clamped there.
 */
function scaleByPowerOfTwo(x: number, power: number): number {
  if (power > 1023) return scaleByPowerOfTwo(x * 2 ** 1023, Math.min(power, 2200) - 1023);
  if (power < -1074) return scaleByPowerOfTwo(x * 2 ** -1000, Math.max(power, -2200) + 1000);
  return x * 2 ** power;
}

/** The middle value, or for an even count the mean of the two middle values. */
function median(values: readonly number[]): number {
  const upperRank = values.length >> 1;
  const lowerRank = values.length % 2 === 0 ? upperRank - 1 : upperRank;
  const [lower, upper] = valuesAtRanks(values, lowerRank, upperRank);
  return lowerRank === upperRank ? lower : halfwayBetween(lower, upper);
}

/**
 * (a + b) / 2 with a single rounding and no overflow. When both halve exactly, the halves add
 * with one rounding and cannot overflow. Otherwise one is below 2^-1021, so the sum cannot
 * overflow, and halving it is either exact or, for a sum that small (then exact), the one rounding.
 */
function halfwayBetween(a: number, b: number): number {
  if (Math.abs(a) >= HALVES_EXACTLY && Math.abs(b) >= HALVES_EXACTLY) return a * 0.5 + b * 0.5;
  return (a + b) * 0.5;
}

/**
 * The values of ranks `low` and `high` (0-based; high is low or low + 1) of the ascending order.
 * Each round deals the window [start, end) holding both ranks from one buffer into the other:
 * values below the pivot packed from the left, above it from the right, values equal to it
 * implied in the gap. Positions then still match ranks, and the window shrinks to one side, or
 * the ranks meet the gap, where the answer is the pivot or the nearest value of a side.
 */
function valuesAtRanks(values: readonly number[], low: number, high: number): [number, number] {
  let from = Float64Array.from(values);
  let into = new Float64Array(from.length);
  let start = 0;
  let end = from.length;
  let poorRounds = 0;
  // Sample positions: a golden-ratio counter put through a multiply-xorshift mixer (a bare Weyl
  // sequence lines up with periodic data). Restarted per call, so calls stay independent.
  let probe = 0;
  const samplePosition = (): number => {
    probe = (probe + 0x9e3779b9) | 0;
    let mixed = Math.imul(probe ^ (probe >>> 15), 0x2c1b3c6d);
    mixed = Math.imul(mixed ^ (mixed >>> 12), 0x297a2d39);
    return start + Math.floor((((mixed ^ (mixed >>> 15)) >>> 0) / 0x100000000) * (end - start));
  };
  while (end - start > SORTED_WINDOW && poorRounds < POOR_ROUND_LIMIT) {
    const first = from[samplePosition()]!;
    const second = from[samplePosition()]!;
    const third = from[samplePosition()]!;
    // The middle of three samples; being one of the window's values, the gap is never empty.
    const pivot = Math.max(Math.min(first, second), Math.min(Math.max(first, second), third));
    let below = start;
    let above = end;
    for (let i = start; i < end; i++) {
      const x = from[i]!;
      if (x < pivot) into[below++] = x;
      else if (x > pivot) into[--above] = x;
    }
    const before = end - start;
    if (high < below) end = below;
    else if (low >= above) start = above;
    else {
      return [
        low < below ? largestIn(into, start, below) : pivot,
        high >= above ? smallestIn(into, above, end) : pivot,
      ];
    }
    if (8 * (end - start) > 7 * before) poorRounds++;
    const emptied = from;
    from = into;
    into = emptied;
  }
  // A typed array sorts numerically. Rounds that keep 7/8 or less cost O(n) in all, and poor
  // ones are capped, so even an input built against the sampler stays O(n log n).
  const rest = from.subarray(start, end).sort();
  return [rest[low - start]!, rest[high - start]!];
}

function largestIn(work: Float64Array, from: number, to: number): number {
  let best = -Infinity;
  for (let i = from; i < to; i++) if (work[i]! > best) best = work[i]!;
  return best;
}

function smallestIn(work: Float64Array, from: number, to: number): number {
  let best = Infinity;
  for (let i = from; i < to; i++) if (work[i]! < best) best = work[i]!;
  return best;
}
