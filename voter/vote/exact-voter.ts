import { canonicalOrder } from './canonical-order.js';
import { canonicallyEqual } from './canonically-equal.js';
import type { Voter } from './voter.js';

/** Answers agree when their canonical forms are identical. */
export function createExactVoter<TInput, TValue>(): Voter<TInput, TValue> {
  return {
    isAcceptable: () => true,
    // Without building the canonical text: it is needed only to order answers that differ.
    agree: (a, b) => canonicallyEqual(a, b),
    compare: (a, b) => canonicalOrder(a, b),
    pick: agreeing => {
      const first = agreeing[0];
      if (first === undefined) throw new RangeError('pick needs at least one answer');
      return first;
    },
  };
}
