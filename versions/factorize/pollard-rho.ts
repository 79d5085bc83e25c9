import type { FactorizeInput, FactorizeValue, VersionResult } from '../contract.js';

/** Trial division covers every prime below this bound. */
const TRIAL_LIMIT = 1000;

/**
 * The odd primes below TRIAL_LIMIT, found once when the module loads. The table is never
 * written after that, so no call can leave state behind for the next.
 */
const ODD_SMALL_PRIMES: readonly number[] = oddPrimesBelow(TRIAL_LIMIT);

/** A cofactor left by trial division that is below this has no room for two factors. */
const SURELY_PRIME_BELOW = BigInt(TRIAL_LIMIT * TRIAL_LIMIT);

/**
 * Miller-Rabin with the first twelve primes as bases is deterministic below
 * psi_12 = 318,665,857,834,031,151,167,461 (Jiang & Deng 2014, Sorenson & Webster 2015),
 * far above 2^64.
 */
const WITNESSES: readonly number[] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

/**
 * Factorize by trial division of small primes, then Pollard's rho (Brent's variant)
 * split recursively, with each piece certified by deterministic Miller-Rabin.
 */
export default function factorizePollardRho(input: FactorizeInput): VersionResult<FactorizeValue> {
  const { n } = input;
  // asUintN(64, n) leaves n unchanged exactly when 0 <= n < 2^64; 0 and 1 are then excluded.
  const inRange = BigInt.asUintN(64, n) === n && n > 1n;
  if (!inRange) return { kind: 'domain_error', reason: 'OUT_OF_RANGE' };

  const { found, cofactor } = divideOutSmallPrimes(n);
  const pending: bigint[] = cofactor === 1n ? [] : [cofactor];
  while (pending.length > 0) {
    const m = pending.pop() as bigint;
    // m has no prime factor below TRIAL_LIMIT, so below TRIAL_LIMIT^2 it must be prime.
    if (m < SURELY_PRIME_BELOW || isPrime64(m)) {
      found.push(m);
      continue;
    }
    const divisor = findDivisor(m);
    pending.push(divisor, m / divisor);
  }

  found.sort(compareBigints);
  return { kind: 'value', value: found };
}

/** Each odd candidate is kept if no smaller odd prime up to its square root divides it. */
function oddPrimesBelow(limit: number): number[] {
  const primes: number[] = [];
  for (let candidate = 3; candidate < limit; candidate += 2) {
    if (primes.every((p) => p * p > candidate || candidate % p !== 0)) primes.push(candidate);
  }
  return primes;
}

/** Position of the lowest set bit of v > 0: v & -v isolates it as a power of two. */
function lowestSetBit(v: bigint): number {
  return (v & -v).toString(2).length - 1;
}

/**
 * Splits n into its prime factors below TRIAL_LIMIT and what is left. Remainders are taken in
 * Number arithmetic from the two 32-bit halves of the cofactor; BigInt division happens only
 * when a prime is known to divide.
 */
