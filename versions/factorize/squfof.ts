/**
 * Factorize by trial division, then Shanks's square forms factorization (SQUFOF) raced over
 * sixteen multipliers, split recursively; perfect powers are taken apart by exact roots first.
 * If the race runs long, Pollard-Brent rho takes turns with it, so an input on which every
 * multiplier fails is still factored. Every reported prime is certified by deterministic
 * Miller-Rabin.
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

/** gcd of two non-negative integers, reducing whichever is larger until one is zero. */
function numberGcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (x !== 0 && y !== 0) {
    if (x > y) x %= y;
    else y %= x;
  }
  return x + y;
}

/** The same for non-negative BigInts. */
function bigGcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (x !== 0n && y !== 0n) {
    if (x > y) x %= y;
    else y %= x;
  }
  return x + y;
}

/** floor(m^(1/e)) for m >= 1: a floating estimate, then exact BigInt correction both ways. */
function integerRoot(m: bigint, e: number): bigint {
  const power = BigInt(e);
  let x = BigInt(Math.floor(Math.pow(Number(m), 1 / e)));
  while (x > 0n && x ** power > m) x -= 1n;
  while ((x + 1n) ** power <= m) x += 1n;
  return x;
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
// Primality: strong probable-prime tests to the first 12 prime bases. Sorenson and Webster
// (2015) proved the least strong pseudoprime to all of them is 318665857834031151167461 > 2^64,
// and smaller prefixes suffice below the smaller published bounds used here.

const BASES_FOUR = [2n, 3n, 5n, 7n]; // n < 3215031751
const BASES_SEVEN = [2n, 3n, 5n, 7n, 11n, 13n, 17n]; // n < 341550071728321
const BASES_TWELVE = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

/** base^exponent mod modulus, for base < modulus, reading the exponent's bits from the top. */
function powMod(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let acc = 1n;
  for (const bit of exponent.toString(2)) {
    acc = (acc * acc) % modulus;
    if (bit === '1') acc = (acc * base) % modulus;
  }
  return acc;
}

/** Whether n = odd * 2^twos + 1 passes the strong probable-prime test to base a. */
function passesStrongTest(a: bigint, n: bigint, odd: bigint, twos: number): boolean {
  const minusOne = n - 1n;
  let x = powMod(a, odd, n);
  if (x === 1n) return true;
  for (let left = twos; left > 0; left--) {
    if (x === minusOne) return true;
    x = (x * x) % n;
  }
  return false;
}

/** Deterministic for odd n with 37 < n < 2^64 (every caller passes n > 2^24). */
function isPrime(n: bigint): boolean {
  let odd = n - 1n;
  let twos = 0;
  for (; (odd & 1n) === 0n; odd >>= 1n) twos++;
  const bases = n < 3215031751n ? BASES_FOUR : n < 341550071728321n ? BASES_SEVEN : BASES_TWELVE;
  return bases.every((a) => passesStrongTest(a, n, odd, twos));
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
  const reduced = q / numberGcd(q, 2 * racer.k);
  if (reduced < racer.small) racer.seen.push(reduced);
}

/** gcd(n, x) for a Number 0 < x < 2^53. */
function gcdWithNumber(n: bigint, x: number): number {
  return numberGcd(x, Number(n % BigInt(x)));
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
      const g = gcdWithNumber(n, q);
      return g > 1 && BigInt(g) < n ? BigInt(g) : 0n;
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

interface RhoPoint {
  anchor: bigint;
  runner: bigint;
  lap: number;
  taken: number;
}

interface Rho {
  readonly n: bigint;
  c: bigint;
  at: RhoPoint;
  /** Where the walk was at the last gcd of 1, for replaying a batch that overshot. */
  clean: RhoPoint;
  acc: bigint;
  pending: number;
  batch: number;
}

function rhoPoint(n: bigint, c: bigint): RhoPoint {
  return { anchor: 2n, runner: (4n + c) % n, lap: 1, taken: 1 };
}

function startRho(n: bigint): Rho {
  const at = rhoPoint(n, 1n);
  return { n, c: 1n, at, clean: { ...at }, acc: 1n, pending: 0, batch: RHO_BATCH };
}

/** Walks x -> x^2 + c for up to `steps` steps: a nontrivial factor of n, or 0 if none yet. */
function advanceRho(rho: Rho, steps: number): bigint {
  const n = rho.n;
  for (let i = 0; i < steps; i++) {
    const at = rho.at;
    // Brent: distances in (lap/2, lap] include a multiple of every cycle length up to lap,
    // so only the second half of each lap needs comparing.
    if (2 * at.taken > at.lap) {
      const gap = at.anchor > at.runner ? at.anchor - at.runner : at.runner - at.anchor;
      rho.acc = (rho.acc * gap) % n;
      rho.pending++;
      if (rho.pending === rho.batch) {
        const g = bigGcd(rho.acc, n);
        rho.acc = 1n;
        rho.pending = 0;
        if (g === 1n) {
          Object.assign(rho.clean, at);
        } else if (g !== n) {
          return g;
        } else if (rho.batch > 1) {
          // The batch caught every prime of n at once: replay it with a gcd after each step.
          rho.at = { ...rho.clean };
          rho.batch = 1;
          continue;
        } else {
          // The walks modulo every prime of n closed on the same step: try another constant.
          rho.c += 1n;
          rho.at = rhoPoint(n, rho.c);
          rho.clean = { ...rho.at };
          rho.batch = RHO_BATCH;
          continue;
        }
      }
    }
    if (at.taken === at.lap) {
      at.anchor = at.runner;
      at.lap *= 2;
      at.taken = 0;
    }
    at.runner = (at.runner * at.runner + rho.c) % n;
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
