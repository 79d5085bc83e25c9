import type { FactorizeInput, FactorizeValue, VersionResult } from '../contract.js';

/**
 * Factorization of 64-bit integers by Lenstra's elliptic-curve method.
 *
 * Pipeline: trial division by 2, 3 and a 6k +- 1 wheel up to TRIAL_BOUND, then for every remaining
 * composite cofactor: Baillie-PSW decides primality, a perfect-power check peels off
 * p^k, and ECM on Montgomery curves (Suyama parametrization, stage 1 + a baby-step
 * giant-step stage 2) splits the rest. ECM is probabilistic in nature, so if it ever
 * gives up, SQUFOF and finally plain trial division guarantee an answer.
 *
 * Every factor reported is prime either by trial division (it is below (TRIAL_BOUND+1)^2
 * with no smaller prime factor) or by Baillie-PSW, which has no pseudoprime below 2^64,
 * so the answer never depends on ECM's luck, only its speed does.
 */

const MAX_N = (1n << 64n) - 1n;

const TRIAL_BOUND = 1000;
// Every divisor of the stripped cofactor has all prime factors > TRIAL_BOUND, so a
// composite one is at least (TRIAL_BOUND + 1)^2.
const PRIME_BELOW = BigInt((TRIAL_BOUND + 1) * (TRIAL_BOUND + 1));
const WHEEL_LIMIT = BigInt(TRIAL_BOUND);

const STAGE1_BOUND = 300;
const STAGE2_BOUND = 20_000;
const STAGE1_BLOCK = 12;
const GIANT_STEP = 210; // 2 * 3 * 5 * 7
const MAX_CURVES = 400;

/** Sieve of Eratosthenes: isPrime[i] for 0 <= i <= limit. */
function sieve(limit: number): Uint8Array {
  const isPrime = new Uint8Array(limit + 1).fill(1);
  isPrime[0] = 0;
  isPrime[1] = 0;
  for (let i = 2; i * i <= limit; i++) {
    if (isPrime[i] === 1) {
      for (let j = i * i; j <= limit; j += i) isPrime[j] = 0;
    }
  }
  return isPrime;
}

// Immutable tables built once at load; no state is carried between calls.
const PRIME_FLAGS = sieve(STAGE2_BOUND + 2 * GIANT_STEP);
const STAGE1_PRIMES: readonly number[] = primesUpTo(STAGE1_BOUND);
const SMALL_PRIME_EXPONENTS: readonly number[] = primesUpTo(63);

function primesUpTo(limit: number): number[] {
  const primes: number[] = [];
  for (let i = 2; i <= limit; i++) if (PRIME_FLAGS[i] === 1) primes.push(i);
  return primes;
}

export default function factorizeEcm(input: FactorizeInput): VersionResult<FactorizeValue> {
  const rejection = rangeRejection(input.n);
  return rejection ?? { kind: 'value', value: primeFactorsInOrder(input.n) };
}

/** SPEC rule 1, kept apart from the arithmetic: null means n may be factored. */
function rangeRejection(n: bigint): VersionResult<FactorizeValue> | null {
  const inRange = n >= 2n && n <= MAX_N;
  return inRange ? null : { kind: 'domain_error', reason: 'OUT_OF_RANGE' };
}

function primeFactorsInOrder(n: bigint): bigint[] {
  const primes: bigint[] = [];
  const unfactored = stripByWheel(n, primes);
  if (unfactored !== 1n) collectPrimeFactors(unfactored, primes);
  // Only the factors collected after the wheel can arrive out of order.
  return primes.sort(ascending);
}

function ascending(a: bigint, b: bigint): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Removes every prime factor <= TRIAL_BOUND from n (recording them in `primes`) and returns
 * what is left, which is 1, a prime, or has no prime factor <= TRIAL_BOUND. Twos come off by
 * the trailing-zero count, threes by division, then candidates 6k - 1 and 6k + 1: the
 * composites among them never divide, since their prime factors are already gone.
 */
