import { Piscina } from 'piscina';
import type { RunnerHealth, RunnerLoad, RunOutcome, VersionRun, VersionRunner } from '../version-runner.js';
import { classifyFailure } from './classify-failure.js';
import type { WorkerFault, WorkerTask, VersionWorkerData } from './worker-task.js';

export interface WorkerRunnerOptions {
  /** Version id: the label in metrics, reports and logs. */
  readonly id: string;
  /** URL of the version module; its default export is the version function. */
  readonly module: URL;
  readonly threads: number;
  /** Heap limit per worker: a version that allocates without bound dies alone. */
  readonly maxOldGenerationMb: number;
  /** Extra Node flags for the workers (tests load TypeScript with `--import tsx`). */
  readonly execArgv: readonly string[];
  /** Called for every worker lost while the pool is open (crash, OOM, aborted task). */
  readonly onWorkerLost: () => void;
  /** Called for worker errors that no task owns, so that none can take the gateway down. */
  readonly onOrphanError: (error: unknown) => void;
}

/** The worker pool's view of its load: admission's, plus how long a small task holds a worker. */
export interface WorkerLoad extends RunnerLoad {
  /** The recent time a small task holds a worker (ms): a moving average. */
  readonly holdMs: number;
}

/**
 * One fault-containment region: a fixed-size piscina pool that runs one version. Besides the
 * port, it can make a run suffer a worker fault (crash, hang, ...) inside the worker thread,
 * where a real one would happen: that is how fault injection reaches it.
 */
export interface WorkerRunner extends VersionRunner {
  readonly transport: 'worker';
  runWithWorkerFault(run: VersionRun, fault: WorkerFault, signal: AbortSignal): Promise<RunOutcome>;
  load(): WorkerLoad;
}

const WARM_UP: WorkerTask = { input: undefined, warmUp: true };
const MAX_FAILED_TOP_UPS = 3;
// Weight of the newest sample in the moving averages of how long a task holds a worker.
const HOLD_TIME_WEIGHT = 0.2;
// Tasks above this size are expected to hold a worker in proportion to their input: one call
// with 1,000,000 values holds a worker as long as thousands of small ones.
const LARGE_TASK_BYTES = 64 * 1024;

// Run from source (tests under tsx) the worker entry is .cts, compiled it is .cjs (see version-worker.cts).
const VERSION_WORKER = new URL(`./version-worker${import.meta.url.endsWith('.ts') ? '.cts' : '.cjs'}`, import.meta.url);

export function createWorkerRunner(options: WorkerRunnerOptions): WorkerRunner {
  let closing = false;
  const workerData: VersionWorkerData = { versionModule: options.module.href };
  const piscina = new Piscina({
    filename: VERSION_WORKER.href,
    workerData,
    minThreads: options.threads,
    maxThreads: options.threads,
    // A fixed pool: respawning idle workers would put thread start-up on the hot path.
    idleTimeout: Number.POSITIVE_INFINITY,
    resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationMb },
    execArgv: [...options.execArgv],
    // Versions must not depend on the gateway's environment.
    env: {},
  });
  piscina.on('error', error => options.onOrphanError(error));

  // piscina 5.3.2 stops replacing lost workers for good once one dies before it is ready
  // (its workerFailsDuringBootstrap flag); it then starts workers only for queued work, so an
  // idle pool shrinks with every crash. Warm-up tasks are queued work: enough of them at once
  // bring the pool back to size. A version whose workers cannot start at all gets a few tries,
  // not an endless respawn loop; any real task that succeeds re-arms them.
  let failedTopUps = 0;
  let toppingUp = false;
  const topUp = async (): Promise<void> => {
    if (closing || toppingUp || failedTopUps >= MAX_FAILED_TOP_UPS || piscina.threads.length >= options.threads) return;
    toppingUp = true;
    try {
      const warmUps = Array.from({ length: options.threads }, () => piscina.run(WARM_UP));
      const settled = await Promise.allSettled(warmUps);
      failedTopUps = settled.every(result => result.status === 'fulfilled') ? 0 : failedTopUps + 1;
    } finally {
      toppingUp = false;
    }
    if (piscina.threads.length < options.threads) setImmediate(() => void topUp());
  };
  piscina.on('workerDestroy', () => {
    if (closing) return;
    options.onWorkerLost();
    setImmediate(() => void topUp());
  });

  let outstanding = 0;
  let outstandingMs = 0;
  let holdMs = 0;
  let holdMsPerByte = 0;
  const expectedHoldMs = (bytes: number): number => (bytes > LARGE_TASK_BYTES ? Math.max(holdMs, holdMsPerByte * bytes) : holdMs);
  const execute = async (task: WorkerTask, signal: AbortSignal, inputBytes: number): Promise<RunOutcome> => {
    // Only a task that found a free worker, and answered, measures how long a task holds one:
    // the others also waited in the queue, or were failures (a hung task's hold says nothing
    // about the next task; while it hangs, it counts as outstanding).
    const measures = outstanding < options.threads;
    const expected = expectedHoldMs(inputBytes);
    outstanding += 1;
    outstandingMs += expected;
    const started = performance.now();
    try {
      const result: unknown = await piscina.run(task, { signal });
      failedTopUps = 0;
      if (measures) {
        const held = performance.now() - started;
        if (inputBytes > LARGE_TASK_BYTES) holdMsPerByte += HOLD_TIME_WEIGHT * (held / inputBytes - holdMsPerByte);
        else holdMs += HOLD_TIME_WEIGHT * (held - holdMs);
      }
      return { kind: 'returned', result };
    } catch (error) {
      return { kind: 'failed', failure: classifyFailure(error, signal, closing), detail: detailOf(error) };
    } finally {
      outstanding -= 1;
      outstandingMs -= expected;
    }
  };
  const health = (): RunnerHealth => {
    const threads = piscina.threads.length;
    return {
      state: closing ? 'unavailable' : threads > 0 ? 'ready' : 'starting',
      capacity: threads,
      queued: piscina.queueSize,
      utilization: piscina.utilization,
    };
  };

  return {
    id: options.id,
    transport: 'worker',
    run: (run, signal) => execute({ input: run.input }, signal, run.inputBytes),
    runWithWorkerFault: (run, fault, signal) => execute({ input: run.input, fault }, signal, run.inputBytes),
    load: () => ({
      outstanding,
      estimatedWaitMs: outstanding < options.threads ? 0 : Math.max(0, outstandingMs) / options.threads,
      holdMs,
    }),
    health,
    warmUp: async () => {
      const settled = await Promise.allSettled(Array.from({ length: options.threads }, () => piscina.run(WARM_UP)));
      return settled.every(result => result.status === 'fulfilled');
    },
    async close() {
      closing = true;
      // Running tasks are abandoned on shutdown: versions have no side effects to finish.
      await piscina.destroy();
    },
  };
}

function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
