import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../voter/vote/canonicalize.js';
import { canonicallyEqual } from '../../voter/vote/canonically-equal.js';

// Plain data as versions return it, with the cases canonicalize treats specially close at hand.
const special = fc.constantFrom(0, -0, Number.NaN, 1, 1n, '1', true, undefined, null, Number.POSITIVE_INFINITY, 2 ** 53);
const { tree } = fc.letrec(tie => ({
  tree: fc.oneof({ depthSize: 'small' }, special, fc.double(), fc.bigInt(), fc.string({ maxLength: 3 }), tie('list'), tie('record'), tie('typed')),
  list: fc.array(tie('tree'), { maxLength: 4 }),
  record: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('tree'), { maxKeys: 3 }),
  typed: fc.oneof(
    fc.array(fc.double(), { maxLength: 4 }).map(values => Float64Array.from(values)),
    fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 4 }).map(values => BigInt64Array.from(values)),
  ),
}));

describe('canonicallyEqual', () => {
  it('says equal exactly when the canonical texts are equal', () => {
    fc.assert(
      fc.property(tree, tree, (a, b) => {
        expect(canonicallyEqual(a, b)).toBe(canonicalize(a) === canonicalize(b));
        // A value and a copy rebuilt from it, with keys in another order.
        const copy = structuredClone(a);
        expect(canonicallyEqual(a, copy)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('follows the canonical rules on the cases they exist for', () => {
    expect(canonicallyEqual({ b: 1, a: [0, -0] }, { a: [-0, 0], b: 1 })).toBe(true);
    expect(canonicallyEqual(Number.NaN, 0 / 0)).toBe(true);
    expect(canonicallyEqual(1n, 1)).toBe(false);
    expect(canonicallyEqual('1', 1)).toBe(false);
    expect(canonicallyEqual([1, 2], Float64Array.of(1, 2))).toBe(true);
    expect(canonicallyEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(canonicallyEqual({ a: undefined }, {})).toBe(false);
    expect(canonicallyEqual([undefined], [])).toBe(false);
  });
});
