import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import factorize, { isPrimeBelow2To64 } from '../../versions/factorize/quadratic-sieve.js';

const TOP = (1n << 64n) - 1n;

/** Runs the version and insists on a value answer. */
function primesOf(n: bigint): bigint[] {
  const result = factorize({ n });
  if (result.kind !== 'value') throw new Error(`expected factors of ${n}, got ${result.reason}`);
  return result.value;
}

function ascending(values: readonly bigint[]): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function product(values: readonly bigint[]): bigint {
  return values.reduce((acc, v) => acc * v, 1n);
}

/** Oracle: plain trial division in doubles, exact for n below 2^53. */
function bruteFactors(n: bigint): bigint[] {
  let m = Number(n);
  const out: bigint[] = [];
  for (let d = 2; d * d <= m; d += d === 2 ? 1 : 2) {
    while (m % d === 0) {
      out.push(BigInt(d));
      m /= d;
    }
  }
  if (m > 1) out.push(BigInt(m));
  return out;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let acc = 1n;
  let sq = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) acc = (acc * sq) % mod;
    sq = (sq * sq) % mod;
  }
  return acc;
}

/** One strong-probable-prime round; odd n > 2 and 1 < a < n - 1. */
function passesStrongBase(n: bigint, a: bigint): boolean {
  let d = n - 1n;
  let twos = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  let y = modPow(a, d, n);
  if (y === 1n || y === n - 1n) return true;
  for (let i = 1; i < twos; i++) {
    y = (y * y) % n;
    if (y === n - 1n) return true;
  }
  return false;
}

// Miller-Rabin with the first twelve prime bases is exact below 3.18 * 10^23 (Sorenson-Webster).
const ORACLE_BASES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

function isPrimeOracle(n: bigint): boolean {
  if (n < 2n) return false;
  for (const b of ORACLE_BASES) {
    if (n === b) return true;
    if (n % b === 0n) return false;
  }
  return ORACLE_BASES.every((b) => passesStrongBase(n, b));
}

/** The strong test to base a after reducing it mod n; a multiple of n passes, as it proves nothing. */
function passesReducedBase(n: bigint, a: bigint): boolean {
  const r = a % n;
  if (r === 0n) return true;
  if (r === 1n || r === n - 1n) return true;
  return passesStrongBase(n, r);
}

/** Oracle for small n: a plain sieve of Eratosthenes. */
function primeTable(limit: number): boolean[] {
  const table = Array<boolean>(limit).fill(true);
  table[0] = false;
  table[1] = false;
  for (let i = 2; i * i < limit; i++) {
    if (table[i] !== true) continue;
    for (let j = i * i; j < limit; j += i) table[j] = false;
  }
  return table;
}

function divisorsOf(n: bigint): bigint[] {
  const out: bigint[] = [];
  for (let d = 1n; d * d <= n; d++) {
    if (n % d !== 0n) continue;
    out.push(d);
    if (d * d !== n) out.push(n / d);
  }
  return out;
}

function primeAtOrAbove(start: bigint): bigint {
  let c = start;
  while (!isPrimeOracle(c)) c++;
  return c;
}

function primesBelow(limit: bigint, count: number): bigint[] {
  const out: bigint[] = [];
  for (let c = limit - 1n; out.length < count; c--) if (isPrimeOracle(c)) out.push(c);
  return out;
}

/** Korselt: n is Carmichael iff square-free, composite, and p - 1 divides n - 1 for each p. */
function isCarmichael(factors: readonly bigint[]): boolean {
  const n = product(factors);
  const distinct = new Set(factors);
  return (
    factors.length >= 2 &&
    distinct.size === factors.length &&
    factors.every((p) => isPrimeOracle(p) && (n - 1n) % (p - 1n) === 0n)
  );
}