function stripByWheel(n: bigint, primes: bigint[]): bigint {
  const twos = (n & -n).toString(2).length - 1;
  for (let k = 0; k < twos; k++) primes.push(2n);
  let left = divideOutAll(n >> BigInt(twos), 3n, primes);
  let candidate = 5n;
  let gap = 2n;
  while (candidate <= WHEEL_LIMIT) {
    // Past the square root the remainder has no proper divisor left: it is 1 or prime.
    if (candidate * candidate > left) break;
    left = divideOutAll(left, candidate, primes);
    candidate += gap;
    gap = 6n - gap;
  }
  return left;
}

/** m with every factor d removed, one `d` recorded per division. */
function divideOutAll(m: bigint, d: bigint, primes: bigint[]): bigint {
  let value = m;
  for (;;) {
    const quotient = value / d;
    if (quotient * d !== value) return value;
    primes.push(d);
    value = quotient;
  }
}

/**
 * Appends the prime factors of m to out. Precondition: m > 1 and m has no prime factor
 * <= TRIAL_BOUND (or m is itself prime).
 */
function collectPrimeFactors(m: bigint, out: bigint[]): void {
  if (m === 1n) return;
  if (m < PRIME_BELOW || isBailliePswPrime(m)) {
    out.push(m);
    return;
  }
  const power = perfectPower(m);
  if (power !== null) {
    const rootFactors: bigint[] = [];
    collectPrimeFactors(power.root, rootFactors);
    for (let i = 0; i < power.exponent; i++) out.push(...rootFactors);
    return;
  }
  const divisor = findProperDivisor(m);
  if (divisor === null) {
    // Unreachable below 2^64 (Baillie-PSW has no pseudoprime there); trial division found m prime.
    out.push(m);
    return;
  }
  collectPrimeFactors(divisor, out);
  collectPrimeFactors(m / divisor, out);
}

/** A proper divisor of the composite, non-perfect-power m; null only if m is prime after all. */
function findProperDivisor(m: bigint): bigint | null {
  for (let curve = 0; curve < MAX_CURVES; curve++) {
    const found = ecmOneCurve(m, BigInt(6 + curve));
    if (found !== null) return found;
  }
  const squfofDivisor = squfof(m);
  if (squfofDivisor !== null) return squfofDivisor;
  return smallestDivisorByTrial(m);
}

// ---------------------------------------------------------------------------
// Elementary modular arithmetic
// ---------------------------------------------------------------------------

function modNonNegative(a: bigint, n: bigint): bigint {
  const r = a % n;
  return r < 0n ? r + n : r;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** Inverse of a modulo n, or null when gcd(a, n) != 1. */
function modInverse(a: bigint, n: bigint): bigint | null {
  let oldR = modNonNegative(a, n);
  let r = n;
  let oldS = 1n;
  let s = 0n;
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) return null;
  return modNonNegative(oldS, n);
}

function modPow(base: bigint, exponent: bigint, n: bigint): bigint {
  let result = 1n;
  let b = modNonNegative(base, n);
  let e = exponent;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * b) % n;
    b = (b * b) % n;
    e >>= 1n;
  }
  return result;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // A double estimate is within a few units of the root for n < 2^128; fix it up exactly.
  let r = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (r * r > n) r--;
  while ((r + 1n) * (r + 1n) <= n) r++;
  return r;
}

function integerRoot(n: bigint, k: number): bigint {
  const exponent = BigInt(k);
  let r = BigInt(Math.round(Math.pow(Number(n), 1 / k)));
  while (r > 0n && r ** exponent > n) r--;
  while ((r + 1n) ** exponent <= n) r++;
  return r;
}

