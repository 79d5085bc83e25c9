import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { StatisticsValue, VersionResult } from '../../versions/contract.js';
import twoPass from '../../versions/statistics/two-pass.js';

// ---------------------------------------------------------------------------------------------
// Exact oracle. Every finite double is an integer times a power of two, so after shifting all
// values onto their smallest common power, sums and squares are exact bigints and each field
// is a rational that is rounded to the nearest double only once, at the end.

const MAX = Number.MAX_VALUE;
const MIN = Number.MIN_VALUE;
const MAX_AS_BIGINT = BigInt(MAX);

interface Dyadic {
  readonly mantissa: bigint;
  readonly exponent: number;
}

const bits = new DataView(new ArrayBuffer(8));

/** A finite double as [integer mantissa magnitude, exponent, negative], read from its bits. */
function parts(value: number): [number, number, boolean] {
  bits.setFloat64(0, value);
  const high = bits.getUint32(0);
  const low = bits.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (high & 0xfffff) * 2 ** 32 + low;
  // Subnormals have no hidden bit and the exponent of the smallest normal binade.
  return biased === 0 ? [fraction, -1074, high >>> 31 === 1] : [fraction + 2 ** 52, biased - 1075, high >>> 31 === 1];
}

function toDyadic(value: number): Dyadic {
  const [magnitude, exponent, negative] = parts(value);
  return { mantissa: negative ? -BigInt(magnitude) : BigInt(magnitude), exponent };
}

