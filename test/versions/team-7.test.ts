import { describe, it, expect } from 'vitest';
import factorizeEcm from '../../versions/factorize/ecm.js';

const MAX_N = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------
// References written independently of the version under test
// ---------------------------------------------------------------------------

/** Deterministic Miller-Rabin with the first twelve prime bases: exact below 3.3e24. */
function referenceIsPrime(n: bigint): boolean {
  const bases = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];
  if (n < 2n) return false;
  for (const p of bases) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    s++;
  }
  const power = (base: bigint, exponent: bigint): bigint => {
    let result = 1n;
    let b = base % n;
    for (let e = exponent; e > 0n; e /= 2n) {
      if (e % 2n === 1n) result = (result * b) % n;
      b = (b * b) % n;
    }
    return result;
  };
  witnessLoop: for (const a of bases) {
    let x = power(a, d);
    if (x === 1n || x === n - 1n) continue;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) continue witnessLoop;
    }
    return false;
  }
  return true;
}

/** Plain trial division on doubles, exact for n < 2^53. */
function referenceFactorSmall(n: number): bigint[] {
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
}

/** A seeded 64-bit linear congruential generator (top bits only are used). */
function makeRandom(seed: bigint): (bits: number) => bigint {
  let state = seed;
  return (bits: number): bigint => {
    let result = 0n;
    for (let produced = 0; produced < bits; produced += 32) {
      state = (state * 6364136223846793005n + 1442695040888963407n) & MAX_N;
      result = (result << 32n) | (state >> 32n);
    }
    return result & ((1n << BigInt(bits)) - 1n);
  };
}

function randomPrime(random: (bits: number) => bigint, bits: number): bigint {
  for (;;) {
    const candidate = random(bits) | (1n << BigInt(bits - 1)) | 1n;
    if (referenceIsPrime(candidate)) return candidate;
  }
}

function previousPrime(n: bigint): bigint {
  let candidate = n - 1n;
  while (!referenceIsPrime(candidate)) candidate--;
  return candidate;
}

function sorted(values: bigint[]): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function factorsOf(n: bigint): bigint[] {
  const result = factorizeEcm({ n });
  if (result.kind !== 'value') throw new Error(`unexpected domain error for ${n}: ${result.reason}`);
  return result.value;
}

/** Checks the answer without knowing it: ascending primes whose product is n. */
function expectValidFactorization(n: bigint): void {
  const factors = factorsOf(n);
  expect(factors).toEqual(sorted(factors));
  let product = 1n;
  for (const f of factors) {
    expect(referenceIsPrime(f), `${f} in factorization of ${n} is not prime`).toBe(true);
    product *= f;
  }
  expect(product).toBe(n);
}

// ---------------------------------------------------------------------------

describe('factorize/ecm: domain', () => {
  it('rejects n < 2 and n > 2^64 - 1 with OUT_OF_RANGE', () => {
    for (const n of [1n, 0n, -1n, -(1n << 63n), 1n << 64n, (1n << 64n) + 1n, 1n << 100n]) {
      expect(factorizeEcm({ n })).toEqual({ kind: 'domain_error', reason: 'OUT_OF_RANGE' });
    }
  });

  it('accepts the bounds 2 and 2^64 - 1', () => {
    expect(factorizeEcm({ n: 2n })).toEqual({ kind: 'value', value: [2n] });
    expect(factorizeEcm({ n: MAX_N })).toEqual({
      kind: 'value',
      value: [3n, 5n, 17n, 257n, 641n, 65537n, 6700417n],
    });
  });
});

describe('factorize/ecm: examples and small inputs', () => {
  it('follows the SPEC examples', () => {
    expect(factorsOf(12n)).toEqual([2n, 2n, 3n]);
    expect(factorsOf(97n)).toEqual([97n]);
  });

  it('matches trial division for every n up to 20,000', () => {
    for (let n = 2; n <= 20_000; n++) {
      expect(factorsOf(BigInt(n))).toEqual(referenceFactorSmall(n));
    }
  });

  it('matches trial division for random n below 2^36', () => {
    const random = makeRandom(7n);
    for (let i = 0; i < 300; i++) {
      const n = random(36) + 2n;
      expect(factorsOf(n)).toEqual(referenceFactorSmall(Number(n)));
    }
  });

  it('handles products of primes just above the trial-division range', () => {
    const primes = [1009n, 1013n, 1019n, 1021n, 1031n, 1033n, 1039n, 1049n];
    for (const p of primes) {
      for (const q of primes) {
        if (q < p) continue;
        expect(factorsOf(p * q)).toEqual([p, q]);
        expect(factorsOf(p * q * 1051n)).toEqual(sorted([p, q, 1051n]));
      }
    }
  });
});