/** m = root^exponent with prime exponent >= 2, or null when m is not a perfect power. */
function perfectPower(m: bigint): { root: bigint; exponent: number } | null {
  for (const k of SMALL_PRIME_EXPONENTS) {
    if (1n << BigInt(k) > m) break;
    const root = integerRoot(m, k);
    if (root ** BigInt(k) === m) return { root, exponent: k };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Baillie-PSW: strong base-2 Miller-Rabin + strong Lucas (Selfridge's method A)
// ---------------------------------------------------------------------------

const BPSW_SMALL_PRIMES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n];

function isBailliePswPrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of BPSW_SMALL_PRIMES) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  if (!isStrongProbablePrimeBase2(n)) return false;
  // Selfridge's search for D below never ends on a perfect square.
  const root = isqrt(n);
  if (root * root === n) return false;

  let d = 5n;
  for (;;) {
    const j = jacobi(d, n);
    if (j === -1) break;
    if (j === 0 && (d < 0n ? -d : d) !== n) return false;
    d = d > 0n ? -(d + 2n) : -d + 2n;
  }
  return isStrongLucasProbablePrime(n, d);
}

function isStrongProbablePrimeBase2(n: bigint): boolean {
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  let x = modPow(2n, d, n);
  if (x === 1n || x === n - 1n) return true;
  for (let r = 1; r < s; r++) {
    x = (x * x) % n;
    if (x === n - 1n) return true;
    if (x === 1n) return false;
  }
  return false;
}

/** Jacobi symbol (a / n) for odd n > 0. */
function jacobi(a: bigint, n: bigint): number {
  let x = modNonNegative(a, n);
  let y = n;
  let result = 1;
  while (x !== 0n) {
    while ((x & 1n) === 0n) {
      x >>= 1n;
      const r = y & 7n;
      if (r === 3n || r === 5n) result = -result;
    }
    [x, y] = [y, x];
    if ((x & 3n) === 3n && (y & 3n) === 3n) result = -result;
    x %= y;
  }
  return y === 1n ? result : 0;
}

/** (x / 2) mod n for x in [0, n), n odd. */
function halveMod(x: bigint, n: bigint): bigint {
  return ((x & 1n) === 1n ? x + n : x) >> 1n;
}

/** Strong Lucas probable-prime test with P = 1, Q = (1 - D) / 4. */
function isStrongLucasProbablePrime(n: bigint, discriminant: bigint): boolean {
  const q = modNonNegative((1n - discriminant) / 4n, n);
  const dMod = modNonNegative(discriminant, n);

  let odd = n + 1n;
  let s = 0;
  while ((odd & 1n) === 0n) {
    odd >>= 1n;
    s++;
  }

  // Left-to-right binary evaluation of U_k, V_k and Q^k, starting at k = 1.
  let u = 1n;
  let v = 1n;
  let qk = q;
  const bits = odd.toString(2);
  for (let i = 1; i < bits.length; i++) {
    u = (u * v) % n;
    v = modNonNegative(v * v - 2n * qk, n);
    qk = (qk * qk) % n;
    if (bits[i] === '1') {
      const nextU = halveMod((u + v) % n, n);
      const nextV = halveMod((dMod * u + v) % n, n);
      u = nextU;
      v = nextV;
      qk = (qk * q) % n;
    }
  }

  if (u === 0n || v === 0n) return true;
  for (let r = 1; r < s; r++) {
    v = modNonNegative(v * v - 2n * qk, n);
    if (v === 0n) return true;
    qk = (qk * qk) % n;
  }
  return false;
}

// ---------------------------------------------------------------------------
// ECM on Montgomery curves B y^2 = x^3 + A x^2 + x, x-only projective (X : Z)
// ---------------------------------------------------------------------------

interface Point {
  x: bigint;
  z: bigint;
}

/** 2P, with a24 = (A + 2) / 4. */
function doublePoint(p: Point, a24: bigint, n: bigint): Point {
  const sum = p.x + p.z;
  const diff = p.x - p.z;
  const sumSq = (sum * sum) % n;
  const diffSq = (diff * diff) % n;
  const fourXZ = sumSq - diffSq;
  const z = (fourXZ * ((diffSq + a24 * fourXZ) % n)) % n;
  return { x: (sumSq * diffSq) % n, z: z < 0n ? z + n : z };
}

