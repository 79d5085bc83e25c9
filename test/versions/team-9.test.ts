// Team 9's own checks of versions/sort/shell.ts, derived from SPEC.md "Sort" alone.
import { describe, expect, it } from 'vitest';
import shellSort from '../../versions/sort/shell.js';
import type { SortValue, VersionResult } from '../../versions/contract.js';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

function reference(values: readonly bigint[]): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function sorted(values: readonly bigint[]): bigint[] {
  const result: VersionResult<SortValue> = shellSort({ values });
  if (result.kind !== 'value') {
    throw new Error(`expected a value, got domain_error ${result.reason}`);
  }
  return result.value;
}

// Deterministic 32-bit generator (mulberry32) so every failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

// Mixes full-range values with clusters that stress exactness and ties:
// around 0, around ±2^53 (where Number would round), and at the int64 ends.
function randomInt64(next: () => number): bigint {
  const full = BigInt.asIntN(64, (BigInt(next()) << 32n) | BigInt(next()));
  const small = BigInt(next() % 9) - 4n;
  switch (next() % 6) {
    case 0:
      return small;
    case 1:
      return 2n ** 53n + small;
    case 2:
      return -(2n ** 53n) + small;
    case 3:
      return next() % 2 === 0 ? MIN + BigInt(next() % 3) : MAX - BigInt(next() % 3);
    default:
      return full;
  }
}

function randomArray(length: number, next: () => number): bigint[] {
  return Array.from({ length }, () => randomInt64(next));
}

describe('team 9: sort-shell', () => {
  it('returns an empty array for empty input', () => {
    expect(sorted([])).toEqual([]);
  });

  it('returns a single value unchanged', () => {
    expect(sorted([42n])).toEqual([42n]);
    expect(sorted([MIN])).toEqual([MIN]);
  });

  it('keeps the int64 extremes exact', () => {
    const input = [MAX, 0n, MIN, -1n, 1n, MAX - 1n, MIN + 1n];
    expect(sorted(input)).toEqual([MIN, MIN + 1n, -1n, 0n, 1n, MAX - 1n, MAX]);
  });

  it('separates neighbours that a double would merge', () => {
    const big = 2n ** 62n;
    const input = [big + 3n, big + 1n, big + 2n, big, -big - 1n, -big];
    expect(sorted(input)).toEqual([-big - 1n, -big, big, big + 1n, big + 2n, big + 3n]);
  });

  it('keeps every duplicate', () => {
    const input = [3n, 1n, 3n, 2n, 1n, 3n, MAX, MIN, MAX];
    expect(sorted(input)).toEqual([MIN, 1n, 1n, 2n, 3n, 3n, 3n, MAX, MAX]);
  });

  it('handles already sorted, reversed and all-equal input', () => {
    const ascending = Array.from({ length: 2_000 }, (_, i) => BigInt(i) - 1_000n);
    const descending = [...ascending].reverse();
    const equal = Array.from({ length: 2_000 }, () => -7n);
    expect(sorted(ascending)).toEqual(ascending);
    expect(sorted(descending)).toEqual(ascending);
    expect(sorted(equal)).toEqual(equal);
  });

  it('does not modify the input array', () => {
    const input = randomArray(5_000, rng(9));
    const snapshot = [...input];
    const output = sorted(input);
    expect(input).toEqual(snapshot);
    expect(output).not.toBe(input);
    // A frozen input would make any write throw.
    expect(sorted(Object.freeze([...snapshot]))).toEqual(reference(snapshot));
  });

  it('sorts exactly 100,000 values', () => {
    const input = randomArray(100_000, rng(100_000));
    expect(sorted(input)).toEqual(reference(input));
  });

  it('rejects 100,001 values with TOO_LARGE', () => {
    const input = Array.from({ length: 100_001 }, (_, i) => BigInt(i));
    expect(shellSort({ values: input })).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
  });

  it('agrees with a reference sort on seeded random inputs of many sizes', () => {
    const next = rng(0x5eed);
    const sizes = [2, 3, 4, 5, 9, 10, 11, 22, 23, 24, 56, 57, 58, 131, 133, 300, 302, 700, 702, 1_577, 1_579, 3_549, 8_000];
    for (let n = 0; n <= 64; n++) sizes.push(n);
    for (const size of sizes) {
      for (let round = 0; round < 3; round++) {
        const input = randomArray(size, next);
        expect(sorted(input), `size ${size}, round ${round}`).toEqual(reference(input));
      }
    }
  });

  // Not legal wire input (the gateway rejects it), but the version must never wrap
  // a value silently: it falls back to sorting the originals.
  it('returns values wider than int64 exactly rather than wrapped', () => {
    const input = [2n ** 64n, 5n, -(2n ** 70n), MAX, MIN, 2n ** 63n];
    expect(sorted(input)).toEqual(reference(input));
  });

  it('agrees with the reference on narrow value ranges full of ties', () => {
    const next = rng(77);
    for (let size = 1; size <= 400; size += 13) {
      const input = Array.from({ length: size }, () => BigInt(next() % 5) - 2n);
      expect(sorted(input)).toEqual(reference(input));
    }
  });
});
