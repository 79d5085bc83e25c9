import { describe, it, expect } from 'vitest';
import type { Edge, ShortestPathValue, StatisticsValue, VersionResult } from '../../versions/contract.js';
import heapSort from '../../versions/sort/heap.js';
import factorizePollardRho from '../../versions/factorize/pollard-rho.js';
import shortestPathBellmanFord from '../../versions/shortest-path/bellman-ford.js';
import statisticsWelford from '../../versions/statistics/welford.js';

// ---------------------------------------------------------------------------------------------
// Shared test utilities (test-only; the versions import none of this).

/** Deterministic PRNG (mulberry32) so random cases are reproducible. */
function makeRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Uniform-ish 64-bit unsigned bigint. */
function randomU64(rng: () => number): bigint {
  let result = 0n;
  for (let i = 0; i < 4; i++) result = (result << 16n) | BigInt(Math.floor(rng() * 65536));
  return result;
}

function valueOf<T>(result: VersionResult<T>): T {
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
}

function reasonOf<T>(result: VersionResult<T>): string {
  if (result.kind !== 'domain_error') throw new Error('expected a domain error');
  return result.reason;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------------------------
describe('sort/heap', () => {
  const reference = (values: readonly bigint[]): bigint[] =>
    [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  it('sorts small and edge-case inputs', () => {
    expect(valueOf(heapSort({ values: [] }))).toEqual([]);
    expect(valueOf(heapSort({ values: [5n] }))).toEqual([5n]);
    expect(valueOf(heapSort({ values: [3n, 1n, 2n] }))).toEqual([1n, 2n, 3n]);
    expect(valueOf(heapSort({ values: [2n, 2n, 1n, 2n, 1n] }))).toEqual([1n, 1n, 2n, 2n, 2n]);
    const extremes = [INT64_MAX, 0n, INT64_MIN, -1n, INT64_MAX, INT64_MIN + 1n, INT64_MAX - 1n];
    expect(valueOf(heapSort({ values: extremes }))).toEqual(reference(extremes));
  });

  it('rejects more than 100,000 values and accepts exactly 100,000', () => {
    expect(reasonOf(heapSort({ values: new Array<bigint>(100_001).fill(1n) }))).toBe('TOO_LARGE');
    const rng = makeRng(7);
    const values = Array.from({ length: 100_000 }, () => randomU64(rng) + INT64_MIN);
    expect(valueOf(heapSort({ values }))).toEqual(reference(values));
  });

  it('does not modify the input and matches a reference on random inputs', () => {
    const rng = makeRng(1);
    for (let trial = 0; trial < 300; trial++) {
      const length = randomInt(rng, 0, 60);
      const narrow = rng() < 0.5;
      const values = Array.from({ length }, () =>
        narrow ? BigInt(randomInt(rng, -5, 5)) : randomU64(rng) + INT64_MIN,
      );
      const frozen = Object.freeze([...values]);
      const sorted = valueOf(heapSort({ values: frozen }));
      expect(frozen).toEqual(values);
      expect(sorted).toEqual(reference(values));
      expect(sorted).not.toBe(frozen);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('factorize/pollard-rho', () => {
  const factorize = (n: bigint): bigint[] => valueOf(factorizePollardRho({ n }));

  /** Trial division in Number arithmetic; exact for n < 2^53. */
  const trialFactors = (n: number): bigint[] => {
    const factors: bigint[] = [];
    let rest = n;
    for (let d = 2; d * d <= rest; d++) {
      while (rest % d === 0) {
        factors.push(BigInt(d));
        rest /= d;
      }
    }
    if (rest > 1) factors.push(BigInt(rest));
    return factors;
  };

  const isPrimeByTrial = (p: bigint): boolean => {
    const factors = trialFactors(Number(p));
    return factors.length === 1 && factors[0] === p;
  };

  /** Independent probabilistic check for large factors: Fermat + 30 random-base Miller-Rabin rounds. */
  const looksPrime = (p: bigint, rng: () => number): boolean => {
    if (p < 2n) return false;
    if (p < 1n << 40n) return isPrimeByTrial(p);
    const powMod = (b: bigint, e: bigint, m: bigint): bigint => {
      let r = 1n;
      let s = b % m;
      for (let k = e; k > 0n; k >>= 1n) {
        if (k & 1n) r = (r * s) % m;
        s = (s * s) % m;
      }
      return r;
    };
    let d = p - 1n;
    let s = 0;
    while ((d & 1n) === 0n) {
      d >>= 1n;
      s++;
    }
    for (let round = 0; round < 30; round++) {
      const a = 2n + (randomU64(rng) % (p - 3n));
      let x = powMod(a, d, p);
      if (x === 1n || x === p - 1n) continue;
      let witnessed = true;
      for (let i = 1; i < s && witnessed; i++) {
        x = (x * x) % p;
        if (x === p - 1n) witnessed = false;
      }
      if (witnessed) return false;
    }
    return true;
  };

  const checkFactorization = (n: bigint, factors: readonly bigint[], rng: () => number): void => {
    expect(factors.reduce((a, b) => a * b, 1n)).toBe(n);
    for (let i = 1; i < factors.length; i++) expect(factors[i - 1]! <= factors[i]!).toBe(true);
    for (const p of factors) expect(looksPrime(p, rng)).toBe(true);
  };

  it('rejects out-of-range n', () => {
    for (const n of [-5n, 0n, 1n, 1n << 64n, (1n << 64n) + 1n, 1n << 100n]) {
      expect(reasonOf(factorizePollardRho({ n }))).toBe('OUT_OF_RANGE');
    }
  });

  it('handles the spec examples and small numbers', () => {
    expect(factorize(12n)).toEqual([2n, 2n, 3n]);
    expect(factorize(2n)).toEqual([2n]);
    expect(factorize(3n)).toEqual([3n]);
    expect(factorize(4n)).toEqual([2n, 2n]);
    expect(factorize(997n)).toEqual([997n]);
    expect(factorize(1009n)).toEqual([1009n]);
    expect(factorize(999_983n * 999_983n)).toEqual([999_983n, 999_983n]);
    for (let n = 2; n <= 3000; n++) expect(factorize(BigInt(n))).toEqual(trialFactors(n));
  });

  it('handles the ends of the range and hard 64-bit cases', () => {
    expect(factorize(U64_MAX)).toEqual([3n, 5n, 17n, 257n, 641n, 65537n, 6700417n]);
    expect(factorize(1n << 63n)).toEqual(new Array<bigint>(63).fill(2n));
    // Largest prime below 2^64, and the two largest primes below 2^32.
    expect(factorize(18446744073709551557n)).toEqual([18446744073709551557n]);
    const p = 4294967291n;
    const q = 4294967279n;
    expect(isPrimeByTrial(p) && isPrimeByTrial(q)).toBe(true);
    expect(factorize(p * q)).toEqual([q, p]);
    expect(factorize(p * p)).toEqual([p, p]);
    // Prime powers with a prime above the trial-division bound.
    expect(factorize(65521n ** 4n)).toEqual([65521n, 65521n, 65521n, 65521n]);
    expect(factorize(1009n ** 6n)).toEqual(new Array<bigint>(6).fill(1009n));
    expect(factorize(3n ** 40n)).toEqual(new Array<bigint>(40).fill(3n));
  });

  it('is not fooled by Carmichael numbers and strong pseudoprimes', () => {
    expect(factorize(561n)).toEqual([3n, 11n, 17n]);
    expect(factorize(41041n)).toEqual([7n, 11n, 13n, 41n]);
    expect(factorize(825265n)).toEqual([5n, 7n, 17n, 19n, 73n]);
    expect(factorize(321197185n)).toEqual([5n, 19n, 23n, 29n, 37n, 137n]);
    // Strong pseudoprime to the bases 2, 3, 5, ..., 23 (the first nine primes).
    expect(factorize(3825123056546413051n)).toEqual([149491n, 747451n, 34233211n]);
    // Strong pseudoprimes to base 2.
    expect(factorize(2047n)).toEqual([23n, 89n]);
    expect(factorize(3215031751n)).toEqual([151n, 751n, 28351n]);
    // Carmichael numbers (6k+1)(12k+1)(18k+1) with all three factors prime, all above the
    // trial-division bound, so only Miller-Rabin and rho see them.
    const rng = makeRng(5);
    let found = 0;
    for (let k = 200_000n; found < 5; k++) {
      const factors = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
      if (!factors.every(isPrimeByTrial)) continue;
      found++;
      const n = factors[0]! * factors[1]! * factors[2]!;
      expect(factorize(n)).toEqual(factors);
      checkFactorization(n, factors, rng);
    }
  });

  it('matches trial division on random n below 10^12', () => {
    const rng = makeRng(11);
    for (let trial = 0; trial < 150; trial++) {
      const n = randomInt(rng, 2, 1e12);
      expect(factorize(BigInt(n))).toEqual(trialFactors(n));
    }
  });

  it('factors random 64-bit n and semiprimes near 2^32 correctly', () => {
    const rng = makeRng(12);
    for (let trial = 0; trial < 40; trial++) {
      const n = 2n + (randomU64(rng) % (U64_MAX - 1n));
      checkFactorization(n, factorize(n), rng);
    }
    // Primes just below 2^32 found by trial division, multiplied in pairs.
    const primes: bigint[] = [];
    for (let c = 4294967295; primes.length < 6; c -= 2) {
      if (isPrimeByTrial(BigInt(c))) primes.push(BigInt(c));
    }
    for (let i = 0; i + 1 < primes.length; i += 2) {
      const a = primes[i]!;
      const b = primes[i + 1]!;
      expect(factorize(a * b)).toEqual([b, a]);
    }
  });

  // --- Tests for the rewritten trial division, Montgomery Miller-Rabin and windowed powering ---

  /** Smallest prime factor of every n below the bound, by a sieve of Eratosthenes. */
  const SIEVE_BOUND = 2_000_000;
  let sieveCache: Int32Array | undefined;
  const smallestPrimeFactor = (): Int32Array => {
    if (sieveCache) return sieveCache;
    const spf = new Int32Array(SIEVE_BOUND);
    for (let i = 2; i < SIEVE_BOUND; i++) {
      if (spf[i] !== 0) continue;
      for (let j = i; j < SIEVE_BOUND; j += i) if (spf[j] === 0) spf[j] = i;
    }
    sieveCache = spf;
    return spf;
  };
  const sieveFactors = (n: number): number[] => {
    const spf = smallestPrimeFactor();
    const out: number[] = [];
    for (let rest = n; rest > 1; ) {
      const p = spf[rest]!;
      out.push(p);
      rest /= p;
    }
    return out;
  };
  /** The n (as text) whose factorization differs from the sieve's; empty when all agree. */
  const disagreementsWithSieve = (ns: Iterable<number>): string[] => {
    const wrong: string[] = [];
    for (const n of ns) {
      const got = factorize(BigInt(n)).join(',');
      if (got !== sieveFactors(n).join(',')) wrong.push(`${n}: ${got}`);
    }
    return wrong;
  };

  /** Strong-probable-prime test written out directly in BigInt, as an oracle for the claims below. */
  const passesStrongTest = (n: bigint, base: bigint): boolean => {
    let d = n - 1n;
    let s = 0;
    for (; d % 2n === 0n; s++) d /= 2n;
    let x = 1n;
    for (let bit = BigInt(d.toString(2).length - 1); bit >= 0n; bit--) {
      x = (x * x) % n;
      if ((d >> bit) & 1n) x = (x * base) % n;
    }
    const chain = [x];
    for (let i = 1; i < s; i++) chain.push((chain[i - 1]! * chain[i - 1]!) % n);
    return chain[0] === 1n || chain.includes(n - 1n);
  };

  /** Korselt's criterion: squarefree, composite, and p - 1 divides n - 1 for every prime p | n. */
  const satisfiesKorselt = (n: bigint, primes: readonly bigint[]): boolean =>
    primes.length >= 2 &&
    new Set(primes).size === primes.length &&
    primes.reduce((a, b) => a * b, 1n) === n &&
    primes.every((p) => isPrimeByTrial(p) && (n - 1n) % (p - 1n) === 0n);

  it('matches a sieve on every prime and composite below 10^5', () => {
    const ns = Array.from({ length: 100_000 - 2 }, (_, i) => i + 2);
    expect(disagreementsWithSieve(ns)).toEqual([]);
    // The oracle itself: pi(10^5) = 9592.
    expect(ns.filter((n) => smallestPrimeFactor()[n] === n).length).toBe(9592);
    expect(ns.filter((n) => factorize(BigInt(n)).length === 1).length).toBe(9592);
  });

  it('matches a sieve on every n in [10^6, 1.25*10^6) that has no prime factor below 1000', () => {
    const spf = smallestPrimeFactor();
    // The oracle itself: pi(2*10^6) - pi(10^6) = 148933 - 78498.
    let primes = 0;
    for (let n = 1_000_000; n < SIEVE_BOUND; n++) if (spf[n] === n) primes++;
    expect(primes).toBe(70_435);
    // Trial division leaves these whole, so each one goes through Miller-Rabin (and rho if composite).
    const ns: number[] = [];
    for (let n = 1_000_000; n < 1_250_000; n++) if (spf[n]! > 1000) ns.push(n);
    expect(ns.some((n) => spf[n] !== n)).toBe(true);
    expect(disagreementsWithSieve(ns)).toEqual([]);
  });

  it('factors every n in windows around the 22-bit limb boundaries and just below 2^64', () => {
    const rng = makeRng(21);
    const windows: Array<[bigint, bigint]> = [
      [(1n << 22n) - 64n, (1n << 22n) + 64n],
      [(1n << 44n) - 48n, (1n << 44n) + 48n],
      [(1n << 63n) - 24n, (1n << 63n) + 24n],
      [U64_MAX - 200n, U64_MAX],
    ];
    for (const [lo, hi] of windows) {
      for (let n = lo; n <= hi; n++) checkFactorization(n, factorize(n), rng);
    }
    // Moduli whose low 22-bit limb is 1 or all ones, and whose top limb is as large as it gets.
    for (let k = 1n; k < 24n; k++) {
      for (const n of [k * (1n << 22n) + 1n, k * (1n << 22n) - 1n, U64_MAX - k * (1n << 22n), k * (1n << 44n) + 1n]) {
        checkFactorization(n, factorize(n), rng);
      }
    }
  });

  it('returns each of the ten largest primes below 2^64 as itself, and their neighbours as composites', () => {
    const rng = makeRng(22);
    const primes: bigint[] = [];
    for (let c = U64_MAX; primes.length < 10; c -= 2n) {
      const factors = factorize(c);
      checkFactorization(c, factors, rng);
      if (factors.length === 1) primes.push(c);
      else expect(looksPrime(c, rng)).toBe(false);
    }
    expect(primes[0]).toBe(18446744073709551557n);
    for (const p of primes) expect(looksPrime(p, rng)).toBe(true);
  });

  it('is not fooled by the smallest strong pseudoprimes to the first k prime bases', () => {
    const bases = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];
    // [n, k, factors]: n is a strong pseudoprime to the first k primes (OEIS A014233).
    const cases: Array<[bigint, number, bigint[]]> = [
      [2047n, 1, [23n, 89n]],
      [1373653n, 2, [829n, 1657n]],
      [25326001n, 3, [2251n, 11251n]],
      [3215031751n, 4, [151n, 751n, 28351n]],
      [2152302898747n, 5, [6763n, 10627n, 29947n]],
      [3474749660383n, 6, [1303n, 16927n, 157543n]],
      [341550071728321n, 8, [10670053n, 32010157n]],
      [3825123056546413051n, 11, [149491n, 747451n, 34233211n]],
    ];
    for (const [n, k, factors] of cases) {
      for (const base of bases.slice(0, k)) expect(passesStrongTest(n, base)).toBe(true);
      expect(passesStrongTest(n, bases[k]!)).toBe(false);
      expect(factorize(n)).toEqual(factors);
    }
  });

  it('is not fooled by strong pseudoprimes p(2p - 1) to bases 2, 3, 5 and 7', () => {
    const rng = makeRng(23);
    // [n, p, bases it fools]; p and 2p - 1 are prime, and every factor is above the trial-division bound.
    const cases: Array<[bigint, bigint, bigint[]]> = [
      [2284453n, 1069n, [2n, 3n, 7n]],
      [5489641n, 1657n, [2n, 7n]],
      [9863461n, 2221n, [2n, 5n]],
      [10679131n, 2311n, [3n, 5n]],
      [12890503n, 2539n, [3n, 7n]],
      [22187791n, 3331n, [5n, 7n]],
      [9223378056252423253n, 2147484349n, [2n]],
      [9223393930463559421n, 2147486197n, [2n]],
      [9223397744399439121n, 2147486641n, [2n]],
    ];
    for (const [n, p, fooled] of cases) {
      const q = 2n * p - 1n;
      expect(p * q).toBe(n);
      expect(looksPrime(p, rng) && looksPrime(q, rng)).toBe(true);
      for (const base of fooled) expect(passesStrongTest(n, base)).toBe(true);
      expect(factorize(n)).toEqual([p, q]);
    }
  });

  it('factors every Carmichael number below 2*10^6, found by Korselt\'s criterion', () => {
    const spf = smallestPrimeFactor();
    const carmichael: number[] = [];
    for (let n = 3; n < SIEVE_BOUND; n += 2) {
      // Korselt in Number arithmetic first (cheap), then confirmed by the BigInt version.
      const p = spf[n]!;
      if (p === n || (n - 1) % (p - 1) !== 0) continue;
      const primes = sieveFactors(n);
      if (!primes.every((q) => (n - 1) % (q - 1) === 0)) continue;
      if (satisfiesKorselt(BigInt(n), primes.map(BigInt))) carmichael.push(n);
    }
    // The oracle itself: there are 43 Carmichael numbers below 10^6 (OEIS A002997), 561 first.
    expect(carmichael[0]).toBe(561);
    expect(carmichael.filter((n) => n < 1_000_000).length).toBe(43);
    expect(disagreementsWithSieve(carmichael)).toEqual([]);
  });

  it('factors Chernick Carmichael numbers with three and four large prime factors near 2^64', () => {
    const found: bigint[][] = [];
    // (6k+1)(12k+1)(18k+1): the largest few below 2^64.
    for (let k = 240_000n; found.length < 3; k--) {
      const primes = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
      const n = primes[0]! * primes[1]! * primes[2]!;
      if (n <= U64_MAX && primes.every(isPrimeByTrial)) found.push(primes);
    }
    // (6k+1)(12k+1)(18k+1)(36k+1): the largest few below 2^64.
    for (let k = 4_500n; found.length < 6; k--) {
      const primes = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n, 36n * k + 1n];
      const n = primes.reduce((a, b) => a * b, 1n);
      if (n <= U64_MAX && primes.every(isPrimeByTrial)) found.push(primes);
    }
    for (const primes of found) {
      const n = primes.reduce((a, b) => a * b, 1n);
      expect(satisfiesKorselt(n, primes)).toBe(true);
      expect(factorize(n)).toEqual(primes);
    }
  });

  it('factors each of the hardest inputs of the SPEC in well under a second', () => {
    const rng = makeRng(24);
    const p32 = 4294967291n;
    const q32 = 4294967279n;
    const p21 = 2097143n; // the largest prime below 2^21
    const q21 = 2097133n;
    expect(isPrimeByTrial(p21) && isPrimeByTrial(q21)).toBe(true);
    const hardest: bigint[] = [
      p32 * q32,
      18446744073709551557n,
      p32 * p32,
      p21 ** 2n,
      p21 ** 3n,
      p21 * p21 * q21,
      3825123056546413051n,
      9223397744399439121n,
      17880342505193141569n,
    ];
    for (const n of hardest) {
      const start = performance.now();
      const factors = factorize(n);
      const elapsed = performance.now() - start;
      checkFactorization(n, factors, rng);
      expect(elapsed).toBeLessThan(1000);
    }
  });

  it('factors random products of two or three primes above the trial-division bound', () => {
    const rng = makeRng(25);
    const randomPrime = (bits: number): bigint => {
      for (;;) {
        const c = (randomU64(rng) >> BigInt(64 - bits)) | (1n << BigInt(bits - 1)) | 1n;
        if (looksPrime(c, rng)) return c;
      }
    };
    for (let trial = 0; trial < 30; trial++) {
      const shape = trial % 3;
      const primes =
        shape === 0 ? [randomPrime(32), randomPrime(31)] : shape === 1 ? [randomPrime(21), randomPrime(21), randomPrime(21)] : [randomPrime(11), randomPrime(52)];
      const n = primes.reduce((a, b) => a * b, 1n);
      expect(factorize(n)).toEqual([...primes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('shortest-path/bellman-ford', () => {
  const run = (nodeCount: number, edges: readonly Edge[], source: number, target: number) =>
    shortestPathBellmanFord({ nodeCount, edges, source, target });
  const edge = (from: number, to: number, weight: number): Edge => ({ from, to, weight });

  /** Dijkstra in O(V^2): distances as sums in path order, for nonnegative weights. */
  const referenceDistances = (nodeCount: number, edges: readonly Edge[], source: number): number[] => {
    const distance = new Array<number>(nodeCount).fill(Infinity);
    const done = new Array<boolean>(nodeCount).fill(false);
    distance[source] = 0;
    for (;;) {
      let u = -1;
      for (let v = 0; v < nodeCount; v++) {
        if (!done[v] && distance[v]! < Infinity && (u === -1 || distance[v]! < distance[u]!)) u = v;
      }
      if (u === -1) break;
      done[u] = true;
      for (const e of edges) {
        if (e.from === u && distance[u]! + e.weight < distance[e.to]!) distance[e.to] = distance[u]! + e.weight;
      }
    }
    return distance;
  };

  /** The path must be simple, follow edges, and its in-order sum of lightest edges must be the distance. */
  const checkPath = (value: ShortestPathValue, edges: readonly Edge[], source: number, target: number): void => {
    const { path } = value;
    expect(path[0]).toBe(source);
    expect(path[path.length - 1]).toBe(target);
    expect(new Set(path).size).toBe(path.length);
    let total = 0;
    for (let i = 0; i + 1 < path.length; i++) {
      const weights = edges.filter((e) => e.from === path[i] && e.to === path[i + 1]).map((e) => e.weight);
      expect(weights.length).toBeGreaterThan(0);
      total += Math.min(...weights);
    }
    expect(value.distance).toBe(total);
  };

  it('checks limits and validity in order', () => {
    expect(reasonOf(run(10_001, [], 0, 0))).toBe('TOO_LARGE');
    const manyEdges = new Array<Edge>(100_001).fill(edge(0, 0, -1));
    expect(reasonOf(run(0, manyEdges, 5, 5))).toBe('TOO_LARGE');
    expect(reasonOf(run(0, [], 0, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [], 3, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [], 0, 3))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [edge(0, 3, 1)], 0, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [edge(3, 0, 1)], 0, 1))).toBe('INVALID_GRAPH');
    for (const bad of [-1, -1e-300, NaN, Infinity, -Infinity]) {
      expect(reasonOf(run(3, [edge(0, 1, 1), edge(1, 2, bad)], 1, 1))).toBe('INVALID_GRAPH');
    }
    expect(valueOf(run(3, [edge(0, 1, -0)], 0, 1))).toEqual({ reachable: true, distance: 0, path: [0, 1] });
  });

  it('handles source == target, unreachable and simple graphs', () => {
    expect(valueOf(run(1, [], 0, 0))).toEqual({ reachable: true, distance: 0, path: [0] });
    expect(valueOf(run(4, [edge(0, 0, 5), edge(0, 1, 2)], 0, 0))).toEqual({ reachable: true, distance: 0, path: [0] });
    expect(valueOf(run(3, [edge(1, 0, 1)], 0, 1))).toEqual({ reachable: false, distance: 0, path: [] });
    expect(valueOf(run(3, [edge(0, 1, 1), edge(1, 2, 1), edge(0, 2, 3)], 0, 2))).toEqual({
      reachable: true,
      distance: 2,
      path: [0, 1, 2],
    });
    // Parallel edges: the lightest counts; self-loops are harmless.
    expect(valueOf(run(2, [edge(0, 1, 5), edge(0, 0, 0), edge(0, 1, 1.5), edge(1, 1, 0)], 0, 1))).toEqual({
      reachable: true,
      distance: 1.5,
      path: [0, 1],
    });
  });

  it('never loops through zero-weight cycles', () => {
    // A zero-weight strongly connected blob between source and target.
    const edges = [
      edge(0, 1, 0),
      edge(1, 2, 0),
      edge(2, 3, 0),
      edge(3, 1, 0),
      edge(2, 1, 0),
      edge(3, 2, 0),
      edge(1, 3, 0),
      edge(3, 4, 0),
      edge(4, 0, 0),
      edge(4, 4, 0),
    ];
    for (let target = 1; target <= 4; target++) {
      const value = valueOf(run(5, edges, 0, target));
      expect(value.reachable).toBe(true);
      expect(value.distance).toBe(0);
      checkPath(value, edges, 0, target);
    }
  });

  it('matches a Dijkstra reference on random graphs', () => {
    const rng = makeRng(3);
    for (let trial = 0; trial < 400; trial++) {
      const nodeCount = randomInt(rng, 1, 12);
      const edgeCount = randomInt(rng, 0, 40);
      const mode = trial % 3; // 0: small integers with many zeros, 1: fractional, 2: tiny and huge mixed
      const edges = Array.from({ length: edgeCount }, () => {
        const from = randomInt(rng, 0, nodeCount - 1);
        const to = randomInt(rng, 0, nodeCount - 1);
        const weight =
          mode === 0 ? randomInt(rng, 0, 3) : mode === 1 ? rng() * 10 : rng() < 0.5 ? rng() * 1e-3 : rng() * 1e15;
        return edge(from, to, weight);
      });
      const source = randomInt(rng, 0, nodeCount - 1);
      const target = randomInt(rng, 0, nodeCount - 1);
      const value = valueOf(run(nodeCount, edges, source, target));
      const expected = referenceDistances(nodeCount, edges, source)[target]!;
      if (source === target) {
        expect(value).toEqual({ reachable: true, distance: 0, path: [source] });
      } else if (expected === Infinity) {
        expect(value).toEqual({ reachable: false, distance: 0, path: [] });
      } else {
        expect(value.reachable).toBe(true);
        checkPath(value, edges, source, target);
        if (mode === 0) expect(value.distance).toBe(expected);
        else expect(Math.abs(value.distance - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12);
      }
    }
  });

  it('handles graphs at the size limits', () => {
    const rng = makeRng(4);
    const nodeCount = 10_000;
    const edges: Edge[] = [];
    for (let v = 0; v + 1 < nodeCount; v++) edges.push(edge(v, v + 1, randomInt(rng, 0, 100)));
    while (edges.length < 100_000) {
      edges.push(edge(randomInt(rng, 0, nodeCount - 1), randomInt(rng, 0, nodeCount - 1), randomInt(rng, 0, 100_000)));
    }
    const value = valueOf(run(nodeCount, edges, 0, nodeCount - 1));
    expect(value.reachable).toBe(true);
    expect(value.path[0]).toBe(0);
    expect(value.path[value.path.length - 1]).toBe(nodeCount - 1);
    expect(new Set(value.path).size).toBe(value.path.length);
  });
});

// ---------------------------------------------------------------------------------------------
describe('statistics/welford', () => {
  const stats = (values: readonly number[]): StatisticsValue => valueOf(statisticsWelford({ values }));

  /** A finite double as an exact integer multiple of 2^-1074. */
  const toScaledBigInt = (x: number): bigint => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    const negative = bits >> 63n === 1n;
    const biasedExponent = Number((bits >> 52n) & 0x7ffn);
    const fraction = bits & ((1n << 52n) - 1n);
    const magnitude =
      biasedExponent === 0 ? fraction : (fraction | (1n << 52n)) << BigInt(biasedExponent - 1);
    return negative ? -magnitude : magnitude;
  };

  /** num / den to a double, accurate to well under 1e-15 relative (not necessarily correctly rounded). */
  const ratioToNumber = (num: bigint, den: bigint): number => {
    if (num === 0n) return 0;
    const negative = num < 0n !== den < 0n;
    const a = num < 0n ? -num : num;
    const b = den < 0n ? -den : den;
    let shift = a.toString(2).length - b.toString(2).length - 60;
    const scaled = shift >= 0 ? a / (b << BigInt(shift)) : (a << BigInt(-shift)) / b;
    let magnitude = Number(scaled);
    for (; shift > 1000; shift -= 1000) magnitude *= 2 ** 1000;
    for (; shift < -1000; shift += 1000) magnitude *= 2 ** -1000;
    magnitude *= 2 ** shift;
    return negative ? -magnitude : magnitude;
  };

  /** Exact mean, sample variance and median via rationals. */
  const reference = (values: readonly number[]) => {
    const n = BigInt(values.length);
    const scaled = values.map(toScaledBigInt);
    const sum = scaled.reduce((a, b) => a + b, 0n);
    const sumSquares = scaled.reduce((a, b) => a + b * b, 0n);
    const scale = 1n << 1074n;
    const mean = ratioToNumber(sum, n * scale);
    const variance =
      values.length === 1 ? 0 : ratioToNumber(n * sumSquares - sum * sum, n * (n - 1n) * scale * scale);
    const sorted = [...values].sort((a, b) => a - b);
    const mid = values.length >> 1;
    const median =
      values.length % 2 === 1
        ? sorted[mid]!
        : ratioToNumber(toScaledBigInt(sorted[mid - 1]!) + toScaledBigInt(sorted[mid]!), 2n * scale);
    const min = values.reduce((a, b) => Math.min(a, b));
    const max = values.reduce((a, b) => Math.max(a, b));
    return { mean, variance, stddev: Math.sqrt(variance), median, min, max };
  };

  const expectClose = (actual: number, expected: number, relative: number): void => {
    if (expected === 0) expect(actual).toBe(0);
    else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative);
  };

  const checkAgainstReference = (values: readonly number[], relative = 1e-12): void => {
    const expected = reference(values);
    if (!Number.isFinite(expected.variance)) {
      expect(reasonOf(statisticsWelford({ values }))).toBe('NON_FINITE');
      return;
    }
    const actual = stats(values);
    expect(actual.count).toBe(values.length);
    expect(Object.is(actual.min, expected.min)).toBe(true);
    expect(Object.is(actual.max, expected.max)).toBe(true);
    expectClose(actual.mean, expected.mean, relative);
    expectClose(actual.variance, expected.variance, relative);
    expectClose(actual.stddev, expected.stddev, relative);
    expectClose(actual.median, expected.median, 1e-15);
  };

  it('checks errors in order', () => {
    expect(reasonOf(statisticsWelford({ values: [] }))).toBe('EMPTY');
    const tooMany = new Array<number>(1_000_001).fill(1);
    tooMany[5] = NaN;
    expect(reasonOf(statisticsWelford({ values: tooMany }))).toBe('TOO_LARGE');
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(reasonOf(statisticsWelford({ values: [1, 2, bad, 3] }))).toBe('NON_FINITE');
    }
    // Exact variance (and so the result) exceeds the largest double.
    expect(reasonOf(statisticsWelford({ values: [-1e308, 1e308] }))).toBe('NON_FINITE');
    expect(reasonOf(statisticsWelford({ values: [-1.7e308, 1.7e308, 0] }))).toBe('NON_FINITE');
  });

  it('computes simple statistics', () => {
    expect(stats([1, 2, 3, 4])).toEqual({ count: 4, mean: 2.5, variance: 5 / 3, stddev: Math.sqrt(5 / 3), min: 1, max: 4, median: 2.5 });
    expect(stats([5])).toEqual({ count: 1, mean: 5, variance: 0, stddev: 0, min: 5, max: 5, median: 5 });
    expect(stats([3, 1, 2])).toMatchObject({ mean: 2, variance: 1, stddev: 1, median: 2, min: 1, max: 3 });
    expect(stats([2, 4, 4, 4, 5, 5, 7, 9])).toMatchObject({ mean: 5, variance: 32 / 7, median: 4.5 });
  });

  it('is exact for equal values and avoids overflow', () => {
    for (const x of [0.1, -3.3e-7, 1e308, -1.7976931348623157e308, 5e-324, 123456789.123]) {
      const result = stats(new Array<number>(7).fill(x));
      expect(result).toEqual({ count: 7, mean: x, variance: 0, stddev: 0, min: x, max: x, median: x });
    }
    expect(Object.is(stats([-0, -0]).mean, -0)).toBe(true);
    expect(stats([1e308, 1e308]).mean).toBe(1e308);
    // SPEC names 1.25e308 as this input's median, but its exact variance (1.25e615) exceeds
    // the largest double, and that rule makes the whole answer NON_FINITE.
    expect(reasonOf(statisticsWelford({ values: [1e308, 1.5e308] }))).toBe('NON_FINITE');
    // Any spread among values this large has a variance beyond the largest double.
    expect(reasonOf(statisticsWelford({ values: [1.7e308, 1.7e308, 1.7000000000000002e308] }))).toBe('NON_FINITE');
    checkAgainstReference([3e153, -3e153, 1e153]);
    checkAgainstReference([1e154, 1.2e154, 1.1e154, 1.3e154]);
    checkAgainstReference([5e-324, 1e-323, 2.5e-323, 0]);
  });

  it('does not modify the input', () => {
    const values = [5, 3, 9, 1, 7, 2];
    const frozen = Object.freeze([...values]);
    stats(frozen);
    expect(frozen).toEqual(values);
  });

  it('is accurate for a large mean with a small spread', () => {
    const rng = makeRng(21);
    checkAgainstReference(Array.from({ length: 5000 }, () => 1e9 + rng()), 1e-11);
    checkAgainstReference(Array.from({ length: 5000 }, () => -1e12 + rng() * 1e-3), 1e-11);
    checkAgainstReference(Array.from({ length: 2000 }, () => 1e15 + randomInt(rng, 0, 10)), 1e-11);
  });

  it('matches an exact reference on random inputs', () => {
    const rng = makeRng(22);
    for (let trial = 0; trial < 300; trial++) {
      const length = randomInt(rng, 1, 80);
      // Magnitudes where the variance is a normal double; overflow has its own cases above.
      const magnitude = 10 ** randomInt(rng, -140, 150);
      const kind = trial % 4;
      const values = Array.from({ length }, () => {
        if (kind === 0) return randomInt(rng, -3, 3);
        if (kind === 1) return (rng() - 0.5) * magnitude;
        if (kind === 2) return magnitude * (1 + rng() * 1e-6);
        return rng() < 0.2 ? -0 : rng() * 100;
      });
      checkAgainstReference(values);
    }
  });

  it('handles a million values', () => {
    const rng = makeRng(23);
    const values = Array.from({ length: 1_000_000 }, () => Math.floor(rng() * 1000));
    const result = stats(values);
    expect(result.count).toBe(1_000_000);
    const sorted = Float64Array.from(values).sort();
    expect(result.median).toBe((sorted[499_999]! + sorted[500_000]!) / 2);
    const mean = values.reduce((a, b) => a + b, 0) / values.length; // exact: integer sums below 2^53
    expect(result.mean).toBeCloseTo(mean, 9);
  });

  // --- Median selection, midpoint, scaling and the split sum of the mean, against exact oracles.

  /** num * 2^unitExponent rounded to the nearest double, ties to even (exact BigInt arithmetic). */
  const nearestDouble = (num: bigint, unitExponent: number): number => {
    if (num === 0n) return 0;
    const negative = num < 0n;
    let magnitude = negative ? -num : num;
    let exponent = unitExponent;
    const drop = Math.max(magnitude.toString(2).length - 53, -1074 - exponent);
    if (drop > 0) {
      const kept = magnitude >> BigInt(drop);
      const rest = magnitude - (kept << BigInt(drop));
      const half = 1n << BigInt(drop - 1);
      magnitude = rest > half || (rest === half && (kept & 1n) === 1n) ? kept + 1n : kept;
      exponent += drop;
    }
    const result = Number(magnitude) * 2 ** exponent; // exact: at most 54 bits, exponent in range
    return negative ? -result : result;
  };

  /** The median by sorting a copy: the middle value, or the correctly rounded mean of the two. */
  const medianOracle = (values: readonly number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    if (sorted.length % 2 === 1) return sorted[mid]!;
    return nearestDouble(toScaledBigInt(sorted[mid - 1]!) + toScaledBigInt(sorted[mid]!), -1075);
  };

  /** |actual - exact mean| in units in the last place of actual, from exact integer arithmetic. */
  const meanErrorInUlps = (actual: number, values: readonly number[]): number => {
    const n = BigInt(values.length);
    const exactTotal = values.reduce((sum, x) => sum + toScaledBigInt(x), 0n);
    const gap = toScaledBigInt(actual) * n - exactTotal;
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, actual);
    const biased = (view.getUint32(0) >>> 20) & 0x7ff;
    const ulp = biased === 0 ? 1n : 1n << BigInt(biased - 1);
    return Number(((gap < 0n ? -gap : gap) * 1024n) / (n * ulp)) / 1024;
  };

  const nextUp = (x: number): number => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    view.setBigUint64(0, view.getBigUint64(0) + (x >= 0 ? 1n : -1n));
    return view.getFloat64(0);
  };

  it('returns the middle value of an odd count and the correctly rounded midpoint of an even one', () => {
    expect(stats([7, 1, 3]).median).toBe(3);
    expect(stats([7, 1, 3, 5]).median).toBe(4);
    expect(stats([-3, 5]).median).toBe(1);
    expect(stats([1, 2]).median).toBe(1.5);
    expect(stats([0.1, 0.2]).median).toBe(medianOracle([0.1, 0.2]));
    // Adjacent doubles: the exact midpoint is a tie, which rounds to the even neighbour.
    const one = 1;
    const above = nextUp(one);
    expect(stats([one, above]).median).toBe(medianOracle([one, above]));
    expect(stats([above, nextUp(above)]).median).toBe(medianOracle([above, nextUp(above)]));
    expect(stats([2, 2, 3, 3]).median).toBe(2.5);
    expect(stats([4, 4, 4, 9]).median).toBe(4);
  });

  it('rounds the midpoint once even among subnormals and at the edge where halving turns inexact', () => {
    const tiny = 2 ** -1074;
    const edge = 2 ** -1021;
    const cases: number[][] = [
      [tiny, 2 * tiny],
      [2 * tiny, 3 * tiny],
      [3 * tiny, 6 * tiny],
      [-tiny, 4 * tiny],
      [0, tiny],
      [edge, nextUp(edge)],
      [2 ** -1022 + tiny, 2 ** -1022 + 3 * tiny],
      [2 ** -1022 - tiny, 2 ** -1022 + tiny],
      [3 * tiny, 1e150],
      [-1e150, tiny],
      [nextUp(edge), 1],
      [-edge, 2 ** -1022 + tiny],
    ];
    for (const pair of cases) {
      expect(stats(pair).median).toBe(medianOracle(pair));
      expect(stats([...pair].reverse()).median).toBe(medianOracle(pair));
      // Padded on both sides, so the pair is the middle of a larger even sample.
      const padded = [-1e150, -1e140, ...pair, 1e140, 1e150];
      expect(stats(padded).median).toBe(medianOracle(padded));
    }
  });

  it('finds the median of arrays built to trouble a quickselect: sorted, reversed, organ pipes, few keys', () => {
    const shapes: Record<string, (n: number) => number> = {
      sorted: (i) => i,
      reversed: (i) => -i,
      organPipe: (i) => Math.min(i, 5000 - i),
      sawtooth: (i) => i % 17,
      twoKeys: (i) => (i % 3 === 0 ? 1 : 0),
      oneOutlier: (i) => (i === 1234 ? -5 : 2),
      squaresModN: (i) => (i * i) % 4099,
      powersOfTwo: (i) => 2 ** ((i % 400) - 200),
      alternatingSigns: (i) => (i % 2 === 0 ? i : -i),
      signedZeros: (i) => (i % 5 === 0 ? -0 : i % 5 === 1 ? 0 : i % 5 === 2 ? -1 : 1),
    };
    for (const [, shape] of Object.entries(shapes)) {
      for (const n of [2, 3, 24, 25, 26, 97, 1000, 4097, 5000]) {
        const values = Array.from({ length: n }, (_, i) => shape(i));
        if (values.every((x) => x === values[0])) continue;
        expect(stats(values).median === medianOracle(values)).toBe(true);
      }
    }
  });

  it('matches a sorting oracle for the median on random samples with many and with few distinct values', () => {
    const rng = makeRng(31);
    for (let trial = 0; trial < 600; trial++) {
      const length = randomInt(rng, 2, trial < 500 ? 120 : 3000);
      const keys = randomInt(rng, 2, 6);
      const magnitude = 10 ** randomInt(rng, -300, 300);
      const kind = trial % 5;
      const values = Array.from({ length }, () => {
        if (kind === 0) return randomInt(rng, 0, keys);
        if (kind === 1) return (rng() - 0.5) * magnitude;
        if (kind === 2) return randomInt(rng, -keys, keys) * 2 ** -1074;
        if (kind === 3) return rng() < 0.5 ? -0 : randomInt(rng, -1, 1);
        return 1e9 + randomInt(rng, 0, keys) * 2 ** -23;
      });
      const result = statisticsWelford({ values });
      if (values.every((x) => x === values[0])) {
        expect(valueOf(result).median).toBe(values[0]);
        continue;
      }
      // Spreads past ~1e154 overflow the variance; those answers are NON_FINITE, median unseen.
      if (result.kind === 'domain_error') {
        expect(reference(values).variance).toBe(Infinity);
        continue;
      }
      expect(result.value.median === medianOracle(values)).toBe(true);
    }
  });

  it('finds the median of large patterned and random samples exactly, each well under a second', () => {
    const rng = makeRng(32);
    const size = 200_001;
    const builders: (() => number[])[] = [
      () => Array.from({ length: size }, (_, i) => i),
      () => Array.from({ length: size - 1 }, (_, i) => (i % 1000) * 0.5),
      () => Array.from({ length: size - 1 }, (_, i) => 2 ** ((i % 1000) - 500)),
      () => Array.from({ length: size }, () => rng() * 2 - 1),
      () => Array.from({ length: size - 1 }, (_, i) => (i === 777 ? 1 : 0)),
    ];
    for (const build of builders) {
      const values = build();
      const started = performance.now();
      const result = stats(values);
      expect(performance.now() - started).toBeLessThan(1000);
      const sorted = Float64Array.from(values).sort();
      const mid = sorted.length >> 1;
      const expected =
        sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2; // no overflow here
      expect(result.median).toBe(expected);
    }
  });

  // The mean rounds twice (the total, then the division by n), so up to 0.5 + 0.5 * 2^ceil(log2 n) / n
  // ulps: under 1.5.
  it('gives a mean within an ulp or so of the exact mean across the whole exponent range', () => {
    const rng = makeRng(33);
    for (let exponent = -1074; exponent <= 1020; exponent += 7) {
      // Keep the spread's square finite: above 2^511 only nearly equal values qualify.
      const spread = exponent > 500 ? 2 ** -40 : 1;
      const values = Array.from({ length: randomInt(rng, 2, 40) }, () => {
        const x = (1 + rng() * spread) * 2 ** exponent;
        return rng() < 0.3 ? -x : x;
      });
      if (values.every((x) => x === values[0])) continue;
      const result = statisticsWelford({ values });
      if (result.kind === 'domain_error') {
        expect(reference(values).variance).toBe(Infinity);
        continue;
      }
      const exact = reference(values);
      // Subnormal means have few bits; an ulp there is 2^-1074 and the exact error stays below it.
      expect(meanErrorInUlps(result.value.mean, values)).toBeLessThanOrEqual(1.5);
      expectClose(result.value.variance, exact.variance, 1e-12);
      expect(result.value.stddev).toBe(Math.sqrt(result.value.variance));
    }
  });

  it('rounds a variance that falls into or below the subnormals from its exact value', () => {
    const rng = makeRng(37);
    for (let trial = 0; trial < 300; trial++) {
      // Two values: the sample variance (a - b)^2 / 2 is an exact dyadic number.
      const exponent = randomInt(rng, -580, -480);
      const a = (rng() * 2 - 1) * 2 ** exponent;
      const b = (rng() * 2 - 1) * 2 ** exponent;
      if (a === b) continue;
      const difference = toScaledBigInt(a) - toScaledBigInt(b);
      const exact = nearestDouble(difference * difference, -2 * 1074 - 1);
      const result = stats([a, b]);
      expect(Math.abs(result.variance - exact)).toBeLessThanOrEqual(2 ** -1074 + exact * 1e-15);
      expect(result.stddev).toBe(Math.sqrt(result.variance));
    }
    expect(stats([-1.9 * 2 ** -538, 1.9 * 2 ** -538]).variance).toBe(2 ** -1073);
    expect(stats([-(2 ** -600), 2 ** -600]).variance).toBe(0);
  });

  it('reads the scale of subnormal data off every bit of the fraction', () => {
    const rng = makeRng(38);
    for (let trial = 0; trial < 200; trial++) {
      const topBit = randomInt(rng, 0, 51);
      const values = Array.from({ length: randomInt(rng, 2, 60) }, () => randomInt(rng, 0, 2 ** topBit) * 2 ** -1074);
      if (values.every((x) => x === values[0])) continue;
      const result = stats(values);
      expect(meanErrorInUlps(result.mean, values)).toBeLessThanOrEqual(1);
      expect(result.median === medianOracle(values)).toBe(true);
      expect(result.variance).toBe(0); // the exact variance is far below 2^-1074
    }
  });

  it('keeps the mean accurate when the largest magnitude sits exactly on or just below a power of two', () => {
    for (const top of [1, 2 ** 20, 2 ** -1022, 2 ** -1040, 2 ** -1074 * 3, 2 ** 500, 2 ** 511]) {
      for (const largest of [top, nextUp(top), top - top * 2 ** -53]) {
        const values = [largest, largest * 0.75, -largest * 0.5, largest * 0.625];
        const result = stats(values);
        expect(result.max).toBe(largest);
        expect(meanErrorInUlps(result.mean, values)).toBeLessThanOrEqual(1.5);
        checkAgainstReference(values);
      }
    }
  });

  it('keeps every bit of the mean around the cut points of its split sum (2^-32, 2^-33, 2^-64, 2^-65)', () => {
    for (const scale of [1, 2 ** 300, 2 ** -300, 1e-310]) {
      for (const bit of [-31, -32, -33, -34, -52, -53]) {
        const values = [1, 1 + 2 ** bit, 1 + 3 * 2 ** bit, -(1 - 2 ** -53), 1 + 2 ** -52].map((x) => x * scale);
        expect(meanErrorInUlps(stats(values).mean, values)).toBeLessThanOrEqual(1.5);
      }
      // Values far below the largest put bits of the scaled value at 2^-64 and 2^-65.
      const deep = [1, 2 ** -40 + 2 ** -80, 2 ** -63 + 2 ** -100, 2 ** -64 + 2 ** -66, -1 + 2 ** -53].map((x) => x * scale);
      expect(meanErrorInUlps(stats(deep).mean, deep)).toBeLessThanOrEqual(1.5);
    }
  });

  it('computes the mean of values that nearly cancel with only the final rounding', () => {
    const rng = makeRng(34);
    for (let trial = 0; trial < 200; trial++) {
      const length = randomInt(rng, 2, 200);
      const values = Array.from({ length }, () => (rng() - 0.5) * 2 ** randomInt(rng, -60, 60));
      // Append the negated sum of the rest, rounded: the exact mean is then tiny next to the spread.
      const rounded = values.reduce((a, b) => a + b, 0);
      values.push(-rounded);
      const result = statisticsWelford({ values });
      const exactTotal = values.reduce((sum, x) => sum + toScaledBigInt(x), 0n);
      if (exactTotal === 0n) {
        expect(valueOf(result).mean).toBe(0);
        continue;
      }
      const largest = Math.max(...values.map(Math.abs));
      // The residue below 2^-65 of the largest is summed with rounding, an error under about
      // 2^-100 of the largest here; allowed for explicitly, in ulps of the mean.
      const exactMean = ratioToNumber(exactTotal, BigInt(length) << 1074n);
      const slack = (largest * 2 ** -100) / Math.abs(exactMean);
      expect(meanErrorInUlps(valueOf(result).mean, values)).toBeLessThanOrEqual(1.5 + slack * 2 ** 53);
    }
  });

  it('sums a million values exactly enough that a nearly cancelling mean comes out correctly rounded', () => {
    const rng = makeRng(35);
    const length = 1_000_000;
    const values = new Array<number>(length);
    let offsetTotal = 0; // integer sum, exact well below 2^53
    for (let i = 0; i < length; i++) {
      const offset = randomInt(rng, 0, 2 ** 20 - 1);
      const sign = i % 2 === 0 ? 1 : -1;
      values[i] = sign * (1.75 + offset * 2 ** -45);
      offsetTotal += sign * offset;
    }
    const started = performance.now();
    const result = stats(values);
    expect(performance.now() - started).toBeLessThan(1000);
    // Exact mean: the 1.75s cancel, leaving offsetTotal * 2^-45 / length, rounded once by the division.
    const expected = (offsetTotal / length) * 2 ** -45;
    expect(Math.abs(result.mean - expected)).toBeLessThanOrEqual(Math.abs(expected) * 2 ** -52);
    const sorted = Float64Array.from(values).sort();
    expect(result.median).toBe((sorted[length / 2 - 1]! + sorted[length / 2]!) / 2);
    expect(result.min).toBe(sorted[0]);
    expect(result.max).toBe(sorted[length - 1]);
    // Values are +-(1.75 + small): the exact variance is within 1e-12 of n/(n-1) * mean square.
    let squares = 0;
    for (const x of values) squares += (x - expected) * (x - expected);
    expectClose(result.variance, squares / (length - 1), 1e-12);
  });

  it('gives a large sample with a large mean and a small spread its exact mean and variance', () => {
    const rng = makeRng(36);
    const length = 250_000;
    const steps = new Array<number>(length);
    for (let i = 0; i < length; i++) steps[i] = randomInt(rng, 0, 1023);
    // 1e9 + k * 2^-23 is exact: 2^-23 is the spacing of doubles near 1e9.
    const values = steps.map((k) => 1e9 + k * 2 ** -23);
    const n = BigInt(length);
    const stepTotal = steps.reduce((sum, k) => sum + BigInt(k), 0n);
    const stepSquares = steps.reduce((sum, k) => sum + BigInt(k * k), 0n);
    const result = stats(values);
    expectClose(result.mean, 1e9 + ratioToNumber(stepTotal, n) * 2 ** -23, 1e-15);
    const exactVariance = ratioToNumber(n * stepSquares - stepTotal * stepTotal, n * (n - 1n)) * 2 ** -46;
    expectClose(result.variance, exactVariance, 1e-12);
    expectClose(result.stddev, Math.sqrt(exactVariance), 1e-12);
  });
});
