import type { FactorizeInput, FactorizeValue, VersionResult } from '../contract.js';

const MAX_INPUT = (1n << 64n) - 1n;
/** Below this bound every integer, and every product compared against it, is exact as a Number. */
const NUMBER_SAFE_BOUND = 1n << 53n;
/** Gaps between successive integers coprime to 30, starting from 7: 7, 11, 13, 17, 19, 23, 29, 31, 37, ... */
const WHEEL_GAPS = [4, 2, 4, 2, 4, 6, 2, 6] as const;
const WHEEL_PRIMES = [2, 3, 5] as const;

/**
 * Plain trial division with a 2-3-5 wheel. The cofactor is kept as a bigint while it is
 * at least 2^53 and switches to Number arithmetic as soon as it drops below that.
 */
export default function trialDivision(input: FactorizeInput): VersionResult<FactorizeValue> {
  const n = input.n;
  if (n < 2n || n > MAX_INPUT) {
    return { kind: 'domain_error', reason: 'OUT_OF_RANGE' };
  }
  const factors: bigint[] = [];
  let cofactor = n;

  for (const prime of WHEEL_PRIMES) {
    const divisor = BigInt(prime);
    while (cofactor % divisor === 0n) {
      factors.push(divisor);
      cofactor /= divisor;
    }
  }

  // Candidate divisors coprime to 30; every prime factor left is one of them.
  let candidate = 7;
  let gapIndex = 0;

  if (cofactor >= NUMBER_SAFE_BOUND) {
    let bigCandidate = BigInt(candidate);
    while (cofactor >= NUMBER_SAFE_BOUND && bigCandidate * bigCandidate <= cofactor) {
      while (cofactor % bigCandidate === 0n) {
        factors.push(bigCandidate);
        cofactor /= bigCandidate;
      }
      bigCandidate += BigInt(WHEEL_GAPS[gapIndex] as number);
      gapIndex = (gapIndex + 1) & 7;
    }
    // bigCandidate <= sqrt(2^64) + 6 here, so it is exact as a Number.
    candidate = Number(bigCandidate);
  }

  if (cofactor < NUMBER_SAFE_BOUND) {
    let rest = Number(cofactor);
    // rest < 2^53, so the loop stops near candidate = 2^26.5; the square may round there,
    // but only to a value >= 2^53 > rest, so the comparison is still decided correctly.
    while (candidate * candidate <= rest) {
      while (rest % candidate === 0) {
        factors.push(BigInt(candidate));
        rest /= candidate;
      }
      candidate += WHEEL_GAPS[gapIndex] as number;
      gapIndex = (gapIndex + 1) & 7;
    }
    cofactor = BigInt(rest);
  }

  // No divisor up to sqrt(cofactor) divides it, so what is left is 1 or a prime.
  if (cofactor > 1n) factors.push(cofactor);
  return { kind: 'value', value: factors };
}
