import { canonicalOrder } from './canonical-order.js';
import { canonicallyEqual } from './canonically-equal.js';
import { withinTolerance, type Tolerance } from './tolerance.js';
import type { Voter } from './voter.js';

/**
 * Answers agree when they have the same shape, every number agrees within the tolerance and
 * everything else is identical. The returned answer takes, for every numeric field, the lower
 * median of the agreeing values: a value some version really produced, chosen independently of
 * arrival order, and the exact shared value whenever a majority produced it bit for bit.
 */
export function createToleranceVoter<TInput, TValue>(tolerance: Tolerance): Voter<TInput, TValue> {
  return {
    isAcceptable: () => true,
    agree: (a, b) => agreeDeep(a, b, tolerance),
    compare: (a, b) => canonicalOrder(a, b),
    pick: agreeing => pickDeep(agreeing) as TValue,
  };
}

function agreeDeep(a: unknown, b: unknown, tolerance: Tolerance): boolean {
  if (typeof a === 'number' && typeof b === 'number') return withinTolerance(a, b, tolerance);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return canonicallyEqual(a, b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => agreeDeep(item, b[i], tolerance));
  }
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  if (keysA.length !== keysB.length || keysA.some((key, i) => key !== keysB[i])) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  return keysA.every(key => agreeDeep(recordA[key], recordB[key], tolerance));
}

function pickDeep(values: readonly unknown[]): unknown {
  const first = values[0];
  if (first === undefined) throw new RangeError('pick needs at least one answer');
  if (typeof first === 'number') return lowerMedian(values as readonly number[]);
  if (typeof first !== 'object' || first === null) return first;
  if (Array.isArray(first)) {
    return first.map((_, i) => pickDeep(values.map(value => (value as readonly unknown[])[i])));
  }
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(first)) {
    picked[key] = pickDeep(values.map(value => (value as Record<string, unknown>)[key]));
  }
  return picked;
}

function lowerMedian(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
  return Object.is(median, -0) ? 0 : median;
}