/** A random prime from an arbitrary starting point at least `low`, kept below `high`. */
function primeIn(low: bigint, high: bigint): fc.Arbitrary<bigint> {
  return fc
    .bigInt({ min: low, max: high - 1n })
    .map(primeAtOrAbove)
    .filter((p) => p < high);
}

describe('factorize (quadratic sieve)', () => {
  it('rejects n below 2 and above 2^64 - 1 with OUT_OF_RANGE', () => {
    for (const n of [-(1n << 63n), -7n, -1n, 0n, 1n, TOP + 1n, TOP + 2n, 10n ** 30n]) {
      expect(factorize({ n })).toEqual({ kind: 'domain_error', reason: 'OUT_OF_RANGE' });
    }
  });

  it('accepts both ends of the range, 2 and 2^64 - 1', () => {
    expect(factorize({ n: 2n })).toEqual({ kind: 'value', value: [2n] });
    expect(primesOf(TOP)).toEqual([3n, 5n, 17n, 257n, 641n, 65537n, 6700417n]);
  });

  it('follows the SPEC examples: 12 gives [2, 2, 3] and a prime gives itself', () => {
    expect(primesOf(12n)).toEqual([2n, 2n, 3n]);
    expect(primesOf(97n)).toEqual([97n]);
    expect(primesOf(4294967291n)).toEqual([4294967291n]);
  });

  it('matches brute force for every n from 2 to 3000', () => {
    for (let n = 2n; n <= 3000n; n++) expect(primesOf(n)).toEqual(bruteFactors(n));
  });

  it('factors every power of two and of three that fits', () => {
    for (let e = 1; e <= 63; e++) expect(primesOf(1n << BigInt(e))).toEqual(Array<bigint>(e).fill(2n));
    for (let e = 1; e <= 40; e++) expect(primesOf(3n ** BigInt(e))).toEqual(Array<bigint>(e).fill(3n));
  });

  it('returns the prime factors of a product of two primes near 2^32', () => {
    expect(4294967291n * 4294967279n).toBe(18446743979220271189n);
    expect(primesOf(18446743979220271189n)).toEqual([4294967279n, 4294967291n]);
    const near = primesBelow(1n << 32n, 6);
    for (const p of near) {
      for (const q of near) if (p < q) expect(primesOf(p * q)).toEqual([p, q]);
    }
  });

  it('returns the largest primes below 2^64 unchanged and splits the composites between them', () => {
    const top = primesBelow(1n << 64n, 4);
    expect(top[0]).toBe(18446744073709551557n);
    for (const p of top) expect(primesOf(p)).toEqual([p]);
    const lowest = top[top.length - 1] ?? 0n;
    for (let n = lowest; n <= TOP; n++) {
      const found = primesOf(n);
      expect(product(found)).toBe(n);
      expect(found.every(isPrimeOracle)).toBe(true);
      expect(found).toEqual(ascending(found));
    }
  });

  it('splits squares and higher powers of primes near 2^32, 2^21 and 2^16', () => {
    for (const p of primesBelow(1n << 32n, 4)) expect(primesOf(p * p)).toEqual([p, p]);
    for (const p of primesBelow(1n << 21n, 4)) {
      expect(primesOf(p ** 3n)).toEqual([p, p, p]);
      expect(primesOf(p * p)).toEqual([p, p]);
    }
    for (const p of [65521n, 65519n]) expect(primesOf(p ** 4n)).toEqual([p, p, p, p]);
    const above = primeAtOrAbove(65537n);
    expect(primesOf(above ** 3n)).toEqual([above, above, above]);
    expect(primesOf(above ** 2n * 65521n ** 2n)).toEqual([65521n, 65521n, above, above]);
  });

  it('factors strong pseudoprimes to many bases', () => {
    const cases: [bigint, bigint[]][] = [
      [2047n, [23n, 89n]],
      [1373653n, [829n, 1657n]],
      [25326001n, [2251n, 11251n]],
      [3215031751n, [151n, 751n, 28351n]],
      [2152302898747n, [6763n, 10627n, 29947n]],
      [3474749660383n, [1303n, 16927n, 157543n]],
      [341550071728321n, [10670053n, 32010157n]],
      [3825123056546413051n, [149491n, 747451n, 34233211n]],
      // 2^59 - 1: a composite Mersenne number is a strong base-2 pseudoprime.
      [576460752303423487n, [179951n, 3203431780337n]],
      [4294967297n, [641n, 6700417n]],
    ];
    for (const [n, factors] of cases) {
      expect(product(factors)).toBe(n);
      expect(factors.every(isPrimeOracle)).toBe(true);
      expect(passesStrongBase(n, 2n)).toBe(true);
      expect(primesOf(n)).toEqual(factors);
    }
  });

  it('factors Carmichael numbers, including ones whose three factors all exceed 2^16', () => {
    const known: bigint[][] = [
      [3n, 11n, 17n],
      [5n, 13n, 17n],
      [7n, 13n, 19n],
      [7n, 11n, 13n, 41n],
      [5n, 7n, 17n, 19n, 73n],
      [5n, 19n, 23n, 29n, 37n, 137n],
      [7n, 13n, 17n, 23n, 31n, 67n, 73n],
    ];
    // Chernick: (6k+1)(12k+1)(18k+1) is Carmichael when all three are prime.
    const chernick: bigint[][] = [];
    for (let k = 10923n; chernick.length < 3; k++) {
      const triple = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
      if (triple.every(isPrimeOracle)) chernick.push(triple);
    }
    for (const factors of [...known, ...chernick]) {
      const n = product(factors);
      expect(n <= TOP).toBe(true);
      expect(isCarmichael(factors)).toBe(true);
      expect(primesOf(n)).toEqual(factors);
    }
  });

  it('factors random semiprimes near 2^64 built from chosen 32-bit primes', () => {
    fc.assert(
      fc.property(primeIn(1n << 31n, 1n << 32n), primeIn(3n << 30n, 1n << 32n), (p, q) => {
        expect(primesOf(p * q)).toEqual(ascending([p, q]));
      }),
      { numRuns: 40 },
    );
  });

  it('factors unbalanced semiprimes: a 20-bit prime times a 44-bit prime', () => {
    fc.assert(
      fc.property(primeIn(1n << 19n, 1n << 20n), primeIn(1n << 43n, 1n << 44n), (p, q) => {
        expect(primesOf(p * q)).toEqual([p, q]);
      }),
      { numRuns: 40 },
    );
  });

  it('factors products of three primes that all exceed 2^16', () => {
    const factor = primeIn(65537n, 1n << 21n);
    fc.assert(
      fc.property(factor, factor, factor, (p, q, r) => {
        expect(primesOf(p * q * r)).toEqual(ascending([p, q, r]));
      }),
      { numRuns: 40 },
    );
  });

  it('factors p^2 q and p q^2 when both primes exceed 2^16', () => {
    fc.assert(
      fc.property(primeIn(65537n, 1n << 21n), primeIn(65537n, 1n << 22n), (p, q) => {
        fc.pre(p !== q);
        // p^2 q stays below 2^64 by the ranges; p q^2 may not.
        expect(primesOf(p * p * q)).toEqual(ascending([p, p, q]));
        if (p * q * q <= TOP) expect(primesOf(p * q * q)).toEqual(ascending([p, q, q]));
      }),
      { numRuns: 30 },
    );
  });

  it('factors small semiprimes just past the trial-division bound', () => {
    const first = [primeAtOrAbove(65537n)];
    while (first.length < 8) first.push(primeAtOrAbove((first[first.length - 1] ?? 0n) + 1n));
    for (const p of first) for (const q of first) if (p < q) expect(primesOf(p * q)).toEqual([p, q]);
  });

  it('agrees with brute force on random n below 2^36', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n, max: 1n << 36n }), (n) => {
        expect(primesOf(n)).toEqual(bruteFactors(n));
      }),
      { numRuns: 300 },
    );
  });

  it('returns ascending primes whose product is n for random n up to 2^64 - 1', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n, max: TOP }), (n) => {
        const found = primesOf(n);
        expect(product(found)).toBe(n);
        expect(found).toEqual(ascending(found));
        expect(found.every(isPrimeOracle)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('returns plain bigint arrays and the same answer on repeated calls', () => {
    const n = 18446743979220271189n;
    const first = primesOf(n);
    const second = primesOf(n);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(Array.isArray(first) && first.every((v) => typeof v === 'bigint')).toBe(true);
  });

  it('finishes each of the hardest inputs in well under a second', () => {
    const [p32 = 0n, q32 = 0n, r32 = 0n] = primesBelow(1n << 32n, 3);
    const [p21 = 0n] = primesBelow(1n << 21n, 1);
    const hardest = [
      18446743979220271189n,
      18446744073709551557n,
      p32 * p32,
      q32 * r32,
      p21 ** 3n,
      3825123056546413051n,
      576460752303423487n,
      TOP,
    ];
    for (const n of hardest) primesOf(n);
    for (const n of hardest) {
      const started = performance.now();
      primesOf(n);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});

const SINCLAIR = [2n, 325n, 9375n, 28178n, 450775n, 9780504n, 1795265022n];

describe('isPrimeBelow2To64 (deterministic Miller-Rabin)', () => {
  it('agrees with a sieve of Eratosthenes on every n below 10^5', () => {
    const limit = 100_000;
    const table = primeTable(limit);
    const wrong: number[] = [];
    for (let n = 0; n < limit; n++) if (isPrimeBelow2To64(BigInt(n)) !== table[n]) wrong.push(n);
    expect(wrong).toEqual([]);
  });

  it('calls 0, 1 and negative numbers not prime', () => {
    for (const n of [-(1n << 63n), -7n, -2n, -1n, 0n, 1n]) expect(isPrimeBelow2To64(n)).toBe(false);
  });

  it('is right for n equal to each base and for every divisor of a base', () => {
    // 2 is the only prime base; for n dividing a base that base is 0 mod n and must be passed over.
    expect(SINCLAIR.map(isPrimeBelow2To64)).toEqual([true, false, false, false, false, false, false]);
    for (const base of SINCLAIR) {
      for (const d of divisorsOf(base)) expect(isPrimeBelow2To64(d), `divisor ${d} of ${base}`).toBe(isPrimeOracle(d));
    }
    for (const base of SINCLAIR) {
      for (const n of [base - 1n, base + 1n, base + 2n]) expect(isPrimeBelow2To64(n)).toBe(isPrimeOracle(n));
    }
  });

  it('rejects composites that are strong pseudoprimes to the first two and three of its bases', () => {
    // Found by search: strong pseudoprimes to 2 and 325 (below 2^26, and Chernick Carmichael numbers).
    const toTwoBases = [
      4033n, 4681n, 1530787n, 2264369n, 4181921n, 8725753n, 10712857n, 13446253n, 14794081n,
      15247621n, 27331921n, 47903701n, 86483161466209n, 4872066928490181241n, 15032775713346148969n,
    ];
    // Strong pseudoprimes to 2, 325 and 9375 (also to the first 7, 8 and 9 primes, OEIS A014233).
    const toThreeBases = [3474749660383n, 341550071728321n, 3825123056546413051n];
    for (const n of toTwoBases) {
      expect(isPrimeOracle(n)).toBe(false);
      expect(SINCLAIR.slice(0, 2).every((a) => passesReducedBase(n, a))).toBe(true);
      expect(isPrimeBelow2To64(n)).toBe(false);
    }
    for (const n of toThreeBases) {
      expect(isPrimeOracle(n)).toBe(false);
      expect(SINCLAIR.slice(0, 3).every((a) => passesReducedBase(n, a))).toBe(true);
      expect(isPrimeBelow2To64(n)).toBe(false);
    }
  });

  it('rejects the strong pseudoprimes to the first prime bases and composite Mersenne numbers', () => {
    const spsp = [2047n, 1373653n, 25326001n, 3215031751n, 2152302898747n, 4294967297n];
    for (const n of spsp) expect(isPrimeBelow2To64(n)).toBe(false);
    for (const e of [11n, 23n, 29n, 37n, 41n, 43n, 47n, 53n, 59n]) {
      const mersenne = (1n << e) - 1n;
      expect(passesStrongBase(mersenne, 2n)).toBe(true);
      expect(isPrimeBelow2To64(mersenne)).toBe(false);
    }
    for (const e of [31n, 61n]) expect(isPrimeBelow2To64((1n << e) - 1n)).toBe(true);
  });

  it('rejects Carmichael numbers, small ones and Chernick ones near 2^64', () => {
    const small: bigint[][] = [
      [3n, 11n, 17n],
      [5n, 13n, 17n],
      [7n, 13n, 19n],
      [5n, 17n, 29n],
      [7n, 13n, 31n],
      [7n, 23n, 41n],
      [7n, 11n, 13n, 41n],
      [5n, 7n, 17n, 19n, 73n],
      [5n, 19n, 23n, 29n, 37n, 137n],
      [7n, 13n, 17n, 23n, 31n, 67n, 73n],
    ];
    const chernick: bigint[][] = [];
    for (let k = 226366n; chernick.length < 3; k--) {
      const triple = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
      if (triple.every(isPrimeOracle)) chernick.push(triple);
    }
    for (const factors of [...small, ...chernick]) {
      const n = product(factors);
      expect(n <= TOP).toBe(true);
      expect(isCarmichael(factors)).toBe(true);
      expect(isPrimeBelow2To64(n)).toBe(false);
    }
  });

  it('agrees with the oracle on every n in windows at limb and word boundaries and below 2^64', () => {
    const windows: [bigint, bigint][] = [
      [(1n << 22n) - 300n, (1n << 22n) + 300n],
      [(1n << 32n) - 300n, (1n << 32n) + 300n],
      [(1n << 44n) - 300n, (1n << 44n) + 300n],
      [(1n << 53n) - 300n, (1n << 53n) + 300n],
      [(1n << 63n) - 300n, (1n << 63n) + 300n],
      [TOP - 3000n, TOP],
    ];
    let primes = 0;
    for (const [low, high] of windows) {
      for (let n = low; n <= high; n++) {
        const truth = isPrimeOracle(n);
        if (truth) primes++;
        expect(isPrimeBelow2To64(n), `n = ${n}`).toBe(truth);
      }
    }
    expect(primes).toBeGreaterThan(100);
    expect(isPrimeBelow2To64(18446744073709551557n)).toBe(true);
    expect(isPrimeBelow2To64(TOP)).toBe(false);
  });

  it('rejects squares of primes and products of two primes near 2^32', () => {
    const near = primesBelow(1n << 32n, 5);
    for (const p of near) {
      expect(isPrimeBelow2To64(p)).toBe(true);
      for (const q of near) expect(isPrimeBelow2To64(p * q)).toBe(false);
    }
  });

  it('agrees with trial division on random n below 2^36', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 36n }), (n) => {
        expect(isPrimeBelow2To64(n)).toBe(n >= 2n && bruteFactors(n).length === 1);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the oracle on random odd n up to 2^64 - 1 and on random primes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: TOP >> 1n }), (half) => {
        const n = 2n * half + 1n;
        expect(isPrimeBelow2To64(n)).toBe(isPrimeOracle(n));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(primeIn(1n << 40n, TOP), (p) => {
        expect(isPrimeBelow2To64(p)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
