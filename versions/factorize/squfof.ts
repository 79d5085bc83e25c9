/**
 * Factorize by trial division, then Shanks's square forms factorization (SQUFOF) raced over
 * sixteen multipliers, split recursively; perfect powers are taken apart by exact roots first.
 * If the race runs long, Pollard-Brent rho takes turns with it, so an input on which every
 * multiplier fails is still factored. Every reported prime is certified by deterministic
 * Miller-Rabin. Miller-Rabin and rho multiply in Montgomery form over 22-bit Number limbs.
 */
import type { FactorizeInput, FactorizeValue, VersionResult } from '../contract.js';

const UPPER = (1n << 64n) - 1n;

// Every prime below this is divided out first. Afterwards each cofactor's prime factors are
// all >= TRIAL_BOUND, so a cofactor below TRIAL_BOUND^2 is prime and a perfect power r^e of
// one has r >= 2^12, hence e <= 5 (2^(12*6) > 2^64).
const TRIAL_BOUND = 4096;
const TRIAL_SQUARE = BigInt(TRIAL_BOUND * TRIAL_BOUND);

function divisibleByAny(candidate: number, primes: readonly number[]): boolean {
  for (const p of primes) {
    if (p * p > candidate) return false;
    if (candidate % p === 0) return true;
  }
  return false;
}

/** The primes below limit, each odd candidate tested against the primes found before it. */
function primesBelow(limit: number): number[] {
  const found = [2];
  for (let candidate = 3; candidate < limit; candidate += 2) {
    if (!divisibleByAny(candidate, found)) found.push(candidate);
  }
  return found;
}

// A read-only table built once; no call writes to it.
const SMALL_PRIMES: readonly number[] = primesBelow(TRIAL_BOUND);

// Products of subsets of {3, 5, 7, 11}: odd, squarefree and coprime to every cofactor that
// reaches SQUFOF, since trial division has removed 3, 5, 7 and 11. The largest is 1155 < 2^11.
const MULTIPLIERS: readonly number[] = [
  1, 3, 5, 7, 11, 15, 21, 33, 35, 55, 77, 105, 165, 231, 385, 1155,
];

// Steps a racer takes before the next one gets a turn; even, so every turn ends on an odd index.
const TURN = 256;

// SQUFOF runs alone for this many multiples of sqrt(2 sqrt n) steps, summed over all racers.
// Measured over 252,000 semiprimes near 2^64, that total is close to exponential with mean 1.1
// of those units, and about one input in 550 needs more than 7. From then on Pollard rho takes
// turns with the race, so an input on which every multiplier fails is still factored quickly.
const SOLO_BUDGET = 7;

// Steps of the race, and of rho, per turn once they alternate: about equal time on each side,
// a rho step costing some fifteen SQUFOF steps.
const RACE_SLICE = MULTIPLIERS.length * TURN;
const RHO_SLICE = 256;

// Differences rho multiplies together between two gcds.
const RHO_BATCH = 100;

// ---------------------------------------------------------------------------------------------
// Small integer helpers

/**
 * gcd(a, n) for a >= 0 and odd n > 0, by Stein's binary method. As n is odd, the factors of two
 * in a never count, and every difference of two odd values is even and is stripped at once.
 * BigInt steps only last until both operands are exact doubles; Numbers finish the job.
 */
function gcdWithOdd(a: bigint, n: bigint): bigint {
  if (a === 0n) return n;
  // x & -x is the lowest set bit of x, so the division leaves the odd part.
  let u = a / (a & -a);
  let v = n;
  while (u > SAFE_BIG || v > SAFE_BIG) {
    if (u === v) return u;
    if (u > v) {
      u -= v;
      u /= u & -u;
    } else {
      v -= u;
      v /= v & -v;
    }
  }
  return BigInt(oddGcdSmall(Number(u), Number(v)));
}

const SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** Stein's method on odd integers below 2^53. */
function oddGcdSmall(a: number, b: number): number {
  let u = a;
  let v = b;
  while (u !== v) {
    if (u > v) u = oddPart(u - v);
    else v = oddPart(v - u);
  }
  return u;
}

/** d with its factors of two removed, for an integer 0 < d < 2^53. */
function oddPart(d: number): number {
  let x = d;
  // x >>> 0 is x mod 2^32 for these x; a zero there means 32 factors of two at once.
  while (x >>> 0 === 0) x /= 4294967296;
  const low = x >>> 0;
  // The lowest set bit of low, as a power of two up to 2^31; the division by it is exact.
  return x / ((low & -low) >>> 0);
}

