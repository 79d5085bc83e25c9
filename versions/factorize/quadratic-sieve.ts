/**
 * Factorize by the quadratic sieve.
 *
 * Primes below 2^16 are removed by trial division, so every cofactor left has only prime
 * factors above 2^16 and at most three of them. A cofactor is then certified prime by a
 * deterministic Miller-Rabin test (Sinclair's seven bases, exact below 2^64, on Montgomery
 * residues in 22-bit limbs), split as a perfect power, or split by a plain quadratic sieve over
 * x^2 - kn with a Knuth-Schroeppel multiplier k, one large prime per relation and Gaussian
 * elimination over GF(2).
 */
import type { FactorizeInput, FactorizeValue, VersionResult } from '../contract.js';

const UPPER_BOUND = (1n << 64n) - 1n;
const TRIAL_LIMIT = 65536;
const TWO_POW_32 = 4294967296;
// Trial division leaves no prime factor below this, so a cofactor under its square is prime.
const LEAST_UNTRIED = 65537n;
const PROVEN_PRIME_BELOW = LEAST_UNTRIED * LEAST_UNTRIED;

/**
 * Primes below the even `limit`: 2, then the odd primes from a sieve over odd numbers alone,
 * slot i standing for 2i + 1. Built once at load, read-only afterwards.
 */
function primesBelow(limit: number): Int32Array {
  const slots = limit >>> 1;
  const struck = new Uint8Array(slots);
  const found = [2];
  for (let slot = 1; slot < slots; slot++) {
    if (struck[slot] !== 0) continue;
    const p = 2 * slot + 1;
    found.push(p);
    // p^2 is in slot (p^2 - 1) / 2, and consecutive odd multiples of p are p slots apart.
    for (let k = (p * p - 1) / 2; k < slots; k += p) struck[k] = 1;
  }
  return Int32Array.from(found);
}

const SMALL_PRIMES = primesBelow(TRIAL_LIMIT);

export default function factorize(input: FactorizeInput): VersionResult<FactorizeValue> {
  const n = input.n;
  if (n < 2n || n > UPPER_BOUND) return { kind: 'domain_error', reason: 'OUT_OF_RANGE' };
  const found: bigint[] = [];
  const rest = removeSmallPrimes(n, found);
  if (rest > 1n) splitCofactor(rest, found);
  found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { kind: 'value', value: found };
}

/**
 * Divides out every prime below 2^16 and returns what is left. The residue test uses doubles:
 * with n = hi * 2^32 + lo, (hi mod p) * 2^32 + lo stays below 2^49, so it is exact.
 */
function removeSmallPrimes(n: bigint, found: bigint[]): bigint {
  let rest = n;
  let hi = Number(rest >> 32n);
  let lo = Number(rest & 0xffffffffn);
  for (const p of SMALL_PRIMES) {
    // Once p^2 exceeds the remainder it cannot be composite; the double is exact below 2^53.
    if (p * p > hi * TWO_POW_32 + lo) {
      if (rest > 1n) found.push(rest);
      return 1n;
    }
    while (((hi % p) * TWO_POW_32 + lo) % p === 0) {
      const bp = BigInt(p);
      rest /= bp;
      found.push(bp);
      hi = Number(rest >> 32n);
      lo = Number(rest & 0xffffffffn);
    }
  }
  return rest;
}

/** Appends the prime factors of `m`, which has no prime factor below 2^16 and is above 1. */
function splitCofactor(m: bigint, found: bigint[]): void {
  if (m < PROVEN_PRIME_BELOW || isPrimeBelow2To64(m)) {
    found.push(m);
    return;
  }
  // Every prime factor exceeds 2^16, so only exponents with 65537^e <= m can occur.
  for (let e = 2; LEAST_UNTRIED ** BigInt(e) <= m; e++) {
    const root = floorRoot(m, e);
    if (root ** BigInt(e) === m) {
      const inner: bigint[] = [];
      splitCofactor(root, inner);
      for (let i = 0; i < e; i++) found.push(...inner);
      return;
    }
  }
  let divisor = 0n;
  for (const k of multiplierOrder(m)) {
    divisor = quadraticSieve(m, k);
    if (divisor !== 0n) break;
  }
  // The sieve has never been seen to fail; this slow exact search only keeps the answer right.
  if (divisor === 0n) divisor = smallestDivisorAbove2To16(m);
  if (divisor === m) {
    found.push(m);
    return;
  }
  splitCofactor(divisor, found);
  splitCofactor(m / divisor, found);
}

