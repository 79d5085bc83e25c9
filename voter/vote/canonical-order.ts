import { canonicallyEqual } from './canonically-equal.js';

/**
 * A total order of plain values that is 0 exactly when canonicallyEqual says equal: what voters
 * need to break ties between groups of different answers whatever order they arrived in. Ordering
 * by canonical text did the same, but building that text for a 100,000-value answer took up to
 * 260 ms of the event loop, plus its garbage (CPU profile of a c=64 fault campaign: the longest
 * busy stretch, 1.2 s, was canonicalize and the GC after it, while a wrong Sort answer was voted).
 */
export function canonicalOrder(a: unknown, b: unknown): number {
  const rankA = rankOf(a);
  const rankB = rankOf(b);
  if (rankA !== rankB) return rankA - rankB;
  switch (rankA) {
    case Rank.Number:
      return numberOrder(a as number, b as number);
    case Rank.BigInt:
    case Rank.String:
    case Rank.Boolean:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case Rank.List:
      return listOrder(a as ArrayLike<unknown>, b as ArrayLike<unknown>);
    case Rank.Record:
      return recordOrder(a as Record<string, unknown>, b as Record<string, unknown>);
    default:
      // undefined, null, functions and symbols: each rank holds one canonical value.
      return 0;
  }
}

// The order of kinds, as canonicalize keeps them apart: numbers, bigints, strings, booleans, ...
const Rank = { Number: 0, BigInt: 1, String: 2, Boolean: 3, Undefined: 4, Null: 5, List: 6, Record: 7, Other: 8 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];

function rankOf(value: unknown): Rank {
  switch (typeof value) {
    case 'number':
      return Rank.Number;
    case 'bigint':
      return Rank.BigInt;
    case 'string':
      return Rank.String;
    case 'boolean':
      return Rank.Boolean;
    case 'undefined':
      return Rank.Undefined;
    case 'object':
      if (value === null) return Rank.Null;
      return Array.isArray(value) || ArrayBuffer.isView(value) ? Rank.List : Rank.Record;
    default:
      return Rank.Other;
  }
}

function numberOrder(a: number, b: number): number {
  // Every NaN is the same, and before every other number; -0 and 0 compare equal here already.
  const nanA = Number.isNaN(a);
  const nanB = Number.isNaN(b);
  if (nanA || nanB) return nanA === nanB ? 0 : nanA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function listOrder(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  const length = lengthOf(a);
  const otherLength = lengthOf(b);
  if (length !== otherLength) return length - otherLength;
  // Equal int64 lists are found by their bytes; only different ones are read element by element,
  // so that the order stays numeric (and transitive with plain bigint arrays).
  if (a instanceof BigInt64Array && b instanceof BigInt64Array && canonicallyEqual(a, b)) return 0;
  for (let index = 0; index < length; index++) {
    const order = canonicalOrder(a[index], b[index]);
    if (order !== 0) return order;
  }
  return 0;
}

function recordOrder(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  if (keysA.length !== keysB.length) return keysA.length - keysB.length;
  for (let index = 0; index < keysA.length; index++) {
    const keyA = keysA[index] as string;
    const keyB = keysB[index] as string;
    if (keyA !== keyB) return keyA < keyB ? -1 : 1;
  }
  for (const key of keysA) {
    const order = canonicalOrder(a[key], b[key]);
    if (order !== 0) return order;
  }
  return 0;
}

/** The length Array.from reads: ToLength of `length` (a DataView has none: 0). */
function lengthOf(list: object): number {
  const length = Number((list as { length?: unknown }).length);
  return Number.isFinite(length) && length > 0 ? Math.min(Math.floor(length), Number.MAX_SAFE_INTEGER) : 0;
}