/**
 * floor(m^(1/e)) for m >= 1, settled one bit at a time from the top: a bit stays set when the
 * root with it still has its e-th power within m. No floating estimate is involved.
 */
function integerRoot(m: bigint, e: number): bigint {
  const power = BigInt(e);
  // m < 2^bits, so the root is below 2^ceil(bits / e).
  const bits = m.toString(2).length;
  let root = 0n;
  for (let bit = BigInt(Math.ceil(bits / e) - 1); bit >= 0n; bit--) {
    const trial = root | (1n << bit);
    if (trial ** power <= m) root = trial;
  }
  return root;
}

/** [r, e] with r^e = m and e prime, or undefined when m is not a perfect power. */
function perfectPower(m: bigint): [bigint, number] | undefined {
  // Only called on cofactors free of primes below 2^12, so exponents above 5 cannot occur,
  // and a fourth power is caught as a square (its root is then split again).
  for (const e of [2, 3, 5]) {
    const r = integerRoot(m, e);
    if (r ** BigInt(e) === m) return [r, e];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Montgomery arithmetic modulo an odd n < 2^64 over Numbers, with no BigInt in the inner loop.
//
// A residue x < n is held as a pair (top, low) with x = top * 2^22 + low, low < 2^22 and
// top < 2^42. Products run on three 22-bit limbs with R = 2^66: every limb product is below
// 2^44 and every column sum below 2^47, inside the 2^53 of exact Number arithmetic, and
// multiplying by 2^-22 is an exact shift. For a, b < n < R, (a * b + u * n) / R is below 2n,
// and one conditional subtraction brings it below n.

const LIMB = 4194304; // 2^22
const LIMB_INV = 1 / LIMB;
const LIMB_MASK = 0x3fffffn;

interface Mont {
  readonly n: bigint;
  readonly nLow: number;
  readonly nTop: number;
  /** The middle and high limbs of n. */
  readonly n1: number;
  readonly n2: number;
  /** -1/n mod 2^22. */
  readonly negInv: number;
  /** Where montMul and the conversions leave their result. */
  top: number;
  low: number;
}

/** v mod 2^22 for an integer |v| < 2^53, negative v included. */
function lowLimb(v: number): number {
  return v - Math.floor(v * LIMB_INV) * LIMB;
}

function makeMont(n: bigint): Mont {
  const nLow = Number(n & LIMB_MASK);
  const nTop = Number(n >> 22n);
  const n2 = Math.floor(nTop * LIMB_INV);
  // Newton's iteration for 1/n mod 2^22 doubles the correct low bits each round; an odd n is
  // its own inverse modulo 8, so 3 bits become 6, 12 and 24.
  let inv = nLow;
  for (let round = 0; round < 3; round++) inv = lowLimb(inv * lowLimb(2 - lowLimb(nLow * inv)));
  return { n, nLow, nTop, n1: nTop - n2 * LIMB, n2, negInv: LIMB - inv, top: 0, low: 0 };
}

/** Leaves v * R mod n (any v >= 0) in mont.top and mont.low. */
function enterMont(mont: Mont, v: bigint): void {
  const x = (v << 66n) % mont.n;
  mont.top = Number(x >> 22n);
  mont.low = Number(x & LIMB_MASK);
}

/** The plain value of the pair (top, low). */
function pairValue(top: number, low: number): bigint {
  return (BigInt(top) << 22n) | BigInt(low);
}

/**
 * Leaves a * b / R mod n in mont.top and mont.low, for residues a, b below n. The product is
 * scanned column by column, each column taking its share of a * b and of u * n, where the
 * digit u of the multiplier is fixed by the column's low limb, which it clears.
 */
function montMul(mont: Mont, aTop: number, aLow: number, bTop: number, bLow: number): void {
  const a2 = Math.floor(aTop * LIMB_INV);
  const a1 = aTop - a2 * LIMB;
  const b2 = Math.floor(bTop * LIMB_INV);
  const b1 = bTop - b2 * LIMB;
  const n0 = mont.nLow;
  const n1 = mont.n1;
  const n2 = mont.n2;
  const negInv = mont.negInv;
  // Column sums stay below 6 * 2^44 < 2^47; each cleared column shifts out exactly.
  let column = aLow * bLow;
  const u0 = lowLimb(lowLimb(column) * negInv);
  column = (column + u0 * n0) * LIMB_INV + aLow * b1 + a1 * bLow + u0 * n1;
  const u1 = lowLimb(lowLimb(column) * negInv);
  column = (column + u1 * n0) * LIMB_INV + aLow * b2 + a1 * b1 + a2 * bLow + u0 * n2 + u1 * n1;
  const u2 = lowLimb(lowLimb(column) * negInv);
  column = (column + u2 * n0) * LIMB_INV + a1 * b2 + a2 * b1 + u1 * n2 + u2 * n1;
  // (a * b + u * n) / R < n^2 / R + n < 2n, so the rest fits one low limb and a top below 2^43.
  const carry = Math.floor(column * LIMB_INV);
  settle(mont, carry + a2 * b2 + u2 * n2, column - carry * LIMB);
}

/**
 * Leaves top * 2^22 + low mod n in mont.top and mont.low, for a value in [0, 2n) whose low part
 * lies in (-2^22, 2^23): the sum or difference of two pairs, or a product before its last step.
 */
function settle(mont: Mont, top: number, low: number): void {
  let t = top;
  let l = low;
  if (l < 0) {
    l += LIMB;
    t -= 1;
  } else if (l >= LIMB) {
    l -= LIMB;
    t += 1;
  }
  if (t > mont.nTop || (t === mont.nTop && l >= mont.nLow)) {
    t -= mont.nTop;
    l -= mont.nLow;
    if (l < 0) {
      l += LIMB;
      t -= 1;
    }
  }
  mont.top = t;
  mont.low = l;
}

// ---------------------------------------------------------------------------------------------
// Primality: strong probable-prime tests to the first 12 prime bases. Sorenson and Webster
// (2015) proved the least strong pseudoprime to all of them is 318665857834031151167461 > 2^64,
// and smaller prefixes suffice below the smaller published bounds used here.

const BASES_FOUR = [2n, 3n, 5n, 7n]; // n < 3215031751
const BASES_SEVEN = [2n, 3n, 5n, 7n, 11n, 13n, 17n]; // n < 341550071728321
const BASES_TWELVE = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

/** What every base's test of one n shares. */
interface StrongTest {
  readonly mont: Mont;
  /** The hexadecimal digits of the odd part d of n - 1, most significant first. */
  readonly digits: readonly number[];
  /** The exponent s in n - 1 = d * 2^s. */
  readonly twos: number;
  readonly oneTop: number;
  readonly oneLow: number;
  readonly minusOneTop: number;
  readonly minusOneLow: number;
  /** base^j R mod n for j = 0..15, as top, low pairs. */
  readonly table: Float64Array;
}

/** Leaves base^d R mod n in test.mont, four bits of d at a time. */
function powerToOddPart(test: StrongTest, base: bigint): void {
  const mont = test.mont;
  const table = test.table;
  table[0] = test.oneTop;
  table[1] = test.oneLow;
  enterMont(mont, base);
  table[2] = mont.top;
  table[3] = mont.low;
  for (let j = 2; j < 16; j++) {
    montMul(mont, table[2 * j - 2] ?? 0, table[2 * j - 1] ?? 0, table[2] ?? 0, table[3] ?? 0);
    table[2 * j] = mont.top;
    table[2 * j + 1] = mont.low;
  }
  let top = test.oneTop;
  let low = test.oneLow;
  for (const digit of test.digits) {
    for (let k = 0; k < 4; k++) {
      montMul(mont, top, low, top, low);
      top = mont.top;
      low = mont.low;
    }
    if (digit !== 0) {
      montMul(mont, top, low, table[2 * digit] ?? 0, table[2 * digit + 1] ?? 0);
      top = mont.top;
      low = mont.low;
    }
  }
  mont.top = top;
  mont.low = low;
}

/**
 * Whether n passes the strong probable-prime test to `base`, read as: base^d = 1, or the last
 * value before the first 1 in base^d, base^2d, ..., base^(2^s d) is -1. A sequence that never
 * reaches 1 fails even Fermat's test.
 */
function passesStrongTest(test: StrongTest, base: bigint): boolean {
  const mont = test.mont;
  powerToOddPart(test, base);
  let top = mont.top;
  let low = mont.low;
  if (top === test.oneTop && low === test.oneLow) return true;
  for (let i = 0; i < test.twos; i++) {
    montMul(mont, top, low, top, low);
    if (mont.top === test.oneTop && mont.low === test.oneLow) {
      return top === test.minusOneTop && low === test.minusOneLow;
    }
    top = mont.top;
    low = mont.low;
  }
  return false;
}

/** The shared part of the tests of odd n > 1 with n - 1 = odd * 2^twos. */
function makeStrongTest(n: bigint, odd: bigint, twos: number): StrongTest {
  const mont = makeMont(n);
  enterMont(mont, 1n);
  const oneTop = mont.top;
  const oneLow = mont.low;
  enterMont(mont, n - 1n);
  return {
    mont,
    digits: Array.from(odd.toString(16), (ch) => parseInt(ch, 16)),
    twos,
    oneTop,
    oneLow,
    minusOneTop: mont.top,
    minusOneLow: mont.low,
    table: new Float64Array(32),
  };
}

/** Deterministic for odd n with 37 < n < 2^64 (every caller passes n > 2^24). */
function isPrime(n: bigint): boolean {
  let odd = n - 1n;
  let twos = 0;
  for (; (odd & 1n) === 0n; odd >>= 1n) twos++;
  const test = makeStrongTest(n, odd, twos);
  const bases = n < 3215031751n ? BASES_FOUR : n < 341550071728321n ? BASES_SEVEN : BASES_TWELVE;
  return bases.every((a) => passesStrongTest(test, a));
}

// ---------------------------------------------------------------------------------------------
// SQUFOF
//
// Number bound: n < 2^64 and k <= 1155 < 2^10.2, so D = kn < 2^74.2 and root = floor(sqrt D)
// < 2^37.1. Each state (P, Q) is a reduced complete quotient (P + sqrt D) / Q of sqrt D:
// 0 < P < sqrt D and sqrt D - P < Q < sqrt D + P, so 0 < Q < 2 sqrt D < 2^38.1. In a step,
// b*Q <= root + P < 2^38.1, and b*(P - P') = Q'' - Qprev lies strictly between -2^38.1 and
// 2^38.1. Every Number here is an integer below 2^39 < 2^53, so all of it is exact, and
// Math.floor(x / y) is the exact integer quotient because x < 2^52. Only D itself and
// D - P^2 (both up to 2^75) need BigInt.

interface Racer {
  readonly k: number;
  /** The primes of 2k: 2k is squarefree, so gcd(Q, 2k) is the product of those dividing Q. */
  readonly primesOf2k: readonly number[];
  readonly bigD: bigint;
  readonly root: number;
  /** sqrt(2 sqrt D): a square Q = s^2 < 2 sqrt D always has s below it. */
  readonly small: number;
  /** 2k * small: only a Q below this can have Q / gcd(Q, 2k) below small. */
  readonly wide: number;
  p: number;
  qPrev: number;
  q: number;
  steps: number;
  alive: boolean;
  /** The values Q / gcd(Q, 2k) below small met so far. */
  readonly seen: number[];
}

function makeRacer(n: bigint, k: number): Racer {
  const bigD = n * BigInt(k);
  const rootBig = integerRoot(bigD, 2);
  const small = Math.floor(Math.sqrt(2 * Math.sqrt(Number(bigD))));
  return {
    k,
    primesOf2k: [2, 3, 5, 7, 11].filter((p) => (2 * k) % p === 0),
    bigD,
    root: Number(rootBig),
    small,
    wide: 2 * k * small,
    p: Number(rootBig),
    qPrev: 1,
    q: Number(bigD - rootBig * rootBig),
    steps: 0,
    alive: true,
    seen: [],
  };
}

// 1 where the residue modulo 64 is a square: rejects 52 of the 64 residues without a sqrt.
const SQUARE_MOD_64 = (() => {
  const table = new Uint8Array(64);
  for (let i = 0; i < 64; i++) table[(i * i) % 64] = 1;
  return table;
})();

function squareRootOrZero(q: number): number {
  // q is an integer below 2^53, so ToInt32 in `q & 63` keeps its low six bits.
  if (SQUARE_MOD_64[q & 63] === 0) return 0;
  const s = Math.round(Math.sqrt(q));
  return s * s === q ? s : 0;
}

/**
 * A square s^2 whose s equals an earlier Q / gcd(Q, 2k) is improper: its reverse cycle only
 * reaches a divisor of 2k. Remembering those quotients lets the forward walk skip such squares.
 */
function remember(racer: Racer, q: number): void {
  let reduced = q;
  for (const p of racer.primesOf2k) if (reduced % p === 0) reduced /= p;
  if (reduced < racer.small) racer.seen.push(reduced);
}

/**
 * From the square form with numerator p and Q = s^2, walk the cycle of its square root until
 * the symmetry point P' = P, where Q shares a factor with n. Returns it, or 0 if it is trivial.
 */
function reverseCycle(racer: Racer, n: bigint, p: number, s: number): bigint {
  const root = racer.root;
  // Measured reverse walks stay below 0.8 (forward steps + small); past twice that, give up.
  const cap = 2 * (racer.steps + racer.small);
  // The largest P = p + b*s with P <= root: then sqrt D - P < s, which makes the start reduced.
  let pCur = p + Math.floor((root - p) / s) * s;
  let qPrev = s;
  const bigP = BigInt(pCur);
  let q = Number((racer.bigD - bigP * bigP) / BigInt(s));
  for (let t = 0; t < cap; t++) {
    const b = Math.floor((root + pCur) / q);
    const pNext = b * q - pCur;
    if (pNext === pCur) {
      racer.steps += t;
      // n is odd: every cofactor reaching SQUFOF has had 2 divided out.
      const g = gcdWithOdd(BigInt(q), n);
      return g > 1n && g < n ? g : 0n;
    }
    const qNext = qPrev + b * (pCur - pNext);
    qPrev = q;
    q = qNext;
    pCur = pNext;
  }
  racer.steps += cap;
  return 0n;
}

/** Runs one turn of a racer: a nontrivial factor of n, or 0. Adds its steps to racer.steps. */
function runTurn(racer: Racer, n: bigint): bigint {
  const root = racer.root;
  const wide = racer.wide;
  let p = racer.p;
  let qPrev = racer.qPrev;
  let q = racer.q;
  let found = 0n;
  let t = 0;
  for (; t < TURN; t += 2) {
    // The state sits on an odd index between pairs, so this step lands on an even one, where
    // a square Q is a candidate square form.
    let b = Math.floor((root + p) / q);
    let pNext = b * q - p;
    let qNext = qPrev + b * (p - pNext);
    qPrev = q;
    q = qNext;
    p = pNext;
    const s = squareRootOrZero(q);
    if (s === 1) {
      // Q = 1 at an even index closes the period: no square form is left to try.
      racer.alive = false;
      break;
    }
    if (s !== 0 && !racer.seen.includes(s)) {
      found = reverseCycle(racer, n, p, s);
      if (found !== 0n) break;
    }
    if (q < wide) remember(racer, q);

    // This one lands on an odd index: no test.
    b = Math.floor((root + p) / q);
    pNext = b * q - p;
    qNext = qPrev + b * (p - pNext);
    qPrev = q;
    q = qNext;
    p = pNext;
    if (q < wide) remember(racer, q);
  }
  racer.p = p;
  racer.qPrev = qPrev;
  racer.q = q;
  racer.steps += t;
  return found;
}

interface Race {
  readonly n: bigint;
  readonly racers: readonly Racer[];
  alive: boolean;
}

function startRace(n: bigint): Race {
  return { n, racers: MULTIPLIERS.map((k) => makeRacer(n, k)), alive: true };
}

/**
 * Gives the live racers turns in order until about `steps` steps are spent: a nontrivial
 * factor, or 0. Clears race.alive once every racer has run out of square forms.
 */
function advanceRace(race: Race, steps: number): bigint {
  let spent = 0;
  while (race.alive && spent < steps) {
    race.alive = false;
    for (const racer of race.racers) {
      if (!racer.alive) continue;
      const before = racer.steps;
      const f = runTurn(racer, race.n);
      if (f !== 0n) return f;
      spent += racer.steps - before;
      if (racer.alive) race.alive = true;
    }
  }
  return 0n;
}

// ---------------------------------------------------------------------------------------------
// Fallback: Pollard rho with Brent's cycle finding (the anchor jumps to the runner whenever a
// lap, doubling each time, is complete), multiplying differences together between gcds. It
// is a resumable state so that it can take turns with the race.
//
// The walk runs in Montgomery form: with X = xR, the step X -> X^2 / R + cR is x -> x^2 + c,
// and every difference, so every product of them, is the plain one times a unit modulo n.
// Each gcd with n is therefore exactly the one the plain walk would take.

interface RhoPoint {
  anchorTop: number;
  anchorLow: number;
  runnerTop: number;
  runnerLow: number;
  lap: number;
  taken: number;
}

interface Rho {
  readonly mont: Mont;
  readonly oneTop: number;
  readonly oneLow: number;
  c: bigint;
  /** c R mod n. */
  cTop: number;
  cLow: number;
  at: RhoPoint;
  /** Where the walk was at the last gcd of 1, for replaying a batch that overshot. */
  clean: RhoPoint;
  /** The product of the differences since the last gcd, in Montgomery form. */
  accTop: number;
  accLow: number;
  pending: number;
  batch: number;
}

/** The start of the walk x -> x^2 + c from 2: anchor 2, runner 4 + c. */
function rhoPoint(mont: Mont, c: bigint): RhoPoint {
  enterMont(mont, 2n);
  const anchorTop = mont.top;
  const anchorLow = mont.low;
  enterMont(mont, 4n + c);
  return { anchorTop, anchorLow, runnerTop: mont.top, runnerLow: mont.low, lap: 1, taken: 1 };
}

function startRho(n: bigint): Rho {
  const mont = makeMont(n);
  enterMont(mont, 1n);
  const oneTop = mont.top;
  const oneLow = mont.low;
  const at = rhoPoint(mont, 1n);
  enterMont(mont, 1n);
  return {
    mont,
    oneTop,
    oneLow,
    c: 1n,
    cTop: mont.top,
    cLow: mont.low,
    at,
    clean: { ...at },
    accTop: oneTop,
    accLow: oneLow,
    pending: 0,
    batch: RHO_BATCH,
  };
}

/** Walks x -> x^2 + c for up to `steps` steps: a nontrivial factor of n, or 0 if none yet. */
function advanceRho(rho: Rho, steps: number): bigint {
  const mont = rho.mont;
  for (let i = 0; i < steps; i++) {
    const at = rho.at;
    // Brent: distances in (lap/2, lap] include a multiple of every cycle length up to lap,
    // so only the second half of each lap needs comparing.
    if (2 * at.taken > at.lap) {
      // anchor - runner + n, which settle brings below n.
      settle(
        mont,
        at.anchorTop + mont.nTop - at.runnerTop,
        at.anchorLow + mont.nLow - at.runnerLow,
      );
      montMul(mont, rho.accTop, rho.accLow, mont.top, mont.low);
      rho.accTop = mont.top;
      rho.accLow = mont.low;
      rho.pending++;
      if (rho.pending === rho.batch) {
        const g = gcdWithOdd(pairValue(rho.accTop, rho.accLow), mont.n);
        rho.accTop = rho.oneTop;
        rho.accLow = rho.oneLow;
        rho.pending = 0;
        if (g === 1n) {
          Object.assign(rho.clean, at);
        } else if (g !== mont.n) {
          return g;
        } else if (rho.batch > 1) {
          // The batch caught every prime of n at once: replay it with a gcd after each step.
          rho.at = { ...rho.clean };
          rho.batch = 1;
          continue;
        } else {
          // The walks modulo every prime of n closed on the same step: try another constant.
          rho.c += 1n;
          rho.at = rhoPoint(mont, rho.c);
          rho.clean = { ...rho.at };
          enterMont(mont, rho.c);
          rho.cTop = mont.top;
          rho.cLow = mont.low;
          rho.batch = RHO_BATCH;
          continue;
        }
      }
    }
    if (at.taken === at.lap) {
      at.anchorTop = at.runnerTop;
      at.anchorLow = at.runnerLow;
      at.lap *= 2;
      at.taken = 0;
    }
    montMul(mont, at.runnerTop, at.runnerLow, at.runnerTop, at.runnerLow);
    settle(mont, mont.top + rho.cTop, mont.low + rho.cLow);
    at.runnerTop = mont.top;
    at.runnerLow = mont.low;
    at.taken++;
  }
  return 0n;
}

/** A nontrivial factor of odd composite m with no prime factor below 2^12, not a perfect power. */
function findFactor(m: bigint): bigint {
  const race = startRace(m);
  const first = race.racers[0];
  // At least one full round, so that small m, whose periods are short, get every multiplier.
  const solo = RACE_SLICE + (first === undefined ? 0 : SOLO_BUDGET * first.small);
  const early = advanceRace(race, solo);
  if (early !== 0n) return early;
  const rho = startRho(m);
  for (;;) {
    const f = advanceRho(rho, RHO_SLICE);
    if (f !== 0n) return f;
    if (race.alive) {
      const g = advanceRace(race, RACE_SLICE);
      if (g !== 0n) return g;
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** Pushes the prime factors of m (free of primes below 2^12) onto out, `times` times each. */
function splitCofactor(start: bigint, out: bigint[]): void {
  const pending: [bigint, number][] = [[start, 1]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [m, times] = item;
    if (m < TRIAL_SQUARE || isPrime(m)) {
      for (let i = 0; i < times; i++) out.push(m);
      continue;
    }
    const power = perfectPower(m);
    if (power !== undefined) {
      pending.push([power[0], times * power[1]]);
      continue;
    }
    const d = findFactor(m);
    pending.push([d, times], [m / d, times]);
  }
}

export default function factorize(input: FactorizeInput): VersionResult<FactorizeValue> {
  const n = input.n;
  if (n < 2n || n > UPPER) return { kind: 'domain_error', reason: 'OUT_OF_RANGE' };

  const out: bigint[] = [];
  let m = n;
  let hi = Number(m >> 32n);
  let lo = Number(m & 0xffffffffn);
  for (const p of SMALL_PRIMES) {
    // Number(m) only errs upward of 2^53, far above p*p < 2^24, so this never ends early.
    if (p * p > Number(m)) break;
    // (hi mod p) * 2^32 + lo < 2^12 * 2^32 + 2^32 < 2^53: exact as a Number.
    while (((hi % p) * 4294967296 + lo) % p === 0) {
      out.push(BigInt(p));
      m /= BigInt(p);
      hi = Number(m >> 32n);
      lo = Number(m & 0xffffffffn);
    }
  }
  if (m > 1n) splitCofactor(m, out);
  out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { kind: 'value', value: out };
}

// ---------------------------------------------------------------------------------------------

/**
 * The arithmetic helpers behind the default export, for this version's own tests to check
 * against BigInt oracles. Not part of the contract; each is pure and keeps no state.
 */
export const helpersForTests = {
  /** gcd(a, n) for 0 <= a < 2^64 and odd 0 < n < 2^64. */
  gcdWithOdd,
  /** floor(m^(1/e)) for m >= 1. */
  integerRoot,
  /** Miller-Rabin to fixed bases, for odd 37 < n < 2^64. */
  isPrime,
  /** a * b / 2^66 mod n through montMul, for odd 1 < n < 2^64 and a, b < n. */
  montProduct(a: bigint, b: bigint, n: bigint): bigint {
    const mont = makeMont(n);
    montMul(mont, Number(a >> 22n), Number(a & LIMB_MASK), Number(b >> 22n), Number(b & LIMB_MASK));
    return pairValue(mont.top, mont.low);
  },
  /** base^exponent mod n through the windowed Montgomery power, for odd 1 < n < 2^64. */
  powerMod(base: bigint, exponent: bigint, n: bigint): bigint {
    const test = makeStrongTest(n, exponent, 0);
    powerToOddPart(test, base);
    // Multiplying by plain 1 divides out R.
    montMul(test.mont, test.mont.top, test.mont.low, 0, 1);
    return pairValue(test.mont.top, test.mont.low);
  },
  /** The strong probable-prime test of odd n > 1 to one base. */
  strongProbablePrime(n: bigint, base: bigint): boolean {
    let odd = n - 1n;
    let twos = 0;
    for (; (odd & 1n) === 0n; odd >>= 1n) twos++;
    return passesStrongTest(makeStrongTest(n, odd, twos), base);
  },
  /** Rho alone on odd composite n: the factor found and the loop turns taken, or [0, limit]. */
  rhoAlone(n: bigint, limit: number): [bigint, number] {
    const rho = startRho(n);
    for (let turns = 1; turns <= limit; turns++) {
      const f = advanceRho(rho, 1);
      if (f !== 0n) return [f, turns];
    }
    return [0n, limit];
  },
};