/** P + Q given P - Q (coordinates of the difference must be non-negative). */
function addPoints(p: Point, q: Point, difference: Point, n: bigint): Point {
  const u = ((p.x - p.z) * (q.x + q.z)) % n;
  const v = ((p.x + p.z) * (q.x - q.z)) % n;
  const sum = u + v;
  const diff = u - v;
  return {
    x: (difference.z * ((sum * sum) % n)) % n,
    z: (difference.x * ((diff * diff) % n)) % n,
  };
}

/** Montgomery ladder: [kP, (k+1)P] for k >= 1. */
function ladder(k: number, p: Point, a24: bigint, n: bigint): [Point, Point] {
  let r0 = p;
  let r1 = doublePoint(p, a24, n);
  let bit = 1;
  while (bit * 2 <= k) bit *= 2;
  for (bit /= 2; bit >= 1; bit /= 2) {
    if (Math.floor(k / bit) % 2 === 1) {
      r0 = addPoints(r1, r0, p, n);
      r1 = doublePoint(r1, a24, n);
    } else {
      r1 = addPoints(r1, r0, p, n);
      r0 = doublePoint(r0, a24, n);
    }
  }
  return [r0, r1];
}

function multiply(k: number, p: Point, a24: bigint, n: bigint): Point {
  return ladder(k, p, a24, n)[0];
}

/** The largest power of p that is <= bound. */
function maxPowerExponent(p: number, bound: number): number {
  let e = 0;
  for (let power = p; power <= bound; power *= p) e++;
  return e;
}

function multiplyByPrimePowers(primes: readonly number[], p: Point, a24: bigint, n: bigint): Point {
  let point = p;
  for (const prime of primes) {
    const e = maxPowerExponent(prime, STAGE1_BOUND);
    for (let i = 0; i < e; i++) point = multiply(prime, point, a24, n);
  }
  return point;
}

/**
 * Runs one curve (Suyama's parametrization with parameter sigma, whose group order is
 * divisible by 12). Returns a proper divisor of n, or null when the curve fails.
 */
function ecmOneCurve(n: bigint, sigma: bigint): bigint | null {
  const u = modNonNegative(sigma * sigma - 5n, n);
  const v = modNonNegative(4n * sigma, n);
  const u3 = (u * u * u) % n;
  const vMinusU = modNonNegative(v - u, n);
  const numerator = (((vMinusU * vMinusU * vMinusU) % n) * ((3n * u + v) % n)) % n;
  const denominator = (16n * u3 * v) % n;
  const inverse = modInverse(denominator, n);
  if (inverse === null) return properDivisorOrNull(gcd(denominator, n), n);
  const a24 = (numerator * inverse) % n;

  let point: Point = { x: u3, z: (v * v * v) % n };

  // Stage 1, in blocks so that when a whole block sends the point to infinity modulo
  // every factor at once (gcd = n), replaying it one prime at a time can still separate them.
  for (let start = 0; start < STAGE1_PRIMES.length; start += STAGE1_BLOCK) {
    const block = STAGE1_PRIMES.slice(start, start + STAGE1_BLOCK);
    const saved = point;
    point = multiplyByPrimePowers(block, point, a24, n);
    const g = gcd(point.z, n);
    if (g === 1n) continue;
    if (g !== n) return g;
    point = saved;
    for (const prime of block) {
      const e = maxPowerExponent(prime, STAGE1_BOUND);
      for (let i = 0; i < e; i++) {
        point = multiply(prime, point, a24, n);
        const h = gcd(point.z, n);
        if (h !== 1n) return properDivisorOrNull(h, n);
      }
    }
    return null;
  }

  return ecmStage2(n, point, a24);
}

/**
 * Standard continuation: finds q*Q = O modulo some factor for one prime q in
 * (STAGE1_BOUND, STAGE2_BOUND]. Writing q = kD +- j with j < D/2 coprime to D,
 * q*Q = O iff x(kD*Q) = x(j*Q), so the product of the cross differences collects it.
 */