// ---------------------------------------------------------------------------------------------
// Integer helpers

/**
 * floor(m^(1/e)), built one bit at a time from the top: a bit stays when the power of the
 * root with it set still does not exceed m. The root of an L-bit m has at most ceil(L/e) bits.
 */
function floorRoot(m: bigint, e: number): bigint {
  const power = BigInt(e);
  let root = 0n;
  for (let bit = Math.floor((m.toString(2).length - 1) / e); bit >= 0; bit--) {
    const widened = root | (1n << BigInt(bit));
    if (widened ** power <= m) root = widened;
  }
  return root;
}

/**
 * Stein's binary gcd of two non-negative values. `v & -v` is the lowest set bit of v, so
 * dividing by it strips every factor of two in one step.
 */
function steinGcd(first: bigint, second: bigint): bigint {
  if (first === 0n || second === 0n) return first + second;
  const either = first | second;
  const sharedTwos = either & -either;
  let u = first / (first & -first);
  let v = second / (second & -second);
  while (u !== v) {
    // Both odd and distinct: their difference is even and nonzero.
    if (u > v) {
      u -= v;
      u /= u & -u;
    } else {
      v -= u;
      v /= v & -v;
    }
  }
  return u * sharedTwos;
}

/**
 * a^e mod p on doubles, reading e from its top bit down. p < 2^17 keeps every product below
 * 2^34, and e < 2^31 lets Math.clz32 find the top bit.
 */
function powModSmall(a: number, e: number, p: number): number {
  const base = a % p;
  if (e === 0) return 1 % p;
  let acc = base;
  for (let bit = 30 - Math.clz32(e); bit >= 0; bit--) {
    acc = (acc * acc) % p;
    if (((e >>> bit) & 1) === 1) acc = (acc * base) % p;
  }
  return acc;
}

/** A square root of the quadratic residue a modulo the odd prime p (Tonelli-Shanks). */
function sqrtModPrime(a: number, p: number): number {
  if (p % 4 === 3) return powModSmall(a, (p + 1) / 4, p);
  let q = p - 1;
  let s = 0;
  while (q % 2 === 0) {
    q /= 2;
    s++;
  }
  let z = 2;
  while (powModSmall(z, (p - 1) / 2, p) !== p - 1) z++;
  let m = s;
  let c = powModSmall(z, q, p);
  let t = powModSmall(a, q, p);
  let r = powModSmall(a, (q + 1) / 2, p);
  while (t !== 1) {
    let i = 0;
    let probe = t;
    while (probe !== 1) {
      probe = (probe * probe) % p;
      i++;
    }
    let b = c;
    for (let j = 0; j < m - i - 1; j++) b = (b * b) % p;
    m = i;
    c = (b * b) % p;
    t = (t * c) % p;
    r = (r * b) % p;
  }
  return r;
}

/** m mod p for p < 2^16 from the two 32-bit halves of m (m below 2^64). */
function residueSmall(hi: number, lo: number, p: number): number {
  return ((hi % p) * TWO_POW_32 + lo) % p;
}

