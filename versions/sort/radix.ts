import type { DomainError, SortInput, SortValue, VersionResult } from '../contract.js';

const MAX_VALUES = 100_000;

// 16-bit digits halve the passes on large inputs, but clearing and scanning a 65,536-entry
// table four times costs ~0.5 ms whatever the input; small inputs use 8-bit digits instead.
const LARGE_INPUT = 4_096;

/** Flipping the sign bit maps signed order onto unsigned order: -(2^63) -> 0, 2^63 - 1 -> 2^64 - 1. */
const SIGN_BIT = 1n << 63n;

/** The SPEC's one Sort rejection, or undefined when the input may be sorted. */
function sizeRejection(size: number): DomainError | undefined {
  return size <= MAX_VALUES ? undefined : { kind: 'domain_error', reason: 'TOO_LARGE' };
}

/** Unsigned keys as separate high and low 32-bit words, so the passes work on plain numbers. */
function splitKeys(values: readonly bigint[]): { low: Uint32Array; high: Uint32Array } {
  const low = new Uint32Array(values.length);
  const high = new Uint32Array(values.length);
  values.forEach((value, at) => {
    const unsigned = BigInt.asUintN(64, value) ^ SIGN_BIT;
    high[at] = Number(unsigned >> 32n);
    low[at] = Number(BigInt.asUintN(32, unsigned));
  });
  return { low, high };
}

/**
 * LSD radix sort. Each signed 64-bit value becomes an unsigned key split into two
 * 32-bit words; a permutation of indices is then sorted stably by 16-bit digits (8-bit
 * for small inputs), least significant first, and the original bigints are emitted in that order.
 */
export default function radixSort(input: SortInput): VersionResult<SortValue> {
  const rejected = sizeRejection(input.values.length);
  if (rejected !== undefined) return rejected;
  const { values } = input;
  // Zero or one value is already ordered; a fresh array still leaves the caller's untouched.
  if (values.length <= 1) return { kind: 'value', value: values.slice() };

  const { low: lowWords, high: highWords } = splitKeys(values);
  const count = values.length;

  let order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  let scratch = new Uint32Array(count);
  const digitBits = count >= LARGE_INPUT ? 16 : 8;
  const counts = new Uint32Array(1 << digitBits);

  // Least significant digit first; each pass is stable, so earlier digits break ties.
  const passes: (readonly [Uint32Array, number])[] = [];
  for (const words of [lowWords, highWords]) {
    for (let shift = 0; shift < 32; shift += digitBits) passes.push([words, shift]);
  }
  for (const [words, shift] of passes) {
    if (countingPass(words, shift, digitBits, order, scratch, counts)) {
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
 * One stable counting-sort pass of `source` (indices) into `destination` by the digit
 * `(words[index] >>> shift) & mask`. Returns false, leaving `destination` untouched, when
 * every key has the same digit (the pass would be the identity).
 */
function countingPass(
  words: Uint32Array,
  shift: number,
  digitBits: number,
  source: Uint32Array,
  destination: Uint32Array,
  counts: Uint32Array,
): boolean {
  const count = source.length;
  const radix = 1 << digitBits;
  const mask = radix - 1;
  counts.fill(0);
  for (let i = 0; i < count; i++) {
    counts[(words[i]! >>> shift) & mask]! += 1;
  }
  let offset = 0;
  for (let digit = 0; digit < radix; digit++) {
    const bucketSize = counts[digit]!;
    if (bucketSize === count) return false;
    counts[digit] = offset;
    offset += bucketSize;
  }
  for (let i = 0; i < count; i++) {
    const index = source[i]!;
    const digit = (words[index]! >>> shift) & mask;
    destination[counts[digit]!] = index;
    counts[digit]! += 1;
  }
  return true;
}