describe('factorize/ecm: large and adversarial inputs', () => {
  it('factors 2^64 - 2, 2^63, 2^63 - 1 and the largest prime below 2^64', () => {
    expect(factorsOf(MAX_N - 1n)).toEqual([2n, 7n, 7n, 73n, 127n, 337n, 92737n, 649657n]);
    expect(factorsOf(1n << 63n)).toEqual(Array<bigint>(63).fill(2n));
    expect(factorsOf((1n << 63n) - 1n)).toEqual([7n, 7n, 73n, 127n, 337n, 92737n, 649657n]);
    expect(factorsOf(18446744073709551557n)).toEqual([18446744073709551557n]);
  });

  it('splits semiprimes of the largest 32-bit primes', () => {
    expect(factorsOf(4294967291n * 4294967279n)).toEqual([4294967279n, 4294967291n]);
    expect(factorsOf(4294967291n * 4294967291n)).toEqual([4294967291n, 4294967291n]);
    const nearTop = [4294967291n];
    while (nearTop.length < 6) nearTop.push(previousPrime(nearTop[nearTop.length - 1] ?? 0n));
    for (const p of nearTop) {
      for (const q of nearTop) {
        if (q <= p) continue;
        expect(factorsOf(p * q)).toEqual([p, q]);
      }
    }
  });

  it('splits random products of two 32-bit primes', () => {
    const random = makeRandom(2024n);
    for (let i = 0; i < 60; i++) {
      const p = randomPrime(random, 32);
      const q = randomPrime(random, 32);
      expect(factorsOf(p * q)).toEqual(sorted([p, q]));
    }
  });

  it('splits unbalanced semiprimes and products of three ~21-bit primes', () => {
    const random = makeRandom(99n);
    for (let i = 0; i < 20; i++) {
      const p = randomPrime(random, 20);
      const q = randomPrime(random, 44);
      expect(factorsOf(p * q)).toEqual(sorted([p, q]));
      const a = randomPrime(random, 21);
      const b = randomPrime(random, 21);
      const c = randomPrime(random, 21);
      expect(factorsOf(a * b * c)).toEqual(sorted([a, b, c]));
    }
  });

  it('factors prime powers', () => {
    const p32 = 4294967291n;
    expect(factorsOf(p32 * p32)).toEqual([p32, p32]);
    const p21 = previousPrime(1n << 21n);
    expect(factorsOf(p21 ** 3n)).toEqual([p21, p21, p21]);
    const p16 = previousPrime(1n << 16n);
    expect(factorsOf(p16 ** 4n)).toEqual(Array<bigint>(4).fill(p16));
    const p12 = previousPrime(1n << 12n);
    expect(factorsOf(p12 ** 5n)).toEqual(Array<bigint>(5).fill(p12));
    expect(factorsOf(1009n ** 6n)).toEqual(Array<bigint>(6).fill(1009n));
    expect(factorsOf(3n ** 40n)).toEqual(Array<bigint>(40).fill(3n));
    // Squares of Wieferich primes are strong base-2 pseudoprimes.
    expect(factorsOf(1093n * 1093n)).toEqual([1093n, 1093n]);
    expect(factorsOf(3511n * 3511n)).toEqual([3511n, 3511n]);
    // Mixed powers: p^2 * q and p * q^3.
    expect(factorsOf(p21 * p21 * 1000003n)).toEqual([1000003n, p21, p21]);
    expect(factorsOf(17n * 1000003n ** 3n)).toEqual([17n, 1000003n, 1000003n, 1000003n]);
  });

  it('factors Carmichael numbers', () => {
    const known: [bigint, bigint[]][] = [
      [561n, [3n, 11n, 17n]],
      [1105n, [5n, 13n, 17n]],
      [1729n, [7n, 13n, 19n]],
      [41041n, [7n, 11n, 13n, 41n]],
      [825265n, [5n, 7n, 17n, 19n, 73n]],
      [321197185n, [5n, 19n, 23n, 29n, 37n, 137n]],
    ];
    for (const [n, expected] of known) expect(factorsOf(n)).toEqual(expected);

    // Chernick's (6k+1)(12k+1)(18k+1) is a Carmichael number when all three are prime.
    const found: bigint[][] = [];
    for (let k = 1n; found.length < 8 && k < 500_000n; k++) {
      const triple = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
      if (triple.every(referenceIsPrime)) found.push(triple);
    }
    let k = 240_000n;
    while (found.length < 12) {
      const triple = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
      if (triple.every(referenceIsPrime)) found.push(triple);
      k--;
    }
    for (const triple of found) {
      const n = triple.reduce((a, b) => a * b, 1n);
      expect(n <= MAX_N).toBe(true);
      expect(factorsOf(n)).toEqual(triple);
    }
  });

  it('is not fooled by strong pseudoprimes to base 2', () => {
    expect(factorsOf(2047n)).toEqual([23n, 89n]);
    expect(factorsOf(3215031751n)).toEqual([151n, 751n, 28351n]);
    expect(factorsOf(4294967297n)).toEqual([641n, 6700417n]);
    expect(factorsOf(3825123056546413051n)).toEqual([149491n, 747451n, 34233211n]);
    // Strong Lucas pseudoprimes (Selfridge parameters).
    expect(factorsOf(5459n)).toEqual([53n, 103n]);
    expect(factorsOf(5777n)).toEqual([53n, 109n]);
    expect(factorsOf(10877n)).toEqual([73n, 149n]);

    // Strong base-2 pseudoprimes p(2p-1) with both factors beyond trial division, so the
    // Lucas half of Baillie-PSW must reject them.
    const isStrongBase2 = (n: bigint): boolean => {
      let d = n - 1n;
      let s = 0;
      while (d % 2n === 0n) {
        d /= 2n;
        s++;
      }
      let x = 1n;
      let b = 2n;
      for (let e = d; e > 0n; e /= 2n) {
        if (e % 2n === 1n) x = (x * b) % n;
        b = (b * b) % n;
      }
      if (x === 1n || x === n - 1n) return true;
      for (let r = 1; r < s; r++) {
        x = (x * x) % n;
        if (x === n - 1n) return true;
      }
      return false;
    };
    let checked = 0;
    for (let p = 1009n; p < 400_000n && checked < 5; p += 2n) {
      const q = 2n * p - 1n;
      if (!referenceIsPrime(p) || !referenceIsPrime(q) || !isStrongBase2(p * q)) continue;
      expect(factorsOf(p * q)).toEqual([p, q]);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('returns valid factorizations for random 64-bit n and random primes', () => {
    const random = makeRandom(314159n);
    for (let i = 0; i < 150; i++) {
      const n = random(64);
      if (n >= 2n) expectValidFactorization(n);
    }
    for (let i = 0; i < 30; i++) {
      const p = randomPrime(random, 64);
      expect(factorsOf(p)).toEqual([p]);
    }
  });

  it('returns plain data and gives the same answer on repeated calls', () => {
    const n = 4294967291n * 4294967279n;
    const first = factorizeEcm({ n });
    const second = factorizeEcm({ n });
    expect(second).toEqual(first);
    expect(structuredClone(first)).toEqual(first);
  });

  it('stays fast on hard semiprimes', () => {
    const random = makeRandom(55n);
    let worst = 0;
    for (let i = 0; i < 40; i++) {
      const n = randomPrime(random, 32) * randomPrime(random, 32);
      const start = performance.now();
      factorsOf(n);
      worst = Math.max(worst, performance.now() - start);
    }
    expect(worst).toBeLessThan(500);
  });
});

// ---------------------------------------------------------------------------
// The range gate and the small-factor stage (trial division by 2, 3 and a 6k +- 1 wheel)
// ---------------------------------------------------------------------------

/** Primes up to `limit` by a plain sieve, independent of the version. */
function referencePrimesUpTo(limit: number): bigint[] {
  const composite = new Array<boolean>(limit + 1).fill(false);
  const primes: bigint[] = [];
  for (let i = 2; i <= limit; i++) {
    if (composite[i] === true) continue;
    primes.push(BigInt(i));
    for (let j = i * i; j <= limit; j += i) composite[j] = true;
  }
  return primes;
}

const SMALL_PRIMES = referencePrimesUpTo(1100);
const PRIMES_TO_1000 = SMALL_PRIMES.filter((p) => p <= 1000n);

describe('factorize/ecm: range edges', () => {
  it('answers OUT_OF_RANGE for exactly 0, 1 and 2^64, as a plain domain error', () => {
    for (const n of [0n, 1n, 1n << 64n]) {
      expect(factorizeEcm({ n })).toStrictEqual({ kind: 'domain_error', reason: 'OUT_OF_RANGE' });
    }
  });

  it('factors exactly 2 and 2^64 - 1 as plain values', () => {
    expect(factorizeEcm({ n: 2n })).toStrictEqual({ kind: 'value', value: [2n] });
    expect(factorizeEcm({ n: MAX_N })).toStrictEqual({
      kind: 'value',
      value: [3n, 5n, 17n, 257n, 641n, 65537n, 6700417n],
    });
  });

  it('factors 3, 4 and 2^64 - 3 just inside the edges', () => {
    expect(factorsOf(3n)).toEqual([3n]);
    expect(factorsOf(4n)).toEqual([2n, 2n]);
    expectValidFactorization(MAX_N - 2n);
  });

  it('rejects every n below 2 and above 2^64 - 1 drawn at random', () => {
    const random = makeRandom(64n);
    for (let i = 0; i < 200; i++) {
      const below = 1n - random(64);
      const above = MAX_N + 1n + random(70);
      for (const n of [below, above]) {
        expect(factorizeEcm({ n })).toEqual({ kind: 'domain_error', reason: 'OUT_OF_RANGE' });
      }
    }
  });
});

describe('factorize/ecm: small-factor stage', () => {
  it('returns each prime up to 1,100 as itself and each of their squares as two copies', () => {
    for (const p of SMALL_PRIMES) {
      expect(factorsOf(p)).toEqual([p]);
      expect(factorsOf(p * p)).toEqual([p, p]);
    }
  });

  it('takes out the largest power of every prime up to 1,000 that fits below 2^64', () => {
    for (const p of PRIMES_TO_1000) {
      let power = p;
      let exponent = 1;
      while (power * p <= MAX_N) {
        power *= p;
        exponent++;
      }
      expect(factorsOf(power)).toEqual(Array<bigint>(exponent).fill(p));
    }
  });

  it('factors every power of two and of three and their products exactly', () => {
    for (let a = 0n; a < 64n; a++) {
      for (let b = 0n; (1n << a) * 3n ** b <= MAX_N; b++) {
        const n = (1n << a) * 3n ** b;
        if (n < 2n) continue;
        const expected = [...Array<bigint>(Number(a)).fill(2n), ...Array<bigint>(Number(b)).fill(3n)];
        expect(factorsOf(n)).toEqual(expected);
      }
    }
  });

  it('handles cofactors at the edge of the trial-division bound', () => {
    const cases: [bigint, bigint[]][] = [
      [997n * 997n, [997n, 997n]],
      [997n * 1009n, [997n, 1009n]],
      [1009n * 1009n, [1009n, 1009n]],
      [1001n, [7n, 11n, 13n]],
      [1002001n, [7n, 7n, 11n, 11n, 13n, 13n]],
      [991n * 997n * 1009n * 1013n, [991n, 997n, 1009n, 1013n]],
      [2n * 997n * 4294967291n, [2n, 997n, 4294967291n]],
      [(1n << 20n) * 1009n * 1013n, [...Array<bigint>(20).fill(2n), 1009n, 1013n]],
      [25n * 49n * 121n * 169n, [5n, 5n, 7n, 7n, 11n, 11n, 13n, 13n]],
    ];
    // A small prime times the largest prime that still fits: the cofactor is near 2^64 / p.
    for (const p of [2n, 3n, 5n, 7n, 997n]) {
      const big = previousPrime(MAX_N / p + 1n);
      cases.push([p * big, [p, big]]);
    }
    for (const [n, expected] of cases) {
      expect(n <= MAX_N).toBe(true);
      expect(factorsOf(n), `${n}`).toEqual(expected);
    }
  });

  it('factors random products of small primes and one large prime, built with their answer', () => {
    const random = makeRandom(1009n);
    for (let i = 0; i < 300; i++) {
      const chosen: bigint[] = [];
      let n = 1n;
      const wanted = 1 + Number(random(4));
      for (let j = 0; j < wanted; j++) {
        const p = PRIMES_TO_1000[Number(random(16)) % PRIMES_TO_1000.length] ?? 2n;
        if (n * p > MAX_N) break;
        n *= p;
        chosen.push(p);
      }
      if (i % 2 === 0) {
        const room = BigInt((MAX_N / n).toString(2).length - 1);
        if (room > 11n) {
          const big = randomPrime(random, Math.min(63, Number(room)));
          if (n * big <= MAX_N) {
            n *= big;
            chosen.push(big);
          }
        }
      }
      if (n < 2n) continue;
      expect(factorsOf(n), `${n}`).toEqual(sorted(chosen));
    }
  });

  it('factors every SPEC rule 3 hardest input correctly in well under a second each', () => {
    const p21 = previousPrime(1n << 21n);
    const cases: [bigint, bigint[]][] = [
      [18446743979220271189n, [4294967279n, 4294967291n]],
      [18446744073709551557n, [18446744073709551557n]],
      [4294967291n * 4294967291n, [4294967291n, 4294967291n]],
      [p21 * p21, [p21, p21]],
      [p21 ** 3n, [p21, p21, p21]],
      [3825123056546413051n, [149491n, 747451n, 34233211n]],
      [321197185n, [5n, 19n, 23n, 29n, 37n, 137n]],
    ];
    for (const [n, expected] of cases) {
      const start = performance.now();
      const actual = factorsOf(n);
      const elapsed = performance.now() - start;
      expect(actual).toEqual(expected);
      // Generous for a loaded 2-core CI box; measured worst is tens of milliseconds.
      expect(elapsed, `${n}`).toBeLessThan(500);
    }
  });
});
