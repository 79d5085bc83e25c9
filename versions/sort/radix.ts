import type { SortInput, SortValue, VersionResult } from '../contract.js';

const MAX_VALUES = 100_000;

const DIGIT_BITS = 16;
const RADIX = 1 << DIGIT_BITS;
const DIGIT_MASK = RADIX - 1;

/** Flipping the sign bit maps signed order onto unsigned order: -(2^63) -> 0, 2^63 - 1 -> 2^64 - 1. */
const SIGN_BIT = 1n << 63n;
const LOW_WORD_MASK = 0xffff_ffffn;

/**
 * LSD radix sort. Each signed 64-bit value becomes an unsigned key split into two
 * 32-bit words; a permutation of indices is then sorted stably by four 16-bit digits,
 * least significant first, and the original bigints are emitted in that order.
 */
export default function radixSort(input: SortInput): VersionResult<SortValue> {
  const values = input.values;
  if (values.length > MAX_VALUES) {
    return { kind: 'domain_error', reason: 'TOO_LARGE' };
  }
  const count = values.length;
  const lowWords = new Uint32Array(count);
  const highWords = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const key = BigInt.asUintN(64, values[i]!) ^ SIGN_BIT;
    lowWords[i] = Number(key & LOW_WORD_MASK);
    highWords[i] = Number(key >> 32n);
  }

  let order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  let scratch = new Uint32Array(count);
  const counts = new Uint32Array(RADIX);

  // Least significant digit first; each pass is stable, so earlier digits break ties.
  const passes: ReadonlyArray<readonly [Uint32Array, number]> = [
    [lowWords, 0],
    [lowWords, DIGIT_BITS],
    [highWords, 0],
    [highWords, DIGIT_BITS],
  ];
  for (const [words, shift] of passes) {
    if (countingPass(words, shift, order, scratch, counts)) {
      const previous = order;
      order = scratch;
      scratch = previous;
    }
  }

  const sorted: bigint[] = new Array<bigint>(count);
  for (let i = 0; i < count; i++) sorted[i] = values[order[i]!]!;
  return { kind: 'value', value: sorted };
}

/**
 * One stable counting-sort pass of `source` (indices) into `destination` by the 16-bit
 * digit `(words[index] >>> shift) & DIGIT_MASK`. Returns false, leaving `destination`
 * untouched, when every key has the same digit (the pass would be the identity).
 */
function countingPass(
  words: Uint32Array,
  shift: number,
  source: Uint32Array,
  destination: Uint32Array,
  counts: Uint32Array,
): boolean {
  const count = source.length;
  counts.fill(0);
  for (let i = 0; i < count; i++) {
    counts[(words[i]! >>> shift) & DIGIT_MASK]! += 1;
  }
  let offset = 0;
  for (let digit = 0; digit < RADIX; digit++) {
    const bucketSize = counts[digit]!;
    if (bucketSize === count) return false;
    counts[digit] = offset;
    offset += bucketSize;
  }
  for (let i = 0; i < count; i++) {
    const index = source[i]!;
    const digit = (words[index]! >>> shift) & DIGIT_MASK;
    destination[counts[digit]!] = index;
    counts[digit]! += 1;
  }
  return true;
}