function ecmStage2(n: bigint, q: Point, a24: bigint): bigint | null {
  const half = GIANT_STEP / 2;
  const twoQ = doublePoint(q, a24, n);
  const babySteps: { j: number; point: Point }[] = [{ j: 1, point: q }];
  // jQ = (j-2)Q + 2Q, whose difference is (j-4)Q.
  let beforePrevious = q;
  let previous = addPoints(twoQ, q, q, n);
  for (let j = 3; j < half; j += 2) {
    if (j > 3) {
      const current = addPoints(previous, twoQ, beforePrevious, n);
      beforePrevious = previous;
      previous = current;
    }
    if (j % 3 !== 0 && j % 5 !== 0 && j % 7 !== 0) babySteps.push({ j, point: previous });
  }

  const giant = multiply(GIANT_STEP, q, a24, n);
  const firstK = Math.max(1, Math.round(STAGE1_BOUND / GIANT_STEP));
  let [current, next] = ladder(firstK, giant, a24, n);
  let accumulator = 1n;
  for (let k = firstK; k * GIANT_STEP - half <= STAGE2_BOUND; k++) {
    const center = k * GIANT_STEP;
    for (const { j, point } of babySteps) {
      if (!isStage2Prime(center + j) && !isStage2Prime(center - j)) continue;
      const cross = (current.x * point.z - point.x * current.z) % n;
      accumulator = (accumulator * cross) % n;
    }
    const after = addPoints(next, giant, current, n);
    current = next;
    next = after;
  }
  return properDivisorOrNull(gcd(accumulator, n), n);
}

function isStage2Prime(q: number): boolean {
  return q > STAGE1_BOUND && q <= STAGE2_BOUND && PRIME_FLAGS[q] === 1;
}

function properDivisorOrNull(g: bigint, n: bigint): bigint | null {
  return g > 1n && g < n ? g : null;
}

// ---------------------------------------------------------------------------
// Fallbacks: Shanks' square forms, then trial division (always terminates)
// ---------------------------------------------------------------------------

const SQUFOF_MULTIPLIERS = [
  1n, 3n, 5n, 7n, 11n, 15n, 21n, 33n, 35n, 55n, 77n, 105n, 165n, 231n, 385n, 1155n,
];

function squfof(n: bigint): bigint | null {
  for (const k of SQUFOF_MULTIPLIERS) {
    const found = squfofWithMultiplier(n, k);
    if (found !== null) return found;
  }
  return null;
}

function squfofWithMultiplier(n: bigint, k: bigint): bigint | null {
  const kn = k * n;
  const p0 = isqrt(kn);
  if (p0 * p0 === kn) return properDivisorOrNull(gcd(p0, n), n);

  const limit = 6n * isqrt(2n * isqrt(kn)) + 100n;
  let pPrev = p0;
  let p = p0;
  let qPrev = 1n;
  let q = kn - p0 * p0;
  let root = 0n;
  let found = false;
  for (let i = 2n; i < limit; i++) {
    const b = (p0 + p) / q;
    p = b * q - p;
    const oldQ = q;
    q = qPrev + b * (pPrev - p);
    if ((i & 1n) === 0n) {
      const r = isqrt(q);
      if (r * r === q) {
        root = r;
        found = true;
        break;
      }
    }
    qPrev = oldQ;
    pPrev = p;
  }
  if (!found || root === 0n) return null;

  const b0 = (p0 - p) / root;
  p = b0 * root + p;
  pPrev = p;
  qPrev = root;
  q = (kn - pPrev * pPrev) / qPrev;
  if (q === 0n) return null;
  for (let i = 0n; i < limit; i++) {
    const b = (p0 + p) / q;
    pPrev = p;
    p = b * q - p;
    const oldQ = q;
    q = qPrev + b * (pPrev - p);
    qPrev = oldQ;
    if (p === pPrev) return properDivisorOrNull(gcd(n, qPrev), n);
    if (q === 0n) return null;
  }
  return null;
}

/** Slow but certain, for m with no prime factor <= TRIAL_BOUND; null when m is prime. */
function smallestDivisorByTrial(m: bigint): bigint | null {
  const root = isqrt(m);
  for (let d = BigInt(TRIAL_BOUND + 1) | 1n; d <= root; d += 2n) {
    if (m % d === 0n) return d;
  }
  return null;
}
