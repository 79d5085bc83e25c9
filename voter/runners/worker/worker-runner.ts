import type { RunnerHealth, RunnerLoad, RunOutcome, VersionRun, VersionRunner } from '../version-runner.js';
import { createCallDispatcher } from './call-dispatcher.js';
import { createWorkerPool } from './worker-pool.js';
import type { WorkerFault } from './worker-task.js';

export interface WorkerRunnerOptions {
  /** Version id: the label in metrics, reports and logs. */
  readonly id: string;
  /** URL of the version module; its default export is the version function. */
  readonly module: URL;
  /** Threads kept when idle. */
  readonly minThreads: number;
  /** Threads at most, under load. */
  readonly maxThreads: number;
  /** Heap limit per worker: a version that allocates without bound dies alone. */
  readonly maxOldGenerationMb: number;
  /** Extra Node flags for the workers (tests load TypeScript with `--import tsx`). */
  readonly execArgv: readonly string[];
  /** Called for every worker lost to a task: a crash, a heap limit, a task the gateway stopped. */
  readonly onWorkerLost: () => void;
  /** Called for worker errors that no task owns, so that none can take the gateway down. */
  readonly onOrphanError: (error: unknown) => void;
}

/**
 * One fault-containment region: an elastic piscina pool that runs one version, fed by a
 * dispatcher that batches the calls that arrive together (call-dispatcher.ts). Besides the port,
 * it can make a run suffer a worker fault (crash, hang, ...) inside the worker thread, where a
 * real one would happen: that is how fault injection reaches it.
 */
export interface WorkerRunner extends VersionRunner {
  readonly transport: 'worker';
  runWithWorkerFault(run: VersionRun, fault: WorkerFault, signal: AbortSignal): Promise<RunOutcome>;
  load(): RunnerLoad;
}

// An idle thread above the minimum is stopped after this long: long enough that a load which
// pauses between bursts keeps its threads, short enough that an idle gateway gives memory back.
const IDLE_THREAD_MS = 30_000;

export function createWorkerRunner(options: WorkerRunnerOptions): WorkerRunner {
  let closing = false;
  const pool = createWorkerPool({
    module: options.module,
    minThreads: options.minThreads,
    maxThreads: options.maxThreads,
    idleTimeoutMs: IDLE_THREAD_MS,
    maxOldGenerationMb: options.maxOldGenerationMb,
    execArgv: options.execArgv,
    onOrphanError: options.onOrphanError,
  });
  const dispatcher = createCallDispatcher(pool, { onWorkerLost: options.onWorkerLost });
  const dispatch = (run: VersionRun, signal: AbortSignal, fault: WorkerFault | undefined): Promise<RunOutcome> =>
    dispatcher.dispatch({ input: run.input, inputBytes: run.inputBytes, fault, budgetEndsAt: run.budgetEndsAt, signal, decided: run.decided });

  return {
    id: options.id,
    transport: 'worker',
    run: (run, signal) => dispatch(run, signal, undefined),
    runWithWorkerFault: (run, fault, signal) => dispatch(run, signal, fault),
    load: () => {
      const { outstanding, estimatedWaitMs, workMs } = dispatcher.load();
      return { outstanding, estimatedWaitMs, localWorkMs: workMs };
    },
    health: (): RunnerHealth => ({
      state: closing ? 'unavailable' : pool.threads > 0 ? 'ready' : 'starting',
      capacity: pool.threads,
      queued: dispatcher.load().queued,
      utilization: pool.utilization,
    }),
    warmUp: () => pool.warmUp(),
    restart: () => pool.restart(),
    async close() {
      closing = true;
      dispatcher.close();
      await pool.close();
    },
  };
}
