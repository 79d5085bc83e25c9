/**
 * The bench's requests, reproducible from a seed: both servers, and the version timings of the
 * Statistics row, get exactly the same values in the same order.
 */

/** splitmix64: a stream of 64-bit words from a seed. */
function* words(seed: number): Generator<bigint, never> {
  let state = BigInt.asUintN(64, BigInt(seed));
  for (;;) {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    yield z ^ (z >> 31n);
  }
}

/** `count` int64 values over the full signed range. */
export function int64Values(seed: number, count: number): bigint[] {
  const source = words(seed);
  return Array.from({ length: count }, () => BigInt.asIntN(64, source.next().value));
}

/** `count` doubles, uniform in [-1e6, 1e6): 53 random bits each. */
export function doubleValues(seed: number, count: number): number[] {
  const source = words(seed);
  return Array.from({ length: count }, () => (Number(source.next().value >> 11n) / 2 ** 53) * 2e6 - 1e6);
}
