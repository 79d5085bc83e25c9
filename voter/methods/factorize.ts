import type { FactorizeInput, FactorizeValue } from '../../versions/contract.js';
import type {
  FactorizeRequest,
  FactorizeResponse,
} from '../gen/nvote/v1/compute_service.js';
import { createExactVoter } from '../vote/index.js';
import { isBigIntArray } from './guards.js';
import { defineVotedMethod, versionModule } from './voted-method.js';

const UINT64_MAX = 2n ** 64n - 1n;

export const factorizeMethod = defineVotedMethod<FactorizeRequest, FactorizeResponse, FactorizeInput, FactorizeValue>({
  name: 'Factorize',
  service: 'nvote.v1.ComputeService',
  // Five: trial division cannot factor a product of two primes near 2^32 within any budget, so
  // the four others must be fast on the whole range for any one of them to fail and be outvoted
  // (3 of 5). An odd N: a strict majority of an even one tolerates no more faults.
  versions: [
    versionModule('factorize-trial-division', 'factorize/trial-division.js'),
    versionModule('factorize-pollard-rho', 'factorize/pollard-rho.js'),
    versionModule('factorize-ecm', 'factorize/ecm.js'),
    versionModule('factorize-squfof', 'factorize/squfof.js'),
    versionModule('factorize-quadratic-sieve', 'factorize/quadratic-sieve.js'),
  ],
  voters: { exact: () => createExactVoter() },
  defaultVoter: 'exact',
  defaultTolerance: { relative: 0, absolute: 0 },
  toInput: request => ({ n: request.n }),
  isValue: (value): value is FactorizeValue =>
    isBigIntArray(value) && value.every(item => item >= 0n && item <= UINT64_MAX),
  toResponse: value => ({ factors: value }),
  fromResponse: response => response.factors,
  // One factor replaced by a nearby odd number: a primality test that let a composite through.
  wrongValue: (value, _input, random) => {
    if (value.length === 0) return [2n];
    const wrong = [...value];
    const index = random.int(0, wrong.length - 1);
    const factor = wrong[index] as bigint;
    const step = 2n * BigInt(random.int(1, 1_000));
    const wrongFactor = (factor | 1n) + step;
    wrong[index] = wrongFactor > UINT64_MAX ? (factor | 1n) - step : wrongFactor;
    return wrong;
  },
  // 2^32 + 1 = 641 × 6700417 (Euler): a split that trial division finds quickly too.
  knownAnswer: { request: { n: 4_294_967_297n }, expected: [641n, 6_700_417n] },
});
