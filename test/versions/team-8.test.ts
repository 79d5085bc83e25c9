import { describe, expect, it } from 'vitest';
import type { SortValue, VersionResult } from '../../versions/contract.js';
import introsort from '../../versions/sort/introsort.js';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

function reference(values: readonly bigint[]): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function sorted(values: readonly bigint[]): bigint[] {
  const result: VersionResult<SortValue> = introsort({ values });
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
}

// xorshift128+ over BigInt: deterministic and reaches every int64, not only safe integers.
function makeRandom(seed: number): { int64: () => bigint; below: (bound: number) => number } {
  const mask = (1n << 64n) - 1n;
  let s0 = BigInt(seed) * 0x9e3779b97f4a7c15n & mask || 1n;
  let s1 = (s0 ^ 0xbf58476d1ce4e5b9n) & mask || 2n;
  const next = (): bigint => {
    let x = s0;
    const y = s1;
    s0 = y;
    x = (x ^ (x << 23n)) & mask;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (s1 + y) & mask;
  };
  return {
    int64: () => BigInt.asIntN(64, next()),
    below: (bound) => Number(next() % BigInt(bound)),
  };
}

describe('sort-introsort (team 8)', () => {
  it('returns an empty array for no values', () => {
    expect(introsort({ values: [] })).toEqual({ kind: 'value', value: [] });
  });

  it('returns a single value unchanged', () => {
    expect(sorted([42n])).toEqual([42n]);
    expect(sorted([MIN])).toEqual([MIN]);
  });

  it('orders the int64 extremes exactly', () => {
    const values = [MAX, 0n, MIN, -1n, 1n, MAX - 1n, MIN + 1n, MAX, MIN];
    const out = sorted(values);
    expect(out).toEqual([MIN, MIN, MIN + 1n, -1n, 0n, 1n, MAX - 1n, MAX, MAX]);
    expect(out[0]).toBe(-9223372036854775808n);
    expect(out[out.length - 1]).toBe(9223372036854775807n);
  });

  it('keeps values that differ beyond double precision apart', () => {
    const base = 2n ** 60n;
    const values = [base + 3n, base + 1n, base + 2n, base, base + 1n];
    expect(sorted(values)).toEqual([base, base + 1n, base + 1n, base + 2n, base + 3n]);
  });

  it('keeps every duplicate', () => {
    expect(sorted([3n, 1n, 3n, 2n, 1n, 3n])).toEqual([1n, 1n, 2n, 3n, 3n, 3n]);
  });

  it('handles sorted, reverse, all-equal, organ-pipe and few-distinct inputs', () => {
    const n = 50_000;
    const ascending = Array.from({ length: n }, (_, k) => BigInt(k) - 25_000n);
    const descending = [...ascending].reverse();
    const equal = Array.from({ length: n }, () => MAX);
    const organ = Array.from({ length: n }, (_, k) => BigInt(Math.min(k, n - 1 - k)));
    const sawtooth = Array.from({ length: n }, (_, k) => BigInt(k % 97));
    const twoValues = Array.from({ length: n }, (_, k) => (k % 3 === 0 ? MIN : MAX));
    for (const values of [ascending, descending, equal, organ, sawtooth, twoValues]) {
      expect(sorted(values)).toEqual(reference(values));
    }
  });

  it('sorts 100,000 random int64 values', () => {
    const random = makeRandom(8);
    const values = Array.from({ length: 100_000 }, () => random.int64());
    const out = sorted(values);
    expect(out).toHaveLength(100_000);
    expect(out).toEqual(reference(values));
  });

  it('rejects 100,001 values with TOO_LARGE', () => {
    const values = Array.from({ length: 100_001 }, (_, k) => BigInt(k));
    expect(introsort({ values })).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
  });

  it('does not modify the input array', () => {
    const values = [5n, MIN, 3n, MAX, 3n, 0n];
    const copy = [...values];
    const frozen = Object.freeze([...values]);
    const out = sorted(values);
    expect(values).toEqual(copy);
    expect(out).not.toBe(values);
    expect(sorted(frozen)).toEqual(reference(copy));
  });

  it('matches the reference on seeded random inputs of many sizes', () => {
    const random = makeRandom(20_260_101);
    const sizes = [2, 3, 4, 5, 7, 8, 15, 16, 19, 20, 21, 22, 31, 63, 100, 159, 160, 161, 500, 1_000, 4_097];
    for (let size = 0; size <= 64; size++) sizes.push(size);
    for (const size of sizes) {
      for (let trial = 0; trial < 4; trial++) {
        // Alternate full-range values with a tiny alphabet, where equal keys dominate.
        const alphabet = trial % 2 === 0 ? 0 : 1 + random.below(5);
        const values = Array.from({ length: size }, () =>
          alphabet === 0 ? random.int64() : BigInt(random.below(alphabet)) - 2n,
        );
        expect(sorted(values)).toEqual(reference(values));
      }
    }
  });
});
