import type { EvaluateInput, EvaluateValue } from '../../versions/contract.js';
import type {
  EvaluateRequest,
  EvaluateResponse,
} from '../gen/nvote/v1/compute_service.js';
import { createExactVoter } from '../vote/index.js';
import { createToleranceVoter } from '../vote/index.js';
import { isNumber } from './guards.js';
import { defineVotedMethod, versionModule } from './voted-method.js';

export const evaluateMethod = defineVotedMethod<EvaluateRequest, EvaluateResponse, EvaluateInput, EvaluateValue>({
  name: 'Evaluate',
  service: 'nvote.v1.ComputeService',
  versions: [
    versionModule('evaluate-recursive-descent', 'evaluate/recursive-descent.js'),
    versionModule('evaluate-shunting-yard', 'evaluate/shunting-yard.js'),
    versionModule('evaluate-pratt', 'evaluate/pratt.js'),
  ],
  voters: { tolerance: tolerance => createToleranceVoter(tolerance), exact: () => createExactVoter() },
  defaultVoter: 'tolerance',
  defaultTolerance: { relative: 1e-9, absolute: 0 },
  toInput: request => ({ expression: request.expression }),
  isValue: (value): value is EvaluateValue => isNumber(value) && Number.isFinite(value),
  toResponse: value => ({ value }),
  fromResponse: response => response.value,
  // Nudged by 0.1–0.2% plus one, by a random amount so that independent faults rarely agree:
  // beyond any sensible tolerance, still an ordinary finite number.
  wrongValue: (value, _input, random) => {
    const nudge = (Math.abs(value) * 1e-3 + 1) * (1 + random.next()) * (random.next() < 0.5 ? -1 : 1);
    // Next to the largest double, nudge towards zero: a wrong answer must still be a valid one.
    return Number.isFinite(value + nudge) ? value + nudge : value - nudge;
  },
  knownAnswer: { request: { expression: '2^3^2 - (1 + 2) * 3' }, expected: 503 },
});
