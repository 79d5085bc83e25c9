import type { SortInput, SortValue, VersionResult } from '../contract.js';

const MAX_VALUES = 100_000;

/** Sort by heapsort: build a max-heap bottom-up, then repeatedly move the maximum to the end. */
export default function heapSort(input: SortInput): VersionResult<SortValue> {
  const source = input.values;
  if (source.length > MAX_VALUES) return { kind: 'domain_error', reason: 'TOO_LARGE' };

  // Work on a copy: the input array must stay untouched.
  const heap: bigint[] = new Array<bigint>(source.length);
  for (let i = 0; i < source.length; i++) heap[i] = source[i] as bigint;

  const size = heap.length;
  for (let parent = (size >> 1) - 1; parent >= 0; parent--) siftDown(heap, parent, size);
  for (let end = size - 1; end > 0; end--) {
    swap(heap, 0, end);
    siftDown(heap, 0, end);
  }
  return { kind: 'value', value: heap };
}

/** Restore the max-heap property for the subtree rooted at `root`, within heap[0, size). */
function siftDown(heap: bigint[], root: number, size: number): void {
  const moving = heap[root] as bigint;
  let hole = root;
  for (;;) {
    let child = 2 * hole + 1;
    if (child >= size) break;
    const right = child + 1;
    if (right < size && (heap[right] as bigint) > (heap[child] as bigint)) child = right;
    const childValue = heap[child] as bigint;
    if (childValue <= moving) break;
    heap[hole] = childValue;
    hole = child;
  }
  heap[hole] = moving;
}

function swap(heap: bigint[], a: number, b: number): void {
  const held = heap[a] as bigint;
  heap[a] = heap[b] as bigint;
  heap[b] = held;
}
