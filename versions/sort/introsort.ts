import type { SortInput, SortValue, VersionResult } from '../contract.js';

// Spec, Sort rule 1.
const LIMIT = 100_000;

// Below this many elements the quadratic scan beats partitioning overhead.
const SMALL = 20;

// Above this many, a single median-of-three is too easy to fool (organ pipes, sawtooth),
// so the pivot is chosen as Tukey's ninther over nine spread-out samples.
const NINTHER_FROM = 160;

function insertionSort(a: bigint[], from: number, to: number): void {
  for (let k = from + 1; k < to; k++) {
    const item = a[k]!;
    let hole = k;
    // Strict `>` keeps the scan short on runs of equal keys.
    while (hole > from && a[hole - 1]! > item) {
      a[hole] = a[hole - 1]!;
      hole--;
    }
    a[hole] = item;
  }
}

/** The middle value of three, by value (no indices needed: partition scans for it anyway). */
function mid3(x: bigint, y: bigint, z: bigint): bigint {
  if (x < y) {
    if (y < z) return y;
    return x < z ? z : x;
  }
  // here y <= x
  if (x < z) return x;
  return y < z ? z : y;
}

function choosePivot(a: bigint[], from: number, to: number): bigint {
  const last = to - 1;
  const centre = from + ((to - from) >>> 1);
  if (to - from < NINTHER_FROM) return mid3(a[from]!, a[centre]!, a[last]!);
  const step = (to - from) >>> 3;
  return mid3(
    mid3(a[from]!, a[from + step]!, a[from + 2 * step]!),
    mid3(a[centre - step]!, a[centre]!, a[centre + step]!),
    mid3(a[last - 2 * step]!, a[last - step]!, a[last]!),
  );
}

/*
 * Heapsort of a[from, to), used once quicksort has recursed too deep. Bottom-up variant
 * (Floyd / Wegener): the hole sinks to a leaf following the larger child without comparing
 * against the displaced item, then the item climbs back; on random data that is roughly
 * half the comparisons of the textbook sift, and bigint comparisons are not free.
 */
function heapSortRange(a: bigint[], from: number, to: number): void {
  const size = to - from;
  const place = (start: number, limit: number, item: bigint): void => {
    // Descend: move the larger child up into the hole until the hole is a leaf.
    let hole = start;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= limit) break;
      if (child + 1 < limit && a[from + child + 1]! > a[from + child]!) child++;
      a[from + hole] = a[from + child]!;
      hole = child;
    }
    // Ascend: the item belongs somewhere on the path just walked.
    while (hole > start) {
      const parent = (hole - 1) >>> 1;
      const above = a[from + parent]!;
      if (!(above < item)) break;
      a[from + hole] = above;
      hole = parent;
    }
    a[from + hole] = item;
  };
  for (let root = (size >>> 1) - 1; root >= 0; root--) place(root, size, a[from + root]!);
  for (let end = size - 1; end > 0; end--) {
    const top = a[from]!;
    const tail = a[from + end]!;
    a[from + end] = top;
    place(0, end, tail);
  }
}

/*
 * Quicksort with a three-way (Dijkstra "Dutch flag") split: the block equal to the pivot is
 * finished in one pass and never revisited, so all-equal and few-distinct inputs take linear
 * time instead of degrading. The smaller side is handled by recursion and the larger by the
 * loop, so the JavaScript stack stays O(log n) even before the depth budget kicks in.
 */
function introSortRange(a: bigint[], from: number, to: number, budget: number): void {
  let lo = from;
  let hi = to;
  let depthLeft = budget;
  while (hi - lo > SMALL) {
    if (depthLeft === 0) {
      heapSortRange(a, lo, hi);
      return;
    }
    depthLeft--;
    const pivot = choosePivot(a, lo, hi);
    // Invariant: [lo, lt) < pivot, [lt, scan) == pivot, [scan, gt] unknown, (gt, hi) > pivot.
    let lt = lo;
    let scan = lo;
    let gt = hi - 1;
    while (scan <= gt) {
      const v = a[scan]!;
      if (v < pivot) {
        a[scan] = a[lt]!;
        a[lt] = v;
        lt++;
        scan++;
      } else if (v > pivot) {
        a[scan] = a[gt]!;
        a[gt] = v;
        gt--;
      } else {
        scan++;
      }
    }
    // Left part [lo, lt), right part (gt, hi) i.e. [scan, hi).
    if (lt - lo < hi - scan) {
      introSortRange(a, lo, lt, depthLeft);
      lo = scan;
    } else {
      introSortRange(a, scan, hi, depthLeft);
      hi = lt;
    }
  }
  insertionSort(a, lo, hi);
}

export default function introsort(input: SortInput): VersionResult<SortValue> {
  const source = input.values;
  const n = source.length;
  if (n > LIMIT) return { kind: 'domain_error', reason: 'TOO_LARGE' };

  // A fresh array: the caller's one is left exactly as it came.
  const out = source.slice();

  // 2 * floor(log2 n): the classic introsort bound on partitioning depth.
  const depthBudget = n > 1 ? 2 * (31 - Math.clz32(n)) : 0;
  introSortRange(out, 0, n, depthBudget);
  return { kind: 'value', value: out };
}
