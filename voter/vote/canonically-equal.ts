/**
 * Whether two plain values have the same canonical text (canonicalize.ts), decided without
 * building it: for a 100,000-value answer the text costs tens of milliseconds and megabytes per
 * version on the event loop, and agreeing answers are compared far more often than ordered.
 * The same rules: object keys in any order, -0 equals 0, every NaN is the same, bigints and
 * numbers stay distinct, arrays and typed arrays compare by their elements alone.
 */
export function canonicallyEqual(a: unknown, b: unknown): boolean {
  // -0 === 0, as canonicalize has it.
  if (a === b) return true;
  const type = typeof a;
  if (type !== typeof b) return false;
  switch (type) {
    case 'number':
      // a !== b here: equal only as two NaNs (-0 and 0 are ===).
      return Number.isNaN(a) && Number.isNaN(b);
    case 'object':
      return objectsEqual(a as object | null, b as object | null);
    case 'function':
    case 'symbol':
      // canonicalize writes every one of them alike; a version never produces them.
      return true;
    default:
      // bigint, string, boolean, undefined: === already said no.
      return false;
  }
}

function objectsEqual(a: object | null, b: object | null): boolean {
  if (a === null || b === null) return false;
  const aList = Array.isArray(a) || ArrayBuffer.isView(a);
  const bList = Array.isArray(b) || ArrayBuffer.isView(b);
  if (aList !== bList) return false;
  if (aList) {
    // Two int64 lists (versions' large Sort answers) are equal exactly when their bytes are, and
    // reading their elements one by one would make a bigint of each.
    if (a instanceof BigInt64Array && b instanceof BigInt64Array) return sameBytes(a, b);
    const length = lengthOf(a);
    if (length !== lengthOf(b)) return false;
    const left = a as ArrayLike<unknown>;
    const right = b as ArrayLike<unknown>;
    for (let index = 0; index < length; index++) {
      if (!canonicallyEqual(left[index], right[index])) return false;
    }
    return true;
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  const sortedA = aKeys.sort();
  const sortedB = bKeys.sort();
  for (let index = 0; index < sortedA.length; index++) {
    if (sortedA[index] !== sortedB[index]) return false;
  }
  for (const key of sortedA) {
    if (!canonicallyEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** The length Array.from reads: ToLength of `length` (a DataView has none: 0). */
function lengthOf(list: object): number {
  const length = Number((list as { length?: unknown }).length);
  return Number.isFinite(length) && length > 0 ? Math.min(Math.floor(length), Number.MAX_SAFE_INTEGER) : 0;
}

function sameBytes(a: BigInt64Array, b: BigInt64Array): boolean {
  return a.length === b.length && Buffer.compare(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
