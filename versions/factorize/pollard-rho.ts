import type { FactorizeInput, FactorizeValue, VersionResult } from '../contract.js';

const MAX_N = (1n << 64n) - 1n;

/** Trial division covers every divisor below this bound. */
const TRIAL_LIMIT = 1000n;

/**
 * Miller-Rabin with the first twelve primes as bases is deterministic for every
 * n < 3,317,044,064,679,887,385,961,981 (Sorenson & Webster, 2015), far above 2^64.
 */
const WITNESSES: readonly bigint[] = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

/** Gcds are taken once per batch of this many rho steps (Brent's product trick). */
const BATCH = 128;

/**
 * Factorize by trial division of small primes, then Pollard's rho (Brent's variant)
 * split recursively, with each piece certified by deterministic Miller-Rabin.
 */
export default function factorizePollardRho(input: FactorizeInput): VersionResult<FactorizeValue> {
  const n = input.n;
  if (n < 2n || n > MAX_N) return { kind: 'domain_error', reason: 'OUT_OF_RANGE' };

  const factors: bigint[] = [];
  let rest = n;
  for (let divisor = 2n; divisor < TRIAL_LIMIT; divisor += divisor === 2n ? 1n : 2n) {
    while (rest % divisor === 0n) {
      factors.push(divisor);
      rest /= divisor;
    }
  }

  const pending: bigint[] = rest > 1n ? [rest] : [];
  while (pending.length > 0) {
    const m = pending.pop() as bigint;
    // m has no factor below TRIAL_LIMIT, so below TRIAL_LIMIT^2 it must be prime.
    if (m < TRIAL_LIMIT * TRIAL_LIMIT || isProbablePrime(m)) {
      factors.push(m);
      continue;
    }
    const divisor = findDivisor(m);
    pending.push(divisor, m / divisor);
  }

  factors.sort(compareBigints);
  return { kind: 'value', value: factors };
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic for odd m > 37 below 2^64 (see WITNESSES). */
function isProbablePrime(m: bigint): boolean {
  let oddPart = m - 1n;
  let twos = 0;
  while ((oddPart & 1n) === 0n) {
    oddPart >>= 1n;
    twos++;
  }
  for (const base of WITNESSES) {
    if (!passesWitness(base % m, oddPart, twos, m)) return false;
  }
  return true;
}

/** One Miller-Rabin round: m - 1 = oddPart * 2^twos. */
function passesWitness(base: bigint, oddPart: bigint, twos: number, m: bigint): boolean {
  if (base === 0n) return true;
  let x = modPow(base, oddPart, m);
  if (x === 1n || x === m - 1n) return true;
  for (let i = 1; i < twos; i++) {
    x = (x * x) % m;
    if (x === m - 1n) return true;
    if (x === 1n) return false;
  }
  return false;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let square = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
    e >>= 1n;
  }
  return result;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/** A divisor d of the composite m with 1 < d < m, trying successive constants c until rho succeeds. */
function findDivisor(m: bigint): bigint {
  for (let increment = 1n; ; increment++) {
    const divisor = brentRho(m, increment);
    if (divisor !== m) return divisor;
  }
}

/**
 * Brent's cycle-finding rho on x -> x^2 + c mod m. Returns a divisor of m greater
 * than 1; m itself means this c failed and another must be tried.
 */
function brentRho(m: bigint, c: bigint): bigint {
  const step = (v: bigint): bigint => (v * v + c) % m;
  let y = 2n;
  let x = y;
  let saved = y;
  let product = 1n;
  let g = 1n;
  for (let runLength = 1; g === 1n; runLength *= 2) {
    x = y;
    for (let i = 0; i < runLength; i++) y = step(y);
    for (let done = 0; done < runLength && g === 1n; done += BATCH) {
      saved = y;
      const stepsInBatch = Math.min(BATCH, runLength - done);
      for (let i = 0; i < stepsInBatch; i++) {
        y = step(y);
        product = (product * absDiff(x, y)) % m;
      }
      g = gcd(product, m);
    }
  }
  if (g === m) {
    // The batch overshot (or the product hit 0): replay it one step at a time.
    // Some term of the batch shares a factor with m, so this loop ends within BATCH steps.
    do {
      saved = step(saved);
      g = gcd(absDiff(x, saved), m);
    } while (g === 1n);
  }
  return g;
}

function absDiff(a: bigint, b: bigint): bigint {
  return a > b ? a - b : b - a;
}
