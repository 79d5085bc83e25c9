import type { SortInput, SortValue, VersionResult } from '../contract.js';

// Tree sort: every value goes into an AVL tree keyed by the bigint itself, equal values share
// one node with a multiplicity, and an in-order walk reads the multiset back in ascending order.
// AVL rather than a randomised tree so the shape (and therefore the cost) is the same on every
// run, and sorted or reverse-sorted input cannot degrade it into a list.

const LIMIT = 100_000;

// An AVL tree of at most 100,000 nodes is at most about 1.44 * log2(100,002) ≈ 24 levels deep;
// 64 leaves a wide margin for the descent path and the walk stack without ever growing them.
const MAX_DEPTH = 64;

export default function treeSort(input: SortInput): VersionResult<SortValue> {
  const source = input.values;
  const total = source.length;
  if (total > LIMIT) return { kind: 'domain_error', reason: 'TOO_LARGE' };
  if (total === 0) return { kind: 'value', value: [] };

  // Slot 0 is the empty subtree: its height stays 0, which lets the balance arithmetic treat a
  // missing child like any other node instead of branching on it.
  const slots = total + 1;
  const key: bigint[] = new Array<bigint>(slots);
  key[0] = 0n;
  const lo = new Int32Array(slots);
  const hi = new Int32Array(slots);
  const tall = new Uint8Array(slots);
  const times = new Uint32Array(slots);
  let used = 0;
  let root = 0;

  const trail = new Int32Array(MAX_DEPTH);

  const refit = (node: number): void => {
    const a = tall[lo[node]!]!;
    const b = tall[hi[node]!]!;
    tall[node] = (a > b ? a : b) + 1;
  };

  // Both turns return the node that now heads the subtree, so the caller can hang it back on
  // whichever parent link pointed at the old head.
  const turnRight = (top: number): number => {
    const pivot = lo[top]!;
    lo[top] = hi[pivot]!;
    hi[pivot] = top;
    refit(top);
    refit(pivot);
    return pivot;
  };
  const turnLeft = (top: number): number => {
    const pivot = hi[top]!;
    hi[top] = lo[pivot]!;
    lo[pivot] = top;
    refit(top);
    refit(pivot);
    return pivot;
  };

  for (let i = 0; i < total; i++) {
    const v = source[i]!;
    if (root === 0) {
      used = 1;
      key[1] = v;
      tall[1] = 1;
      times[1] = 1;
      root = 1;
      continue;
    }

    let depth = 0;
    let at = root;
    let fresh = 0;
    for (;;) {
      trail[depth++] = at;
      const here = key[at]!;
      if (v < here) {
        const next = lo[at]!;
        if (next === 0) {
          fresh = ++used;
          lo[at] = fresh;
          break;
        }
        at = next;
      } else if (v > here) {
        const next = hi[at]!;
        if (next === 0) {
          fresh = ++used;
          hi[at] = fresh;
          break;
        }
        at = next;
      } else {
        times[at]!++;
        break;
      }
    }
    // A duplicate changed no shape, so there is nothing to rebalance.
    if (fresh === 0) continue;
    key[fresh] = v;
    tall[fresh] = 1;
    times[fresh] = 1;

    // Climb back towards the root. One rotation after an insertion restores the subtree to its
    // height before the insertion, and an unchanged height means every ancestor is unchanged
    // too, so either event ends the climb.
    for (let d = depth - 1; d >= 0; d--) {
      const node = trail[d]!;
      const hl = tall[lo[node]!]!;
      const hr = tall[hi[node]!]!;
      const skew = hl - hr;
      if (skew > 1 || skew < -1) {
        let head: number;
        if (skew > 1) {
          const child = lo[node]!;
          if (tall[lo[child]!]! < tall[hi[child]!]!) lo[node] = turnLeft(child);
          head = turnRight(node);
        } else {
          const child = hi[node]!;
          if (tall[hi[child]!]! < tall[lo[child]!]!) hi[node] = turnRight(child);
          head = turnLeft(node);
        }
        if (d === 0) {
          root = head;
        } else {
          const parent = trail[d - 1]!;
          if (lo[parent] === node) lo[parent] = head;
          else hi[parent] = head;
        }
        break;
      }
      const grown = (hl > hr ? hl : hr) + 1;
      if (grown === tall[node]) break;
      tall[node] = grown;
    }
  }

  // In-order walk with an explicit stack: the tree is shallow, but a walk that never recurses
  // cannot overflow whatever stack the worker thread was given.
  const out: bigint[] = new Array<bigint>(total);
  let filled = 0;
  let sp = 0;
  let at = root;
  while (at !== 0 || sp > 0) {
    while (at !== 0) {
      trail[sp++] = at;
      at = lo[at]!;
    }
    at = trail[--sp]!;
    const v = key[at]!;
    for (let r = times[at]!; r > 0; r--) out[filled++] = v;
    at = hi[at]!;
  }

  return { kind: 'value', value: out };
}
