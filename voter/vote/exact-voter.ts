import { canonicalize } from './canonicalize.js';
import { canonicallyEqual } from './canonically-equal.js';
import type { Voter } from './voter.js';

/** Answers agree when their canonical forms are identical. */
export function createExactVoter<TInput, TValue>(): Voter<TInput, TValue> {
  const keys = new WeakMap<object, string>();
  const keyOf = (value: TValue): string => {
    if (typeof value !== 'object' || value === null) return canonicalize(value);
    let key = keys.get(value);
    if (key === undefined) {
      key = canonicalize(value);
      keys.set(value, key);
    }
    return key;
  };
  return {
    isAcceptable: () => true,
    // Without building the canonical text: it is needed only to order answers that differ.
    agree: (a, b) => canonicallyEqual(a, b),
    compare: (a, b) => {
      if (canonicallyEqual(a, b)) return 0;
      const ka = keyOf(a);
      const kb = keyOf(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    },
    pick: agreeing => {
      const first = agreeing[0];
      if (first === undefined) throw new RangeError('pick needs at least one answer');
      return first;
    },
  };
}
