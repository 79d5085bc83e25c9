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

// Admission asks on every call's metadata and again on its message: a flood would ask every
// runner of every method thousands of times a second for a figure that moves by a call's worth.
const REFRESH_MS = 1;

/** machineBacklogMs, computed again at most once a millisecond. */
export function cachedMachineBacklog(runners: Iterable<{ load(): RunnerLoad }>, cores: number = CORES): () => number {
  let at = -Infinity;
  let value = 0;
  return () => {
    const now = performance.now();
    if (now - at >= REFRESH_MS) {
      value = machineBacklogMs(runners, cores);
      at = now;
    }
    return value;
  };
}
