import { availableParallelism } from 'node:os';
import type { RunnerLoad } from '../runners/index.js';

const CORES = availableParallelism();

/**
 * How long this machine's cores need for the work already handed to local versions (ms): the
 * thread time they owe, shared among the cores. Every method's threads draw on the same cores,
 * so a call of one method waits for the work of all of them, however short its own lines look.
 * Remote versions owe this machine nothing.
 */
export function machineBacklogMs(runners: Iterable<{ load(): RunnerLoad }>, cores: number = CORES): number {
  let workMs = 0;
  for (const runner of runners) workMs += runner.load().localWorkMs ?? 0;
  return workMs / cores;
}
