import type { AnyWorkload } from '../workload.js';
import { evaluateWorkload } from './evaluate.js';
import { factorizeWorkload } from './factorize.js';
import { shortestPathWorkload } from './shortest-path.js';
import { sortWorkload } from './sort.js';
import { statisticsWorkload } from './statistics.js';
import { withWorstCases, worstEvaluate, worstFactorize, worstShortestPath, worstSort, worstStatistics } from './worst-cases.js';

// One request in this many is one of the contract's hardest valid inputs.
const WORST_CASE_EVERY = 25;

/**
 * One workload per RPC of nvote.v1.ComputeService, in the proto's order, each mixing in the
 * contract's worst cases (largest arrays and graphs, longest expressions, hardest semiprimes).
 */
export const builtInWorkloads: readonly AnyWorkload[] = Object.freeze([
  withWorstCases(sortWorkload, WORST_CASE_EVERY, worstSort),
  withWorstCases(factorizeWorkload, WORST_CASE_EVERY, worstFactorize),
  withWorstCases(evaluateWorkload, WORST_CASE_EVERY, worstEvaluate),
  withWorstCases(shortestPathWorkload, WORST_CASE_EVERY, worstShortestPath),
  withWorstCases(statisticsWorkload, WORST_CASE_EVERY, worstStatistics),
]);

export function workloadFor(method: string): AnyWorkload | undefined {
  return builtInWorkloads.find(workload => workload.method === method);
}
