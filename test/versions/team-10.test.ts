import { describe, expect, it } from 'vitest';
import type { SortValue, VersionResult } from '../../versions/contract.js';
import treeSort from '../../versions/sort/tree.js';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

const reference = (values: readonly bigint[]): bigint[] =>
  [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

// xorshift64* over bigints: a fixed seed makes every failure reproducible, and drawing whole
// 64-bit words reaches both ends of the int64 range, which Math.random never would.
function generator(seed: bigint): () => bigint {
  let s = BigInt.asUintN(64, seed) || 1n;
  return () => {
    s ^= s >> 12n;
    s = BigInt.asUintN(64, s ^ (s << 25n));
    s ^= s >> 27n;
    return BigInt.asUintN(64, s * 0x2545f4914f6cdd1dn);
  };
}

const signed = (word: bigint): bigint => BigInt.asIntN(64, word);

function sorted(result: VersionResult<SortValue>): bigint[] {
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
}

describe('team-10 tree sort', () => {
  it('returns an empty array for no values', () => {
    expect(treeSort({ values: [] })).toEqual({ kind: 'value', value: [] });
  });

  it('returns a single value unchanged', () => {
    expect(sorted(treeSort({ values: [42n] }))).toEqual([42n]);
    expect(sorted(treeSort({ values: [MIN] }))).toEqual([MIN]);
  });

  it('keeps the int64 extremes exact', () => {
    const values = [MAX, 0n, MIN, -1n, 1n, MAX - 1n, MIN + 1n, MAX, MIN];
    expect(sorted(treeSort({ values }))).toEqual([MIN, MIN, MIN + 1n, -1n, 0n, 1n, MAX - 1n, MAX, MAX]);
  });

  it('keeps every duplicate', () => {
    const values = [3n, 1n, 3n, 2n, 1n, 3n, -5n, 2n, -5n];
    expect(sorted(treeSort({ values }))).toEqual([-5n, -5n, 1n, 1n, 2n, 2n, 3n, 3n, 3n]);
  });

  it('handles ascending, descending and all-equal runs', () => {
    const n = 5_000;
    const up = Array.from({ length: n }, (_, i) => BigInt(i) - 2_500n);
    const down = [...up].reverse();
    const flat = Array.from({ length: n }, () => MAX);
    expect(sorted(treeSort({ values: up }))).toEqual(up);
    expect(sorted(treeSort({ values: down }))).toEqual(up);
    expect(sorted(treeSort({ values: flat }))).toEqual(flat);
  });

  it('handles alternating and organ-pipe shapes', () => {
    const zigzag = Array.from({ length: 2_001 }, (_, i) => (i % 2 === 0 ? BigInt(i) : -BigInt(i)));
    const pipe = [...Array.from({ length: 1_000 }, (_, i) => BigInt(i)), ...Array.from({ length: 1_000 }, (_, i) => BigInt(999 - i))];
    expect(sorted(treeSort({ values: zigzag }))).toEqual(reference(zigzag));
    expect(sorted(treeSort({ values: pipe }))).toEqual(reference(pipe));
  });

  it('sorts exactly 100,000 values, random, ascending and descending', () => {
    const next = generator(0x10_0000n);
    const random = Array.from({ length: 100_000 }, () => signed(next()));
    expect(sorted(treeSort({ values: random }))).toEqual(reference(random));
    const up = reference(random);
    expect(sorted(treeSort({ values: up }))).toEqual(up);
    const down = [...up].reverse();
    expect(sorted(treeSort({ values: down }))).toEqual(up);
  });

  it('rejects 100,001 values as TOO_LARGE', () => {
    const values = Array.from({ length: 100_001 }, (_, i) => BigInt(i));
    expect(treeSort({ values })).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
    expect(treeSort({ values: Array.from({ length: 100_001 }, () => 0n) })).toEqual({
      kind: 'domain_error',
      reason: 'TOO_LARGE',
    });
  });

  it('does not modify the input array', () => {
    const values = [5n, MIN, 3n, MAX, 3n, 0n];
    const before = [...values];
    const result = sorted(treeSort({ values }));
    expect(values).toEqual(before);
    expect(result).not.toBe(values);
    // The answer belongs to the caller: changing it must not reach back into the input.
    result[0] = 99n;
    expect(values).toEqual(before);
  });

  it('agrees with a reference sort on seeded random inputs of many sizes', () => {
    const next = generator(0xc0ffeen);
    for (let size = 0; size <= 300; size++) {
      // Narrow ranges force many duplicates; the full range exercises the int64 ends.
      const span = [2n, 17n, 1_000n, 0n][size % 4]!;
      const values = Array.from({ length: size }, () => {
        const word = next();
        return span === 0n ? signed(word) : (word % span) - span / 2n;
      });
      expect(sorted(treeSort({ values })), `size ${size}`).toEqual(reference(values));
    }
    for (const size of [1_023, 1_024, 1_025, 4_096, 12_345, 65_537]) {
      const values = Array.from({ length: size }, () => signed(next()));
      expect(sorted(treeSort({ values })), `size ${size}`).toEqual(reference(values));
    }
  });

  it('returns the same answer on repeated calls', () => {
    const next = generator(7n);
    const values = Array.from({ length: 2_000 }, () => signed(next()) % 50n);
    expect(treeSort({ values })).toEqual(treeSort({ values }));
  });
});
