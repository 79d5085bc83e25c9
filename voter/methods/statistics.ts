import type { StatisticsInput, StatisticsValue } from '../../versions/contract.js';
import type {
  StatisticsRequest,
  StatisticsResponse,
} from '../gen/nvote/v1/compute_service.js';
import { createToleranceVoter } from '../vote/index.js';
import { isNumber, isRecord } from './guards.js';
import { defineVotedMethod, versionModule } from './voted-method.js';

const FIELDS = ['count', 'mean', 'variance', 'stddev', 'min', 'max', 'median'] as const;
const NUDGEABLE = ['mean', 'variance', 'stddev', 'min', 'max', 'median'] as const;

export const statisticsMethod = defineVotedMethod<StatisticsRequest, StatisticsResponse, StatisticsInput, StatisticsValue>({
  name: 'Statistics',
  service: 'nvote.v1.ComputeService',
  versions: [
    versionModule('statistics-two-pass', 'statistics/two-pass.js'),
    versionModule('statistics-welford', 'statistics/welford.js'),
    versionModule('statistics-compensated', 'statistics/compensated.js'),
  ],
  voters: { tolerance: tolerance => createToleranceVoter(tolerance) },
  defaultVoter: 'tolerance',
  // Sample variance of equal values can legitimately differ by rounding noise around zero.
  defaultTolerance: { relative: 1e-9, absolute: 1e-12 },
  toInput: request => ({ values: request.values }),
  isValue: (value): value is StatisticsValue =>
    isRecord(value) &&
    Object.keys(value).length === FIELDS.length &&
    FIELDS.every(field => isNumber(value[field]) && Number.isFinite(value[field])) &&
    Number.isSafeInteger(value['count']),
  toResponse: value => ({ ...value, count: BigInt(value.count) }),
  fromResponse: response => ({ ...response, count: Number(response.count) }),
  // One summary field nudged by 0.1% plus one, the rest left right: a bug in one accumulator.
  wrongValue: (value, _input, random) => {
    const field = random.pick(NUDGEABLE);
    const nudge = (Math.abs(value[field]) * 1e-3 + 1) * (1 + random.next()) * (random.next() < 0.5 ? -1 : 1);
    // Next to the largest double, nudge towards zero: a wrong answer must still be a valid one.
    const wrong = Number.isFinite(value[field] + nudge) ? value[field] + nudge : value[field] - nudge;
    return { ...value, [field]: wrong };
  },
  // Sample variance of 2, 4, 4, 4, 5, 5, 7, 9 is 32 / 7.
  knownAnswer: {
    request: { values: [2, 4, 4, 4, 5, 5, 7, 9] },
    expected: { count: 8, mean: 5, variance: 32 / 7, stddev: Math.sqrt(32 / 7), min: 2, max: 9, median: 4.5 },
  },
});
