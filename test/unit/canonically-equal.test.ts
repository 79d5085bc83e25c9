import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../voter/vote/canonicalize.js';
import { canonicalOrder } from '../../voter/vote/canonical-order.js';
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

describe('canonicalOrder', () => {
  it('is 0 exactly when canonicallyEqual says equal, antisymmetric, and transitive', () => {
    fc.assert(
      fc.property(tree, tree, tree, (a, b, c) => {
        expect(canonicalOrder(a, b) === 0).toBe(canonicallyEqual(a, b));
        expect(Math.sign(canonicalOrder(a, b))).toBe(-Math.sign(canonicalOrder(b, a)) || 0);
        // Boxed: Array.prototype.sort puts undefined last without asking the comparator.
        const [x, y, z] = [a, b, c].map(value => ({ value })).sort((p, q) => canonicalOrder(p.value, q.value)).map(box => box.value);
        expect(canonicalOrder(x, y)).toBeLessThanOrEqual(0);
        expect(canonicalOrder(y, z)).toBeLessThanOrEqual(0);
        expect(canonicalOrder(x, z)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('orders int64 lists numerically, typed or not, and equal ones by their bytes', () => {
    const typed = BigInt64Array.of(-1n, 5n);
    expect(canonicalOrder(typed, BigInt64Array.of(1n, 5n))).toBeLessThan(0);
    expect(canonicalOrder(typed, [-1n, 5n])).toBe(0);
    expect(canonicalOrder([-1n, 6n], typed)).toBeGreaterThan(0);
    expect(canonicalOrder(typed, BigInt64Array.of(-1n, 5n))).toBe(0);
  });

  it('orders a wrong 100,000-value answer against the right one without building text', () => {
    const right = BigInt64Array.from({ length: 100_000 }, (_, index) => BigInt(index) * 1_000_003n);
    const wrong = right.slice();
    wrong[99_999] = (wrong[99_999] as bigint) + 1n;
    expect(canonicalOrder(right, wrong)).toBeLessThan(0);
    expect(canonicalOrder(wrong, right)).toBeGreaterThan(0);
  });
});