/** Exact but slow; only reached if every sieve attempt failed, which is not expected. */
function smallestDivisorAbove2To16(m: bigint): bigint {
  const limbs = [
    Number((m >> 48n) & 0xffffn),
    Number((m >> 32n) & 0xffffn),
    Number((m >> 16n) & 0xffffn),
    Number(m & 0xffffn),
  ];
  const limit = Number(floorRoot(m, 2));
  for (let d = 65537; d <= limit; d += 2) {
    let r = 0;
    for (const limb of limbs) r = (r * 65536 + limb) % d;
    if (r === 0) return BigInt(d);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Deterministic Miller-Rabin on Montgomery residues
//
// A residue below 2^64 is held as three 22-bit limbs in doubles, and R = 2^66. A limb product
// is below 2^44 and every running sum below 2^46, so all of the arithmetic is exact.

const LIMB = 4194304;
const LIMB_MASK = LIMB - 1;
const LIMB_BITS = 22n;
const MONTGOMERY_SHIFT = 66n;

// Jim Sinclair's bases: a composite below 2^64 fails the strong test to at least one of them.
const SINCLAIR_BASES = [2n, 325n, 9375n, 28178n, 450775n, 9780504n, 1795265022n];

/** An odd modulus below 2^64, its limbs and -m^-1 mod 2^22 for the Montgomery reduction. */
interface OddModulus {
  readonly m0: number;
  readonly m1: number;
  readonly m2: number;
  readonly negInverse: number;
}

function toLimbs(v: bigint): Float64Array {
  return Float64Array.of(
    Number(v & BigInt(LIMB_MASK)),
    Number((v >> LIMB_BITS) & BigInt(LIMB_MASK)),
    Number(v >> (2n * LIMB_BITS)),
  );
}

function oddModulus(m: bigint): OddModulus {
  const [m0 = 1, m1 = 0, m2 = 0] = toLimbs(m);
  // Newton's step x(2 - m x) doubles the bits of m^-1 that are right; m x = 1 mod 8 from x = m.
  let inverse = m0;
  for (let step = 0; step < 3; step++) inverse = Math.imul(inverse, 2 - Math.imul(m0, inverse)) & LIMB_MASK;
  return { m0, m1, m2, negInverse: (LIMB - inverse) & LIMB_MASK };
}

/**
 * out = x y / 2^66 mod m for x, y < m, limb by limb (interleaved CIOS). The running value t
 * stays below 2m < 2^65, so it fits three limbs between rounds; out may alias x or y.
 */
function montgomeryProduct(mod: OddModulus, x: Float64Array, y: Float64Array, out: Float64Array): void {
  const x0 = x[0] ?? 0;
  const x1 = x[1] ?? 0;
  const x2 = x[2] ?? 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  for (let i = 0; i < 3; i++) {
    const yi = y[i] ?? 0;
    let sum = t0 + x0 * yi;
    let carry = Math.floor(sum / LIMB);
    t0 = sum - carry * LIMB;
    sum = t1 + x1 * yi + carry;
    carry = Math.floor(sum / LIMB);
    t1 = sum - carry * LIMB;
    sum = t2 + x2 * yi + carry;
    carry = Math.floor(sum / LIMB);
    t2 = sum - carry * LIMB;
    let t3 = carry;
    // Adding q m clears the low limb, which the shift by one limb then drops.
    const q = Math.imul(t0, mod.negInverse) & LIMB_MASK;
    carry = (t0 + q * mod.m0) / LIMB;
    sum = t1 + q * mod.m1 + carry;
    carry = Math.floor(sum / LIMB);
    t0 = sum - carry * LIMB;
    sum = t2 + q * mod.m2 + carry;
    carry = Math.floor(sum / LIMB);
    t1 = sum - carry * LIMB;
    t3 += carry;
    carry = Math.floor(t3 / LIMB);
    t2 = t3 - carry * LIMB;
  }
  const atLeastModulus =
    t2 !== mod.m2 ? t2 > mod.m2 : t1 !== mod.m1 ? t1 > mod.m1 : t0 >= mod.m0;
  if (atLeastModulus) {
    t0 -= mod.m0;
    t1 -= mod.m1;
    t2 -= mod.m2;
    if (t0 < 0) {
      t0 += LIMB;
      t1 -= 1;
    }
    if (t1 < 0) {
      t1 += LIMB;
      t2 -= 1;
    }
  }
  out[0] = t0;
  out[1] = t1;
  out[2] = t2;
}

function sameLimbs(a: Float64Array, b: Float64Array): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/**
 * True exactly when n is prime, for every n below 2^64: a strong probable-prime test to each
 * of Sinclair's bases, reduced mod n. A base that is a multiple of n says nothing about n and
 * is passed over. Exported only so its own tests can reach it below the trial-division bound.
 */
export function isPrimeBelow2To64(n: bigint): boolean {
  if (n < 2n) return false;
  if ((n & 1n) === 0n) return n === 2n;
  if (n === 3n) return true;
  let oddPart = n - 1n;
  let twos = 0;
  while ((oddPart & 1n) === 0n) {
    oddPart >>= 1n;
    twos++;
  }
  const exponentBits = oddPart.toString(2);
  const mod = oddModulus(n);
  const montOne = toLimbs((1n << MONTGOMERY_SHIFT) % n);
  const montMinusOne = toLimbs(n - ((1n << MONTGOMERY_SHIFT) % n));
  const acc = new Float64Array(3);
  for (const base of SINCLAIR_BASES) {
    const reduced = base % n;
    if (reduced === 0n) continue;
    const montBase = toLimbs((reduced << MONTGOMERY_SHIFT) % n);
    // Left to right over the bits of the odd part; its top bit is the starting value.
    acc.set(montBase);
    for (let i = 1; i < exponentBits.length; i++) {
      montgomeryProduct(mod, acc, acc, acc);
      if (exponentBits.charCodeAt(i) === 49) montgomeryProduct(mod, acc, montBase, acc);
    }
    if (sameLimbs(acc, montOne)) continue;
    let reachedMinusOne = sameLimbs(acc, montMinusOne);
    for (let r = 1; r < twos && !reachedMinusOne; r++) {
      montgomeryProduct(mod, acc, acc, acc);
      reachedMinusOne = sameLimbs(acc, montMinusOne);
    }
    if (!reachedMinusOne) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Quadratic sieve

const MULTIPLIERS = [1, 3, 5, 7, 11, 13, 15, 17, 19, 21, 23, 29, 31, 33, 35, 37, 39, 41, 43];
const SCORED_PRIMES = 120;

/**
 * Multipliers ordered best first by the Knuth-Schroeppel estimate of how many small primes
 * divide x^2 - kn; only odd square-free k, so kn stays odd and 2 behaves as modelled.
 */
function multiplierOrder(n: bigint): number[] {
  const hi = Number(n >> 32n);
  const lo = Number(n & 0xffffffffn);
  // Legendre symbols of n once per prime; that of kn is the product with the symbol of k.
  const symbolOfN = new Int8Array(SCORED_PRIMES);
  for (let i = 1; i < SCORED_PRIMES; i++) {
    const p = SMALL_PRIMES[i] ?? 3;
    symbolOfN[i] = powModSmall(residueSmall(hi, lo, p), (p - 1) / 2, p) === 1 ? 1 : -1;
  }
  const scored = MULTIPLIERS.map((k) => {
    let score = -0.5 * Math.log(k);
    const r8 = Number((n * BigInt(k)) & 7n);
    score += r8 === 1 ? 2 * Math.LN2 : r8 === 5 ? Math.LN2 : 0.5 * Math.LN2;
    for (let i = 1; i < SCORED_PRIMES; i++) {
      const p = SMALL_PRIMES[i] ?? 3;
      if (k % p === 0) {
        score += Math.log(p) / p;
        continue;
      }
      const symbolOfK = powModSmall(k, (p - 1) / 2, p) === 1 ? 1 : -1;
      if (symbolOfK * (symbolOfN[i] ?? 0) === 1) score += (2 * Math.log(p)) / (p - 1);
    }
    return { k, score };
  });
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, 3).map((entry) => entry.k);
}

/**
 * Factor-base size for kn of the given bit length (32 to about 70), tuned by hand on this
 * machine: about 20 primes at 32 bits, 180 at 66 bits.
 */
function factorBaseSize(bits: number): number {
  const over = Math.min(Math.max(bits, 30), 72) - 30;
  return Math.round(20 + (over * over) / 8);
}

// Byte sieve in units of 1/LOG_SCALE bits; candidates are marked by the top bit of the byte.
const LOG_SCALE = 2;
const BLOCK_LENGTH = 32768;
// Primes below this are not sieved (many hits, little log); the allowance makes up for them.
const SIEVE_FROM_PRIME = 11;
const SMALL_PRIME_ALLOWANCE_BITS = 4;
// A leftover cofactor below LARGE_PRIME_FACTOR times the largest base prime is kept as a large prime.
const LARGE_PRIME_FACTOR = 40;
const EXTRA_RELATIONS = 12;
const MAX_BLOCKS = 4000;

interface Relation {
  /** x, or a product of two x values, reduced mod n. */
  readonly x: bigint;
  /** Factor-base indices with multiplicity; index 0 stands for -1. */
  readonly primes: readonly number[];
  /** Product of the large primes whose squares divide the product of the Q values. */
  readonly largeRoot: bigint;
}

interface Partial {
  readonly x: bigint;
  readonly primes: readonly number[];
}

interface FactorBase {
  readonly size: number;
  /** Index 0 is the sign (-1), index 1 is 2, then odd primes. */
  readonly prime: Int32Array;
  readonly bigPrime: readonly bigint[];
  /** The square roots of kn modulo each odd prime; equal when the prime divides k. */
  readonly rootA: Int32Array;
  readonly rootB: Int32Array;
  readonly logOf: Uint8Array;
  /** First index that is sieved; smaller primes are only trial divided. */
  readonly sieveFrom: number;
}

/** Everything one sieve run shares between blocks. */
interface SieveState {
  readonly n: bigint;
  readonly kn: bigint;
  readonly base: FactorBase;
  /** Offset of the first hit of each root in the current block. */
  readonly firstA: Int32Array;
  readonly firstB: Int32Array;
  readonly largeBound: bigint;
  readonly relations: Relation[];
  readonly partials: Map<number, Partial>;
}

/** The factor base for kn: -1, 2, then odd primes p with kn a square mod p (or p dividing k). */
function buildFactorBase(n: bigint, k: number, wanted: number): FactorBase | bigint {
  const hi = Number(n >> 32n);
  const lo = Number(n & 0xffffffffn);
  const primes: number[] = [-1, 2];
  const roots1: number[] = [0, 1];
  const roots2: number[] = [0, 1];
  for (let i = 1; i < SMALL_PRIMES.length && primes.length < wanted; i++) {
    const p = SMALL_PRIMES[i] ?? 3;
    const nm = residueSmall(hi, lo, p);
    // Trial division should have removed p already; if not, it is a factor all the same.
    if (nm === 0) return BigInt(p);
    const r = (nm * k) % p;
    if (r === 0) {
      primes.push(p);
      roots1.push(0);
      roots2.push(0);
    } else if (powModSmall(r, (p - 1) / 2, p) === 1) {
      const t = sqrtModPrime(r, p);
      primes.push(p);
      roots1.push(t);
      roots2.push(p - t);
    }
  }
  let sieveFrom = 2;
  while (sieveFrom < primes.length && (primes[sieveFrom] ?? 0) < SIEVE_FROM_PRIME) sieveFrom++;
  return {
    size: primes.length,
    prime: Int32Array.from(primes),
    bigPrime: primes.map((p) => BigInt(p)),
    rootA: Int32Array.from(roots1),
    rootB: Int32Array.from(roots2),
    logOf: Uint8Array.from(primes, (p) => (p > 2 ? Math.round(Math.log2(p) * LOG_SCALE) : 0)),
    sieveFrom,
  };
}

/** Returns a nontrivial factor of n (odd, not a prime power, no factor below 2^16) or 0n. */
function quadraticSieve(n: bigint, k: number): bigint {
  const kn = n * BigInt(k);
  const base = buildFactorBase(n, k, factorBaseSize(kn.toString(2).length));
  if (typeof base === 'bigint') return base;
  const largest = base.prime[base.size - 1] ?? 2;
  const largeBound = Math.min(largest * LARGE_PRIME_FACTOR, largest * largest);
  const state: SieveState = {
    n,
    kn,
    base,
    firstA: new Int32Array(base.size),
    firstB: new Int32Array(base.size),
    largeBound: BigInt(largeBound),
    relations: [],
    partials: new Map(),
  };
  const center = Number(floorRoot(kn, 2) + 1n);
  const sieve = new Uint8Array(BLOCK_LENGTH);
  const words = new Uint32Array(sieve.buffer);
  let wanted = base.size + EXTRA_RELATIONS;
  let nextUp = center;
  let nextDown = center - BLOCK_LENGTH;

  for (let block = 0; block < MAX_BLOCKS; block++) {
    // Alternate sides of sqrt(kn) so |Q| grows as slowly as possible; never sieve x < 1.
    let start: number;
    if (block % 2 === 1 && nextDown >= 1) {
      start = nextDown;
      nextDown -= BLOCK_LENGTH;
    } else {
      start = nextUp;
      nextUp += BLOCK_LENGTH;
    }
    const far = Math.max(Math.abs(start - center), Math.abs(start + BLOCK_LENGTH - center));
    const qMax = far * (2 * center + far);
    const thresholdBits = Math.log2(qMax) - Math.log2(largeBound) - SMALL_PRIME_ALLOWANCE_BITS;
    const threshold = Math.min(127, Math.max(1, Math.round(thresholdBits * LOG_SCALE)));
    sieveBlock(state, sieve, start, threshold);

    for (let w = 0; w < words.length; w++) {
      if (((words[w] ?? 0) & 0x80808080) === 0) continue;
      for (let j = w * 4; j < w * 4 + 4; j++) {
        if ((sieve[j] ?? 0) < 128) continue;
        const direct = collectRelation(state, start, j);
        if (direct !== 0n) return direct;
        if (state.relations.length < wanted) continue;
        const divisor = combineRelations(n, state.relations, base);
        if (divisor !== 0n) return divisor;
        wanted = state.relations.length + EXTRA_RELATIONS;
      }
    }
  }
  return 0n;
}

/**
 * Adds log p at every x in [start, start + BLOCK_LENGTH) where p divides x^2 - kn. The byte
 * starts at 128 - threshold, so a candidate is any byte with its top bit set. The sum stays
 * below 256: a position collects at most LOG_SCALE * log2|Q| plus rounding.
 */
function sieveBlock(state: SieveState, sieve: Uint8Array, start: number, threshold: number): void {
  const { base, firstA, firstB } = state;
  sieve.fill(128 - threshold);
  for (let i = 2; i < base.size; i++) {
    const p = base.prime[i] ?? 1;
    const offset = start % p;
    const ja = (base.rootA[i] ?? 0) - offset;
    const jb = (base.rootB[i] ?? 0) - offset;
    firstA[i] = ja < 0 ? ja + p : ja;
    firstB[i] = jb < 0 ? jb + p : jb;
  }
  for (let i = base.sieveFrom; i < base.size; i++) {
    const p = base.prime[i] ?? 1;
    const lp = base.logOf[i] ?? 0;
    const ja = firstA[i] ?? 0;
    for (let j = ja; j < BLOCK_LENGTH; j += p) sieve[j] = (sieve[j] ?? 0) + lp;
    const jb = firstB[i] ?? 0;
    if (jb === ja) continue;
    for (let j = jb; j < BLOCK_LENGTH; j += p) sieve[j] = (sieve[j] ?? 0) + lp;
  }
}

/**
 * Trial divides Q = x^2 - kn at x = start + j over the factor base, using the block offsets
 * to test divisibility in small integers, and files it as a full or partial relation.
 * Returns a factor of n in the unlikely case a large prime divides n, else 0n.
 */
function collectRelation(state: SieveState, start: number, j: number): bigint {
  const { base, firstA, firstB, n } = state;
  const bx = BigInt(start + j);
  let q = bx * bx - state.kn;
  const primes: number[] = [];
  if (q < 0n) {
    primes.push(0);
    q = -q;
  }
  if (q === 0n) return 0n;
  while ((q & 1n) === 0n) {
    q >>= 1n;
    primes.push(1);
  }
  for (let i = 2; i < base.size; i++) {
    const p = base.prime[i] ?? 1;
    if ((j - (firstA[i] ?? 0)) % p !== 0 && (j - (firstB[i] ?? 0)) % p !== 0) continue;
    const bp = base.bigPrime[i] ?? 1n;
    do {
      q /= bp;
      primes.push(i);
    } while (q % bp === 0n);
  }
  if (q === 1n) {
    state.relations.push({ x: bx % n, primes, largeRoot: 1n });
  } else if (q < state.largeBound) {
    // Two relations sharing the large prime multiply into one whose Q is smooth times its square.
    const key = Number(q);
    const mate = state.partials.get(key);
    if (mate === undefined) {
      if (n % q === 0n) return q;
      state.partials.set(key, { x: bx % n, primes });
    } else {
      state.relations.push({ x: (mate.x * bx) % n, primes: mate.primes.concat(primes), largeRoot: q });
    }
  }
  return 0n;
}

/** Finds GF(2) dependencies among the exponent vectors and tries gcd(X - Y, n) for each. */
function combineRelations(n: bigint, relations: readonly Relation[], base: FactorBase): bigint {
  const rows = relations.length;
  const matrixWords = (base.size + 31) >>> 5;
  const rowWords = matrixWords + ((rows + 31) >>> 5);
  // Each row: the exponent parities, then an identity part recording which relations it mixes.
  const bits = new Uint32Array(rows * rowWords);
  relations.forEach((rel, r) => {
    const at = r * rowWords;
    for (const i of rel.primes) bits[at + (i >>> 5)] = (bits[at + (i >>> 5)] ?? 0) ^ (1 << (i & 31));
    const w = at + matrixWords + (r >>> 5);
    bits[w] = (bits[w] ?? 0) | (1 << (r & 31));
  });
  const pivotUsed = eliminate(bits, rows, rowWords, base.size);
  const counts = new Int32Array(base.size);
  for (let r = 0; r < rows; r++) {
    if (pivotUsed[r] === 1) continue;
    const g = tryDependency(n, relations, bits.subarray(r * rowWords + matrixWords, (r + 1) * rowWords), base, counts);
    if (g !== 0n) return g;
  }
  return 0n;
}

/**
 * Gauss-Jordan over GF(2), column by column. Rows never chosen as a pivot end with an all-zero
 * exponent part, so their identity part names a set of relations whose product is a square.
 */
function eliminate(bits: Uint32Array, rows: number, rowWords: number, columns: number): Uint8Array {
  const pivotUsed = new Uint8Array(rows);
  for (let c = 0; c < columns; c++) {
    const w = c >>> 5;
    const mask = 1 << (c & 31);
    let pivot = -1;
    for (let r = 0; r < rows; r++) {
      if (pivotUsed[r] === 0 && ((bits[r * rowWords + w] ?? 0) & mask) !== 0) {
        pivot = r;
        break;
      }
    }
    if (pivot < 0) continue;
    pivotUsed[pivot] = 1;
    const from = pivot * rowWords;
    for (let r = 0; r < rows; r++) {
      const at = r * rowWords;
      if (r === pivot || ((bits[at + w] ?? 0) & mask) === 0) continue;
      // Columns before c are already clear in the pivot row, so start at its word.
      for (let t = w; t < rowWords; t++) bits[at + t] = (bits[at + t] ?? 0) ^ (bits[from + t] ?? 0);
    }
  }
  return pivotUsed;
}

/** X = product of the x values, Y = square root of the product of the Q values; gcd(X - Y, n). */
function tryDependency(
  n: bigint,
  relations: readonly Relation[],
  members: Uint32Array,
  base: FactorBase,
  counts: Int32Array,
): bigint {
  counts.fill(0);
  let x = 1n;
  let y = 1n;
  relations.forEach((rel, r) => {
    if (((members[r >>> 5] ?? 0) & (1 << (r & 31))) === 0) return;
    x = (x * rel.x) % n;
    y = (y * rel.largeRoot) % n;
    for (const i of rel.primes) counts[i] = (counts[i] ?? 0) + 1;
  });
  for (let i = 0; i < base.size; i++) {
    const c = counts[i] ?? 0;
    // A sound dependency has only even exponents; this guards the answer, not the speed.
    if (c % 2 !== 0) return 0n;
    if (i === 0 || c === 0) continue;
    // Multiply p^(c/2) into y through a double that stays exact below 2^53, flushing when full.
    const p = base.prime[i] ?? 1;
    let chunk = 1;
    for (let t = 0; t < c / 2; t++) {
      if (chunk * p > Number.MAX_SAFE_INTEGER) {
        y = (y * BigInt(chunk)) % n;
        chunk = 1;
      }
      chunk *= p;
    }
    y = (y * BigInt(chunk)) % n;
  }
  if ((x * x - y * y) % n !== 0n) return 0n;
  // x and y are both reduced mod n, so their distance is below n.
  const g = steinGcd(x > y ? x - y : y - x, n);
  return g > 1n && g < n ? g : 0n;
}