function divideOutSmallPrimes(n: bigint): { found: bigint[]; cofactor: bigint } {
  const twos = lowestSetBit(n);
  const found = new Array<bigint>(twos).fill(2n);
  let cofactor = n >> BigInt(twos);
  let high = Number(cofactor >> 32n);
  let low = Number(cofactor & 0xffffffffn);
  for (const p of ODD_SMALL_PRIMES) {
    // No prime below p is left, so a cofactor under p^2 is 1 or a prime.
    if (high === 0 && low < p * p) break;
    // (high mod p) * (2^32 mod p) + low stays below 2^33, exact in a double.
    const residue = ((high % p) * (0x100000000 % p) + low) % p;
    if (residue !== 0) continue;
    const prime = BigInt(p);
    do {
      found.push(prime);
      cofactor /= prime;
    } while (cofactor % prime === 0n);
    high = Number(cofactor >> 32n);
    low = Number(cofactor & 0xffffffffn);
  }
  return { found, cofactor };
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Miller-Rabin in Montgomery form over three 22-bit limbs held in doubles (R = 2^66 > 4m).
// Bounds, with W = 2^22, every limb < W and every carry < 2^23: a column sum is at most
// limb + limb*limb + carry < 2^22 + 2^44 + 2^23 < 2^45, so each double is an exact integer.
// Dividing by W is multiplying by 2^-22, also exact, and the running value stays < 2m < 2^65.

const LIMB = 4194304; // 2^22
const LIMB_MASK = LIMB - 1;
const INV_LIMB = 1 / LIMB;

/** A residue a0 + a1*2^22 + a2*2^44, reused in place to avoid allocating per product. */
interface Limbs {
  a0: number;
  a1: number;
  a2: number;
}

interface Montgomery {
  readonly m: Limbs;
  /** -modulus^-1 mod 2^22. */
  readonly negInverse: number;
  /** R mod modulus and modulus - (R mod modulus): 1 and -1 in Montgomery form. */
  readonly one: Limbs;
  readonly minusOne: Limbs;
  /** R^2 mod modulus: a Montgomery product with it moves a plain residue into Montgomery form. */
  readonly rSquared: Limbs;
}

function splitLimbs(v: bigint): Limbs {
  return {
    a0: Number(v & 0x3fffffn),
    a1: Number((v >> 22n) & 0x3fffffn),
    a2: Number(v >> 44n),
  };
}

function montgomeryFor(modulus: bigint): Montgomery {
  const m = splitLimbs(modulus);
  // Newton's iteration for an inverse mod 2^32: m0 is its own inverse mod 8 (m0 odd) and
  // each Math.imul step doubles the correct low bits, 3 -> 6 -> 12 -> 24 -> 48.
  let inverse = m.a0;
  for (let round = 0; round < 4; round++) inverse = Math.imul(inverse, 2 - Math.imul(m.a0, inverse));
  const r = (1n << 66n) % modulus;
  return {
    m,
    negInverse: -inverse & LIMB_MASK,
    one: splitLimbs(r),
    minusOne: splitLimbs(modulus - r),
    rSquared: splitLimbs((r * r) % modulus),
  };
}

function sameLimbs(x: Limbs, y: Limbs): boolean {
  return x.a0 === y.a0 && x.a1 === y.a1 && x.a2 === y.a2;
}

/** out = x * y / 2^66 mod modulus for x, y < modulus (CIOS: reduce after each limb of x); out may alias x or y. */
function montgomeryMultiply(ctx: Montgomery, x: Limbs, y: Limbs, out: Limbs): void {
  const { a0: m0, a1: m1, a2: m2 } = ctx.m;
  const { a0: y0, a1: y1, a2: y2 } = y;
  const k = ctx.negInverse;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  for (let limb = 0; limb < 3; limb++) {
    const xi = limb === 0 ? x.a0 : limb === 1 ? x.a1 : x.a2;
    // Add xi * y to the running value t = t0 + t1*W + t2*W^2; top is its fourth limb.
    let column = t0 + xi * y0;
    let carry = Math.floor(column * INV_LIMB);
    t0 = column - carry * LIMB;
    column = t1 + xi * y1 + carry;
    carry = Math.floor(column * INV_LIMB);
    t1 = column - carry * LIMB;
    column = t2 + xi * y2 + carry;
    const top = Math.floor(column * INV_LIMB);
    t2 = column - top * LIMB;
    // Add u * modulus with u chosen so the lowest limb becomes 0, then drop that limb.
    const u = Math.imul(t0, k) & LIMB_MASK;
    carry = (t0 + u * m0) * INV_LIMB;
    column = t1 + u * m1 + carry;
    carry = Math.floor(column * INV_LIMB);
    t0 = column - carry * LIMB;
    column = t2 + u * m2 + carry;
    carry = Math.floor(column * INV_LIMB);
    t1 = column - carry * LIMB;
    t2 = top + carry;
  }
  const atLeastModulus = t2 !== m2 ? t2 > m2 : t1 !== m1 ? t1 > m1 : t0 >= m0;
  if (atLeastModulus) {
    t0 -= m0;
    t1 -= m1;
    t2 -= m2;
    if (t0 < 0) {
      t0 += LIMB;
      t1 -= 1;
    }
    if (t1 < 0) {
      t1 += LIMB;
      t2 -= 1;
    }
  }
  out.a0 = t0;
  out.a1 = t1;
  out.a2 = t2;
}

/**
 * base^e in Montgomery form for e >= 1 given as its base-4 digits, scanned from the top: two
 * squarings per digit, then one product with base^digit (a fixed 2-bit window).
 */
function powerByBase4Digits(ctx: Montgomery, base: Limbs, digits: string): Limbs {
  const square: Limbs = { a0: 0, a1: 0, a2: 0 };
  const cube: Limbs = { a0: 0, a1: 0, a2: 0 };
  montgomeryMultiply(ctx, base, base, square);
  montgomeryMultiply(ctx, square, base, cube);
  const powers: readonly Limbs[] = [ctx.one, base, square, cube];
  // '0' is code 48; the leading digit of a positive number is never 0.
  const acc: Limbs = { ...(powers[digits.charCodeAt(0) - 48] as Limbs) };
  for (let i = 1; i < digits.length; i++) {
    montgomeryMultiply(ctx, acc, acc, acc);
    montgomeryMultiply(ctx, acc, acc, acc);
    const digit = digits.charCodeAt(i) - 48;
    if (digit !== 0) montgomeryMultiply(ctx, acc, powers[digit] as Limbs, acc);
  }
  return acc;
}

/**
 * m is a strong probable prime to base a, where m - 1 = d * 2^twos with d odd: the chain
 * a^d, a^2d, ..., a^(2^(twos-1) d) must start at 1 or pass through -1.
 */
function isStrongProbablePrime(ctx: Montgomery, base: number, digits: string, twos: number): boolean {
  // base < m, so it is its own single-limb residue; times R^2 / R it enters Montgomery form.
  const inForm: Limbs = { a0: 0, a1: 0, a2: 0 };
  montgomeryMultiply(ctx, { a0: base, a1: 0, a2: 0 }, ctx.rSquared, inForm);
  const x = powerByBase4Digits(ctx, inForm, digits);
  for (let step = 0; step < twos; step++) {
    if (sameLimbs(x, ctx.minusOne)) return true;
    // 1 reached without -1 just before it is a nontrivial square root of 1 (unless at the start).
    if (sameLimbs(x, ctx.one)) return step === 0;
    montgomeryMultiply(ctx, x, x, x);
  }
  return false;
}

/** Deterministic primality for odd m with 37 < m < 2^64 (see WITNESSES); every base is then below m. */
function isPrime64(m: bigint): boolean {
  const ctx = montgomeryFor(m);
  const twos = lowestSetBit(m - 1n);
  const digits = ((m - 1n) >> BigInt(twos)).toString(4);
  return WITNESSES.every((base) => isStrongProbablePrime(ctx, base, digits, twos));
}

// ---------------------------------------------------------------------------------------------

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

/** Gcds are taken once per batch of this many rho steps (Brent's product trick). */
const BATCH = 128;

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
