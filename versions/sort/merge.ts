import type { SortInput, SortValue, VersionResult } from '../contract.js';

const MAX_VALUES = 100_000;
/** Runs this short are sorted by insertion sort before the merge passes begin. */
const RUN_LENGTH = 32;

/** Stable bottom-up merge sort of signed 64-bit bigints. */
export default function mergeSort(input: SortInput): VersionResult<SortValue> {
  const values = input.values;
  if (values.length > MAX_VALUES) {
    return { kind: 'domain_error', reason: 'TOO_LARGE' };
  }
  const count = values.length;
  let source: bigint[] = values.slice();
  let target: bigint[] = new Array<bigint>(count);

  for (let start = 0; start < count; start += RUN_LENGTH) {
    insertionSort(source, start, Math.min(start + RUN_LENGTH, count));
  }

  for (let width = RUN_LENGTH; width < count; width *= 2) {
    for (let low = 0; low < count; low += 2 * width) {
      const middle = Math.min(low + width, count);
      const high = Math.min(low + 2 * width, count);
      mergeRuns(source, target, low, middle, high);
    }
    const swap = source;
    source = target;
    target = swap;
  }

  return { kind: 'value', value: source };
}

/** Sorts items[start, end) in place; stable because equal items are never moved past each other. */
function insertionSort(items: bigint[], start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const current = items[i] as bigint;
    let j = i - 1;
    while (j >= start && (items[j] as bigint) > current) {
      items[j + 1] = items[j] as bigint;
      j--;
    }
    items[j + 1] = current;
  }
}

/**
 * Merges the sorted runs from[low, middle) and from[middle, high) into into[low, high).
 * Ties take the left run first, which keeps the sort stable.
 */
function mergeRuns(from: bigint[], into: bigint[], low: number, middle: number, high: number): void {
  let left = low;
  let right = middle;
  let out = low;
  while (left < middle && right < high) {
    const leftValue = from[left] as bigint;
    const rightValue = from[right] as bigint;
    if (rightValue < leftValue) {
      into[out++] = rightValue;
      right++;
    } else {
      into[out++] = leftValue;
      left++;
    }
  }
  while (left < middle) into[out++] = from[left++] as bigint;
  while (right < high) into[out++] = from[right++] as bigint;
}
