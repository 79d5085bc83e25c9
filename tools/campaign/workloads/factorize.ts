import type { FactorizeRequest, FactorizeResponse } from '../../../voter/gen/nvote/v1/compute_service.js';
import type { SeededRandom } from '../seeded-random.js';
import type { Workload } from '../workload.js';

const MAX_N = 2n ** 40n;
// A trial divider that shrinks n stops near the second-largest factor or sqrt of the largest:
// with one factor at most below 1,000,000 and the rest at most 10,000, that is ~10^4 divisions.
const SMALL_PRIME_LIMIT = 10_000;
const LARGE_PRIME_LIMIT = 1_000_000;
const SMALL_PRIMES = sieve(SMALL_PRIME_LIMIT);
const FIRST_PRIMES = SMALL_PRIMES.slice(0, 10);
// Carmichael numbers fool Fermat tests; the factorisations are textbook (OEIS A002997).
const CARMICHAEL_FACTORS: readonly (readonly number[])[] = [
  [3, 11, 17],
  [5, 13, 17],
  [7, 13, 19],
  [5, 17, 29],
  [7, 13, 31],
  [7, 23, 41],
  [7, 11, 13, 41],
  [5, 7, 17, 19, 73],
  [5, 19, 23, 29, 37, 137],
];

/** n is built as a product of primes it picks, so the factor list is known without factoring. */
export const factorizeWorkload: Workload<FactorizeRequest, FactorizeResponse> = {
  method: 'Factorize',
  generate(random) {
    const factors = generateFactors(random).sort((a, b) => a - b);
    const n = factors.reduce((product, p) => product * BigInt(p), 1n);
    const expected = factors.map(BigInt);
    return {
      request: { n },
      expected: expected.map(String),
      isCorrect: response =>
        response.factors.length === expected.length && response.factors.every((factor, i) => factor === expected[i]),
    };
  },
};

function generateFactors(random: SeededRandom): number[] {
  switch (random.int(0, 5)) {
    case 0:
      return [random.pick(SMALL_PRIMES)];
    case 1:
      return [largePrime(random)];
    case 2: {
      const p = random.pick(random.next() < 0.7 ? FIRST_PRIMES : SMALL_PRIMES);
      let maxPower = 1;
      while (BigInt(p) ** BigInt(maxPower + 1) <= MAX_N) maxPower += 1;
      return Array.from({ length: random.int(2, maxPower) }, () => p);
    }
    case 3:
      return [...random.pick(CARMICHAEL_FACTORS)];
    case 4:
      return withSmallPrimes(random, []);
    default:
      return withSmallPrimes(random, [largePrime(random)]);
  }
}

/** Adds small primes, mostly tiny ones so multiplicities show up, while n stays below the limit. */
function withSmallPrimes(random: SeededRandom, start: readonly number[]): number[] {
  const factors = [...start];
  let product = factors.reduce((acc, q) => acc * BigInt(q), 1n);
  const wanted = random.int(1, 12);
  for (let i = 0; i < wanted; i += 1) {
    const p = random.pick(random.next() < 0.6 ? FIRST_PRIMES : SMALL_PRIMES);
    if (product * BigInt(p) > MAX_N) continue;
    product *= BigInt(p);
    factors.push(p);
  }
  return factors;
}

/** The first prime at or above a random start; 999,983 is the largest prime below 10^6. */
function largePrime(random: SeededRandom): number {
  for (let candidate = random.int(SMALL_PRIME_LIMIT + 1, 999_983); candidate < LARGE_PRIME_LIMIT; candidate += 1) {
    if (isPrime(candidate)) return candidate;
  }
  return 999_983;
}

/** Trial division by the sieved primes, enough for any candidate below 10,000^2. */
function isPrime(candidate: number): boolean {
  for (const p of SMALL_PRIMES) {
    if (p * p > candidate) return true;
    if (candidate % p === 0) return false;
  }
  return true;
}

function sieve(limit: number): number[] {
  const composite = new Uint8Array(limit + 1);
  const primes: number[] = [];
  for (let i = 2; i <= limit; i += 1) {
    if (composite[i] === 1) continue;
    primes.push(i);
    for (let multiple = i * i; multiple <= limit; multiple += i) composite[multiple] = 1;
  }
  return primes;
}
