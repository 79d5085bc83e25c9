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
