import type { SortInput, SortValue, VersionResult } from '../contract.js';

const MAX_VALUES = 100_000;

/**
 * Sorts through the engine's own BigInt64Array.prototype.sort, whose default
 * comparison is numeric (not the string comparison of Array.prototype.sort).
 * The gateway guarantees every value fits in a signed 64-bit integer, so the
 * copy into the typed array is exact.
 */
export default function sortWithTypedArray(input: SortInput): VersionResult<SortValue> {
  const values = input.values;
  if (values.length > MAX_VALUES) {
    return { kind: 'domain_error', reason: 'TOO_LARGE' };
  }
  // BigInt64Array.from copies, so the caller's array is never modified.
  const typed = BigInt64Array.from(values);
  typed.sort();
  return { kind: 'value', value: Array.from(typed) };
}