/** value / 2^base as an exact bigint; base must not exceed the value's own exponent. */
function integerAt(value: number, base: number): bigint {
  const d = toDyadic(value);
  return d.mantissa << BigInt(d.exponent - base);
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** numerator / denominator * 2^power, rounded to the nearest double, ties to even. */
function roundRational(numerator: bigint, denominator: bigint, power: number): number {
  if (numerator === 0n) return 0;
  const negative = numerator < 0n;
  const top = negative ? -numerator : numerator;
  // The result is mantissa * 2^exponent with a 53-bit mantissa, or fewer bits when subnormal.
  let exponent = bitLength(top) - bitLength(denominator) + power - 53;
  const scaled = (e: number): [bigint, bigint] => {
    const shift = power - e;
    return shift >= 0 ? [top << BigInt(shift), denominator] : [top, denominator << BigInt(-shift)];
  };
  let [p, q] = scaled(exponent);
  if (p >= q << 53n) [p, q] = scaled(++exponent);
  if (exponent < -1074) [p, q] = scaled((exponent = -1074));
  let mantissa = p / q;
  const twiceRemainder = 2n * (p - mantissa * q);
  if (twiceRemainder > q || (twiceRemainder === q && (mantissa & 1n) === 1n)) mantissa += 1n;
  const magnitude = exponent > 971 ? Infinity : Number(mantissa) * 2 ** exponent;
  return negative ? -magnitude : magnitude;
}

interface Exact {
  readonly result: VersionResult<StatisticsValue>;
  /** The exact variance is within a relative 1e-12 of the largest double. */
  readonly nearOverflow: boolean;
}

function exactStatistics(values: readonly number[]): Exact {
  const fail = (reason: string): Exact => ({ result: { kind: 'domain_error', reason }, nearOverflow: false });
  if (values.length === 0) return fail('EMPTY');
  if (values.length > 1_000_000) return fail('TOO_LARGE');
  if (values.some((x) => !Number.isFinite(x))) return fail('NON_FINITE');

  let base = Infinity;
  for (const x of values) base = Math.min(base, parts(x)[1]);
  const n = BigInt(values.length);
  let sum = 0n;
  let sumOfSquares = 0n;
  for (const x of values) {
    const integer = integerAt(x, base);
    sum += integer;
    sumOfSquares += integer * integer;
  }
  // variance = (n * sum of squares - sum^2) / (n (n - 1)) * 2^(2 base)
  const varianceTop = n * sumOfSquares - sum * sum;
  const varianceBottom = n === 1n ? 1n : n * (n - 1n);
  const scaledTop = (t: bigint): bigint => (2 * base >= 0 ? t << BigInt(2 * base) : t);
  const scaledMax = (m: bigint): bigint => (2 * base >= 0 ? m : m << BigInt(-2 * base));
  const left = scaledTop(varianceTop);
  const right = scaledMax(MAX_AS_BIGINT * varianceBottom);
  const distance = left > right ? left - right : right - left;
  const nearOverflow = distance * 1_000_000_000_000n <= right;
  if (n > 1n && left > right) return { result: { kind: 'domain_error', reason: 'NON_FINITE' }, nearOverflow };

  // Doubles order like the exact values they stand for, so sorting them orders the integers.
  const sorted = Float64Array.from(values).sort();
  const at = (k: number): bigint => integerAt(sorted[k] as number, base);
  const middle = values.length >> 1;
  const median =
    values.length % 2 === 1 ? roundRational(at(middle), 1n, base) : roundRational(at(middle - 1) + at(middle), 2n, base);
  const variance = n === 1n ? 0 : roundRational(varianceTop, varianceBottom, 2 * base);
  return {
    result: {
      kind: 'value',
      value: {
        count: values.length,
        mean: roundRational(sum, n, base),
        variance,
        stddev: Math.sqrt(variance),
        min: roundRational(at(0), 1n, base),
        max: roundRational(at(values.length - 1), 1n, base),
        median,
      },
    },
    nearOverflow,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers.

function valueOf(result: VersionResult<StatisticsValue>): StatisticsValue {
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
}

function expectedValue(values: readonly number[]): StatisticsValue {
  return valueOf(exactStatistics(values).result);
}

/** |actual - expected| <= relative * |expected| + absolute; zeros of either sign are equal. */
function expectNear(actual: number, expected: number, relative: number, absolute = 0, label = ''): void {
  const error = Math.abs(actual - expected);
  expect(error <= relative * Math.abs(expected) + absolute, `${label} ${actual} vs exact ${expected}`).toBe(true);
}

/** Checks every field against the exact answer: exact ones exactly, the rest to `relative`. */
function expectMatchesExact(actual: StatisticsValue, expected: StatisticsValue, relative = 1e-10): void {
  expect(actual.count).toBe(expected.count);
  expect(actual.min === expected.min, `min ${actual.min} vs ${expected.min}`).toBe(true);
  expect(actual.max === expected.max, `max ${actual.max} vs ${expected.max}`).toBe(true);
  expect(actual.median === expected.median, `median ${actual.median} vs ${expected.median}`).toBe(true);
  expectNear(actual.mean, expected.mean, relative, MIN, 'mean');
  expectNear(actual.variance, expected.variance, relative, MIN, 'variance');
  expect(actual.stddev).toBe(Math.sqrt(actual.variance));
  if (expected.variance >= 2 ** -1022) expectNear(actual.stddev, expected.stddev, relative, 0, 'stddev');
}

/** The double next to `x` going away from zero (up) or toward it (down); x finite, nonzero. */
function neighbour(x: number, direction: 'up' | 'down'): number {
  bits.setFloat64(0, x);
  const word = bits.getBigUint64(0);
  bits.setBigUint64(0, direction === 'up' ? word + 1n : word - 1n);
  return bits.getFloat64(0);
}

/** A seeded generator of uniform numbers in [0, 1) (xorshift32), so each run sees the same data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

const rejected = (reason: string): VersionResult<StatisticsValue> => ({ kind: 'domain_error', reason });

// ---------------------------------------------------------------------------------------------

describe('statistics/two-pass', () => {
  describe('the oracle itself', () => {
    it('rounds rationals to the nearest double, ties to even, including subnormals and overflow', () => {
      expect(roundRational(1n, 3n, 0)).toBe(1 / 3);
      expect(roundRational(-7n, 2n, 0)).toBe(-3.5);
      expect(roundRational(1n, 1n, -1074)).toBe(MIN);
      expect(roundRational(1n, 2n, -1074)).toBe(0); // a tie between 0 and MIN goes to even 0
      expect(roundRational(3n, 2n, -1074)).toBe(2 * MIN); // a tie between 1 and 2 units goes to 2
      expect(roundRational((1n << 53n) - 1n, 1n, 971)).toBe(MAX);
      expect(roundRational((1n << 54n) - 1n, 2n, 971)).toBe(Infinity); // MAX + half an ulp
      for (const x of [0.1, -2.5e-310, MAX, MIN, 1e9 + 0.123, -7e200]) {
        const d = toDyadic(x);
        expect(roundRational(d.mantissa, 1n, d.exponent)).toBe(x);
      }
    });
  });

  describe('input checks, in the specified order', () => {
    it('rejects an empty sample as EMPTY', () => {
      expect(twoPass({ values: [] })).toEqual(rejected('EMPTY'));
    });

    it('reports a 1,000,001-value sample as TOO_LARGE even when it also holds NaN and Infinity', () => {
      const values = new Array<number>(1_000_001).fill(2.5);
      values[0] = NaN;
      values[500_000] = Infinity;
      values[1_000_000] = -Infinity;
      expect(twoPass({ values })).toEqual(rejected('TOO_LARGE'));
    });

    it('reports NON_FINITE, not TOO_LARGE, for exactly 1,000,000 values ending in NaN', () => {
      const values = new Array<number>(1_000_000).fill(-1);
      values[999_999] = NaN;
      expect(twoPass({ values })).toEqual(rejected('NON_FINITE'));
    });

    it('reports NON_FINITE for NaN or an infinity anywhere, even next to huge finite values', () => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        expect(twoPass({ values: [bad] })).toEqual(rejected('NON_FINITE'));
        expect(twoPass({ values: [bad, 1, 2] })).toEqual(rejected('NON_FINITE'));
        expect(twoPass({ values: [1, 2, bad] })).toEqual(rejected('NON_FINITE'));
        expect(twoPass({ values: [MAX, -MAX, bad, 0] })).toEqual(rejected('NON_FINITE'));
      }
    });
  });

  describe('one value and equal values', () => {
    it('returns a single value exactly with variance 0, for every magnitude', () => {
      for (const x of [0, 3, -3.5, 0.1, MAX, -MAX, MIN, -MIN, 2 ** -1022, 1e-300]) {
        expect(valueOf(twoPass({ values: [x] }))).toEqual({
          count: 1,
          mean: x,
          variance: 0,
          stddev: 0,
          min: x,
          max: x,
          median: x,
        });
      }
    });

    it('gives the mean of [1e308, 1e308] as exactly 1e308 (the spec example)', () => {
      expect(valueOf(twoPass({ values: [1e308, 1e308] }))).toEqual({
        count: 2,
        mean: 1e308,
        variance: 0,
        stddev: 0,
        min: 1e308,
        max: 1e308,
        median: 1e308,
      });
    });

    it('returns exactly 0 variance and the value itself as mean when all values are equal', () => {
      for (const x of [0.1, -MAX, MAX, 1e9 + 0.1, 3 * MIN, -1e-320, 123456.789]) {
        for (const count of [2, 3, 1000, 65_537]) {
          const value = valueOf(twoPass({ values: new Array<number>(count).fill(x) }));
          expect(value).toEqual({ count, mean: x, variance: 0, stddev: 0, min: x, max: x, median: x });
        }
      }
    });

    it('keeps -0 only when every value is -0, and reports mixed zeros the same way in any order', () => {
      const allNegative = valueOf(twoPass({ values: [-0, -0, -0] }));
      expect(Object.is(allNegative.mean, -0)).toBe(true);
      expect(Object.is(allNegative.min, -0) && Object.is(allNegative.max, -0)).toBe(true);
      for (const values of [
        [-0, 0],
        [0, -0],
        [0, -0, 0],
        [-0, 0, -0],
      ]) {
        const value = valueOf(twoPass({ values }));
        expect(Object.is(value.mean, 0), `mean of ${values.map((z) => (Object.is(z, -0) ? '-0' : '0')).join()}`).toBe(true);
        expect(Object.is(value.min, -0)).toBe(true);
        expect(Object.is(value.max, 0)).toBe(true);
        expect(value.variance).toBe(0);
      }
    });
  });

  describe('small exact samples', () => {
    it('computes the textbook sample [2, 4, 4, 4, 5, 5, 7, 9] exactly', () => {
      expect(valueOf(twoPass({ values: [2, 4, 4, 4, 5, 5, 7, 9] }))).toEqual({
        count: 8,
        mean: 5,
        variance: 32 / 7,
        stddev: Math.sqrt(32 / 7),
        min: 2,
        max: 9,
        median: 4.5,
      });
    });

    it('takes the median of an even count as the mean of the two middle values, unsorted input', () => {
      const value = valueOf(twoPass({ values: [10, -3, 7, 1, 1e6, -50] }));
      expect(value.median).toBe(4);
      expect(value.min).toBe(-50);
      expect(value.max).toBe(1e6);
      expectMatchesExact(value, expectedValue([10, -3, 7, 1, 1e6, -50]));
    });

    it('does not modify its input', () => {
      const values = [5, -1, 3, 3, 1e-300, 9e15];
      const copy = values.slice();
      twoPass({ values });
      expect(values).toEqual(copy);
    });
  });

  describe('near the largest double', () => {
    it('reports NON_FINITE for distinct values near the largest double, whose variance overflows', () => {
      const samples = [
        [MAX, neighbour(MAX, 'down')],
        [MAX, -MAX],
        [-MAX, neighbour(-MAX, 'down'), -MAX],
        [1e308, 1.5e308],
        [1e300, neighbour(1e300, 'up')],
        [MAX, 0],
        [MAX, MIN],
      ];
      for (const values of samples) {
        expect(exactStatistics(values).result).toEqual(rejected('NON_FINITE'));
        expect(twoPass({ values })).toEqual(rejected('NON_FINITE'));
      }
    });

    it('returns a variance just below the largest double and rejects one just above it', () => {
      // [-a, a] has variance 2a^2 and [0, b] has variance b^2 / 2.
      const a = Math.sqrt(MAX / 2);
      const b = Math.sqrt(MAX) * Math.SQRT2;
      for (const factor of [1 - 2 ** -30, 1 - 2 ** -20, 0.999]) {
        for (const values of [
          [-a * factor, a * factor],
          [0, b * factor],
          [-a * factor, 0, a * factor, 0],
        ]) {
          const exact = exactStatistics(values);
          expect(exact.result.kind).toBe('value');
          const value = valueOf(twoPass({ values }));
          expectMatchesExact(value, valueOf(exact.result));
          expect(value.variance).toBeGreaterThan(MAX / 4);
        }
      }
      for (const factor of [1 + 2 ** -30, 1 + 2 ** -20, 1.001]) {
        for (const values of [
          [-a * factor, a * factor],
          [0, b * factor],
        ]) {
          expect(exactStatistics(values).result).toEqual(rejected('NON_FINITE'));
          expect(twoPass({ values })).toEqual(rejected('NON_FINITE'));
        }
      }
    });

    it('returns a variance whose individual squared deviations overflow a double', () => {
      const values = [-1e154, 1e154, 0];
      const value = valueOf(twoPass({ values }));
      expectMatchesExact(value, expectedValue(values));
      expectNear(value.variance, 1e308, 1e-15);
    });

    it('decides overflow correctly for clusters of adjacent doubles near 2^568 and 2^569', () => {
      // One value u and 999 copies of the double below it: the variance is ulp(u)^2 / 1000,
      // which is 2^1032 / 1000 (finite) for u near 2^568 and 2^1034 / 1000 (too large) near 2^569.
      for (const [power, finite] of [
        [568, true],
        [569, false],
      ] as const) {
        const u = 1.5 * 2 ** power;
        const values = new Array<number>(1000).fill(neighbour(u, 'down'));
        values[123] = u;
        const exact = exactStatistics(values);
        if (finite) {
          const value = valueOf(twoPass({ values }));
          expectMatchesExact(value, valueOf(exact.result));
          expectNear(value.variance, 2 ** 1022 * (1024 / 1000), 1e-15);
        } else {
          expect(exact.result).toEqual(rejected('NON_FINITE'));
          expect(twoPass({ values })).toEqual(rejected('NON_FINITE'));
        }
      }
    });

    it('reports NON_FINITE for a sample at 2^577 differing in one ulp, agreeing with the oracle', () => {
      const top = 2 ** 577;
      for (const values of [
        [top, neighbour(top, 'down')],
        [neighbour(top, 'down'), top, top, top],
        [-top, neighbour(-top, 'down')],
        [neighbour(top, 'up'), top],
      ]) {
        expect(exactStatistics(values).result).toEqual(rejected('NON_FINITE'));
        expect(twoPass({ values })).toEqual(rejected('NON_FINITE'));
      }
    });
  });

  describe('subnormal and tiny values', () => {
    it('computes exact means and medians of subnormal samples, whose variance rounds to 0', () => {
      expect(valueOf(twoPass({ values: [MIN, 3 * MIN] }))).toEqual({
        count: 2,
        mean: 2 * MIN,
        variance: 0,
        stddev: 0,
        min: MIN,
        max: 3 * MIN,
        median: 2 * MIN,
      });
      expect(valueOf(twoPass({ values: [7 * MIN, MIN, 5 * MIN, 3 * MIN] }))).toEqual({
        count: 4,
        mean: 4 * MIN,
        variance: 0,
        stddev: 0,
        min: MIN,
        max: 7 * MIN,
        median: 4 * MIN,
      });
      const symmetric = valueOf(twoPass({ values: [-MIN, MIN] }));
      expect(symmetric.mean).toBe(0);
      expect(symmetric.variance).toBe(0);
      expect(symmetric.median).toBe(0);
    });

    it('rounds a mean halfway between subnormals to even, like the exact oracle', () => {
      const samples = [
        [MIN, 2 * MIN], // 1.5 units: rounds to 2
        [2 * MIN, 3 * MIN], // 2.5 units: rounds to 2
        [2 ** -1022 - MIN, 2 ** -1022], // halfway across the subnormal/normal boundary
        [0, MIN, MIN], // 2/3 of a unit
      ];
      for (const values of samples) {
        expectMatchesExact(valueOf(twoPass({ values })), expectedValue(values), 0);
      }
      expect(valueOf(twoPass({ values: [MIN, 2 * MIN] })).mean).toBe(2 * MIN);
      expect(valueOf(twoPass({ values: [2 * MIN, 3 * MIN] })).mean).toBe(2 * MIN);
    });

    it('returns subnormal variances exactly', () => {
      // [-2^-537, 2^-537] has variance 2^-1073; [0, 2^-530] has 2^-1061; [0, 3 * 2^-530] has 9 * 2^-1061.
      expect(valueOf(twoPass({ values: [-(2 ** -537), 2 ** -537] })).variance).toBe(2 ** -1073);
      const value = valueOf(twoPass({ values: [0, 2 ** -530] }));
      expect(value.mean).toBe(2 ** -531);
      expect(value.variance).toBe(2 ** -1061);
      expect(value.stddev).toBe(Math.sqrt(2 ** -1061));
      expect(valueOf(twoPass({ values: [3 * 2 ** -530, 0] })).variance).toBe(9 * 2 ** -1061);
      expect(valueOf(twoPass({ values: [2 ** -530, 0, 2 ** -530] })).variance).toBe(2 ** -1061 / 1.5);
    });

    it('rounds variances below half the smallest subnormal to 0 on both sides of the cut-off', () => {
      // The range exponent -550 is still scaled back; -551 and below take the shortcut to 0.
      for (const power of [-549, -550, -551, -552, -700, -1000, -1022, -1074]) {
        const x = 2 ** power;
        const values = [-x, x, 0, x];
        expectMatchesExact(valueOf(twoPass({ values })), expectedValue(values), 1e-12);
      }
    });

    it('matches the oracle for samples of values near 1e-300 and below the normal range', () => {
      const random = seededRandom(7);
      for (const unit of [1e-150, 1e-300, 1e-310, 2 ** -1040, MIN]) {
        const values = Array.from({ length: 300 }, () => Math.round(random() * 1e6) * unit);
        expectMatchesExact(valueOf(twoPass({ values })), expectedValue(values), 1e-10);
      }
    });
  });

  describe('mixed magnitudes', () => {
    it('keeps tiny values that decide the mean of huge values that cancel', () => {
      const samples = [
        [1e150, -1e150, 1e-300],
        [1e100, 1e-300, -1e100, 5e-324],
        [-1e154, 3e-310, 1e154],
        [1e15, 1, -1e15, 1e-5],
      ];
      for (const values of samples) {
        const value = valueOf(twoPass({ values }));
        expectMatchesExact(value, expectedValue(values), 1e-12);
      }
      expect(valueOf(twoPass({ values: [1e150, -1e150, 1e-300] })).mean).toBe(1e-300 / 3);
    });

    it('matches the oracle for tiny values alongside large ones', () => {
      const samples = [
        [1e-300, 2e-300, 1e100],
        [MIN, 1e150, 2 ** -1022, -1e-200],
        [1e-320, 1, 2, 3],
        [1e153, 1e-153, 1, 1e-323],
      ];
      for (const values of samples) {
        expectMatchesExact(valueOf(twoPass({ values })), expectedValue(values), 1e-12);
      }
    });

    it('reports NON_FINITE when a huge value sits beside tiny ones', () => {
      for (const values of [
        [1e200, 1e-200],
        [MAX, MIN],
        [2 ** 600, 0, MIN],
        [-1e160, 1e-300, 1e-310],
      ]) {
        expect(exactStatistics(values).result).toEqual(rejected('NON_FINITE'));
        expect(twoPass({ values })).toEqual(rejected('NON_FINITE'));
      }
    });
  });

  describe('large mean, small spread', () => {
    it('is accurate to 1e-10 for 1e9 plus small noise', () => {
      const random = seededRandom(2024);
      for (const noise of [1e-3, 1e-6, 1]) {
        const values = Array.from({ length: 20_000 }, () => 1e9 + (random() - 0.5) * noise);
        expectMatchesExact(valueOf(twoPass({ values })), expectedValue(values), 1e-10);
      }
    });

    it('is accurate for 1e15 plus small integers and for 2^52 plus alternating units', () => {
      const shifted = Array.from({ length: 5000 }, (_, i) => 1e15 + (i % 11));
      expectMatchesExact(valueOf(twoPass({ values: shifted })), expectedValue(shifted), 1e-12);
      const alternating = Array.from({ length: 5001 }, (_, i) => 2 ** 52 + (i % 2));
      expectMatchesExact(valueOf(twoPass({ values: alternating })), expectedValue(alternating), 1e-12);
    });

    it('is accurate for two adjacent doubles in any proportion', () => {
      for (const base of [1, 1e9, 1e-200, 2 ** 500]) {
        const next = neighbour(base, 'up');
        for (const share of [1, 2, 500, 999]) {
          const values = Array.from({ length: 1000 }, (_, i) => (i < share ? next : base));
          expectMatchesExact(valueOf(twoPass({ values })), expectedValue(values), 1e-12);
        }
      }
    });
  });

  describe('the maximum size', () => {
    it('handles 1,000,000 random values, matching the oracle and leaving the input alone', () => {
      const random = seededRandom(99);
      const values = Array.from({ length: 1_000_000 }, () => random() * 1e6 - 3e5);
      const copy = Float64Array.from(values);
      const value = valueOf(twoPass({ values }));
      expect(values.every((x, i) => Object.is(x, copy[i]))).toBe(true);
      expectMatchesExact(value, expectedValue(values), 1e-12);
    });

    it('returns the largest-magnitude finite variance a 1,000,000-value sample allows', () => {
      // One copy of 2^574 and 999,999 of the double below it (2^521 less): variance 2^1042 / 1e6.
      // Any two distinct doubles of magnitude 2^575 or more give a variance above the largest double.
      const top = 2 ** 574;
      const values = new Array<number>(1_000_000).fill(neighbour(top, 'down'));
      values[777_777] = top;
      const value = valueOf(twoPass({ values }));
      expectMatchesExact(value, expectedValue(values), 1e-12);
      expectNear(value.variance, 2 ** 1022 * (2 ** 20 / 1e6), 1e-15);
      // The same shape one binade up has ulp 2^522 and variance 2^1044 / 1e6 > 2^1024.
      values.fill(neighbour(2 ** 575, 'down'));
      values[777_777] = 2 ** 575;
      expect(twoPass({ values })).toEqual(rejected('NON_FINITE'));
    });
  });

  describe('properties against the exact oracle', () => {
    const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
    const subnormal = fc.integer({ min: -(2 ** 30), max: 2 ** 30 }).map((k) => k * MIN);
    const moderate = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    // Values clustered around one centre: a large mean with a small spread, at any magnitude.
    const clustered = fc
      .tuple(finiteDouble, fc.integer({ min: 1, max: 60 }), fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 12 }))
      .map(([centre, digits, offsets]) => offsets.map((k) => centre + centre * k * 2 ** -digits))
      .filter((values) => values.every(Number.isFinite));
    const samples = fc.oneof(
      fc.array(finiteDouble, { minLength: 1, maxLength: 10 }),
      fc.array(fc.oneof(finiteDouble, subnormal, moderate, fc.constant(0)), { minLength: 1, maxLength: 10 }),
      fc.array(subnormal, { minLength: 1, maxLength: 10 }),
      fc.array(moderate, { minLength: 1, maxLength: 30 }),
      clustered,
    );

    it('agrees with the exact oracle on every field of small arbitrary samples', () => {
      fc.assert(
        fc.property(samples, (values) => {
          const exact = exactStatistics(values);
          fc.pre(!exact.nearOverflow);
          const actual = twoPass({ values });
          if (exact.result.kind === 'domain_error') {
            expect(actual).toEqual(exact.result);
            return;
          }
          expect(actual.kind).toBe('value');
          expectMatchesExact(valueOf(actual), exact.result.value, 1e-10);
        }),
        { numRuns: 2000, seed: 20240601 },
      );
    });

    it('reports NON_FINITE whenever a NaN or infinity is added to a small sample', () => {
      fc.assert(
        fc.property(
          fc.array(finiteDouble, { maxLength: 10 }),
          fc.constantFrom(NaN, Infinity, -Infinity),
          fc.nat(),
          (values, bad, where) => {
            const spoiled = values.slice();
            spoiled.splice(where % (values.length + 1), 0, bad);
            expect(twoPass({ values: spoiled })).toEqual(rejected('NON_FINITE'));
          },
        ),
        { numRuns: 500, seed: 7 },
      );
    });
  });
});
