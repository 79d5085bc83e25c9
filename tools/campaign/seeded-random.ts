/**
 * The harness's own deterministic randomness: the same seed gives the same requests and faults
 * on every machine, so a campaign replays. It is the algorithm of the gateway's
 * voter/faults/seeded-random.ts, copied rather than imported (the tools meet the gateway only
 * over gRPC); test/unit/seeded-random.test.ts pins its outputs, so that campaign figures for a
 * given --seed stay what they were.
 */

/** A stream of uniform draws in [0, 1). */
export interface SeededRandom {
  next(): number;
  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** sfc32 seeded through splitmix32: small, fast, and passes PractRand far beyond our needs. */
export function seededRandom(seed: number | bigint | string): SeededRandom {
  let state = hashToUint32(String(seed));
  const split = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4_294_967_296;
  };
  // Discard the first draws, which sfc32 mixes poorly from a weak seed.
  for (let i = 0; i < 12; i += 1) next();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: items => {
      if (items.length === 0) throw new RangeError('pick from an empty array');
      return items[Math.floor(next() * items.length)] as never;
    },
  };
}

/** FNV-1a over UTF-16 code units, then a murmur3 finaliser. */
function hashToUint32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0;
  return (hash ^ (hash >>> 16)) >>> 0;
}
