import type { AnyWorkload } from '../workload.js';
import { evaluateWorkload } from './evaluate.js';
import { factorizeWorkload } from './factorize.js';
import { shortestPathWorkload } from './shortest-path.js';
import { sortWorkload } from './sort.js';
import { statisticsWorkload } from './statistics.js';

/** One workload per RPC of nvote.v1.ComputeService, in the proto's order. */
export const builtInWorkloads: readonly AnyWorkload[] = Object.freeze([
  sortWorkload,
  factorizeWorkload,
  evaluateWorkload,
  shortestPathWorkload,
  statisticsWorkload,
]);

export function workloadFor(method: string): AnyWorkload | undefined {
  return builtInWorkloads.find(workload => workload.method === method);
}
