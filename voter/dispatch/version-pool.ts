import { Piscina } from 'piscina';
import type { VersionTask, VersionWorkerData } from './version-task.js';

export interface VersionPoolOptions {
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

export interface PoolStats {
  readonly threads: number;
  readonly queued: number;
  readonly utilization: number;
}

/** How busy a pool is, for admission: cheap, read on every call. */
export interface PoolLoad {
  /** Tasks handed to the pool and not yet settled, running or queued. */
  readonly outstanding: number;
  /**
   * How long a task handed over now would wait for a worker: 0 while a worker is free, else the
   * expected hold of every task ahead of it, shared among the workers.
   */
  readonly estimatedWaitMs: number;
  /** The recent time a small task holds a worker (ms): a moving average. */
  readonly holdMs: number;
}

/** One fault-containment region: a fixed-size piscina pool that runs one version. */
export interface VersionPool {
  readonly id: string;
  /** `inputBytes` sizes the task, so that a queue behind large tasks is seen as long. */
  run(task: VersionTask, signal: AbortSignal, inputBytes?: number): Promise<unknown>;
  /** True once close() began: tasks it ends were stopped by the gateway, not lost to a crash. */
  isClosing(): boolean;
  /** Resolves once every worker has loaded the version (true), or when one could not (false). */
  warmUp(): Promise<boolean>;
  /** Live workers; cheap, unlike stats(), whose utilization summarises piscina's histograms. */
  aliveThreads(): number;
  load(): PoolLoad;
  stats(): PoolStats;
  close(): Promise<void>;
}

const WARM_UP: VersionTask = { input: undefined, warmUp: true };
const MAX_FAILED_TOP_UPS = 3;
// Weight of the newest sample in the moving averages of how long a task holds a worker.
const HOLD_TIME_WEIGHT = 0.2;
// Tasks above this size are expected to hold a worker in proportion to their input: one call
// with 1,000,000 values holds a worker as long as thousands of small ones.
const LARGE_TASK_BYTES = 64 * 1024;

// Run from source (tests under tsx) the worker entry is .cts, compiled it is .cjs (see version-worker.cts).
const VERSION_WORKER = new URL(`./version-worker${import.meta.url.endsWith('.ts') ? '.cts' : '.cjs'}`, import.meta.url);

export function createVersionPool(options: VersionPoolOptions): VersionPool {
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
  return {
    id: options.id,
    run: async (task, signal, inputBytes = 0) => {
      // Only a task that found a free worker, and answered, measures how long a task holds one:
      // the others also waited in the queue, or were faults (a hung task's hold says nothing
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
        return result;
      } finally {
        outstanding -= 1;
        outstandingMs -= expected;
      }
    },
    load: () => ({
      outstanding,
      estimatedWaitMs: outstanding < options.threads ? 0 : Math.max(0, outstandingMs) / options.threads,
      holdMs,
    }),
    isClosing: () => closing,
    warmUp: async () => {
      const settled = await Promise.allSettled(Array.from({ length: options.threads }, () => piscina.run(WARM_UP)));
      return settled.every(result => result.status === 'fulfilled');
    },
    aliveThreads: () => piscina.threads.length,
    stats: () => ({
      threads: piscina.threads.length,
      queued: piscina.queueSize,
      utilization: piscina.utilization,
    }),
    async close() {
      closing = true;
      // Running tasks are abandoned on shutdown: versions have no side effects to finish.
      await piscina.destroy();
    },
  };
}
