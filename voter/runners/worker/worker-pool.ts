import { Piscina } from 'piscina';
import type { VersionWorkerData, WorkerTask } from './worker-task.js';

export interface WorkerPoolOptions {
  /** URL of the version module; its default export is the version function. */
  readonly module: URL;
  /** Threads kept when idle. */
  readonly minThreads: number;
  /** Threads at most, under load. */
  readonly maxThreads: number;
  /** An idle thread above minThreads is stopped after this long. */
  readonly idleTimeoutMs: number;
  /** Heap limit per worker: a version that allocates without bound dies alone. */
  readonly maxOldGenerationMb: number;
  /** Extra Node flags for the workers (tests load TypeScript with `--import tsx`). */
  readonly execArgv: readonly string[];
  /** Called for worker errors that no task owns, so that none can take the gateway down. */
  readonly onOrphanError: (error: unknown) => void;
}

/**
 * The threads of one version: a piscina pool that grows ahead of need and shrinks when idle.
 * It knows nothing of calls; the dispatcher decides what each task carries.
 */
export interface WorkerPool {
  /** Runs one task on a thread of its own; aborting `signal` terminates that thread. */
  submit(task: WorkerTask, signal: AbortSignal): Promise<unknown>;
  /** Threads that can take a task now: started and not being started for growth. */
  capacity(): number;
  /**
   * Starts one more thread, up to maxThreads, so that a thread's start-up is not on the hot path;
   * resolves true once it can take tasks, or false at once when no thread was started.
   */
  grow(): Promise<boolean>;
  /** Resolves once minThreads threads have loaded the version (true), or when they could not (false). */
  warmUp(): Promise<boolean>;
  readonly threads: number;
  readonly utilization: number;
  /** Replaces every thread with a fresh one (quarantine): the old ones finish what they run, then go. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const WARM_UP: WorkerTask = { kind: 'warm-up' };
const MAX_FAILED_TOP_UPS = 3;

// Run from source (tests under tsx) the worker entry is .cts, compiled it is .cjs (see version-worker.cts).
const SOURCE = import.meta.url.endsWith('.ts');
const VERSION_WORKER = new URL(`./version-worker${SOURCE ? '.cts' : '.cjs'}`, import.meta.url);
const PACKED_ARRAYS = new URL(`./packed-arrays${SOURCE ? '.ts' : '.js'}`, import.meta.url);

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  let closing = false;
  const workerData: VersionWorkerData = { versionModule: options.module.href, packedArraysModule: PACKED_ARRAYS.href };
  const startPiscina = (): Piscina => {
    const started = new Piscina({
      filename: VERSION_WORKER.href,
      workerData,
      minThreads: options.minThreads,
      maxThreads: options.maxThreads,
      idleTimeout: options.idleTimeoutMs,
      resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationMb },
      execArgv: [...options.execArgv],
      // Versions must not depend on the gateway's environment.
      env: {},
    });
    started.on('error', error => options.onOrphanError(error));
    // Lost workers (and idle ones stopped) are counted by whoever knows why: the dispatcher.
    started.on('workerDestroy', () => {
      if (!closing && started === piscina) setImmediate(() => void topUp());
    });
    return started;
  };

  // piscina 5.3.2 stops replacing lost workers for good once one dies before it is ready
  // (its workerFailsDuringBootstrap flag); it then starts workers only for queued work, so an
  // idle pool shrinks with every crash. Warm-up tasks are queued work: enough of them at once
  // bring the pool back to size. A version whose workers cannot start at all gets a few tries,
  // not an endless respawn loop; any real task that succeeds re-arms them.
  let failedTopUps = 0;
  let toppingUp = false;
  const topUp = async (): Promise<void> => {
    if (closing || toppingUp || failedTopUps >= MAX_FAILED_TOP_UPS || piscina.threads.length >= options.minThreads) return;
    toppingUp = true;
    try {
      const settled = await Promise.allSettled(Array.from({ length: options.minThreads }, () => piscina.run(WARM_UP)));
      failedTopUps = settled.every(result => result.status === 'fulfilled') ? 0 : failedTopUps + 1;
    } finally {
      toppingUp = false;
    }
    if (piscina.threads.length < options.minThreads) setImmediate(() => void topUp());
  };
  let piscina = startPiscina();

  let growing = 0;
  return {
    async submit(task, signal) {
      const result: unknown = await piscina.run(task, { signal });
      failedTopUps = 0;
      return result;
    },
    // At least one: with every thread lost, a task is what makes piscina start one again.
    capacity: () => Math.max(1, piscina.threads.length - growing),
    async grow() {
      if (closing || growing > 0 || piscina.threads.length >= options.maxThreads) return false;
      // A warm-up task with every thread busy makes piscina start one; once it has run, the new
      // thread is ready and counts.
      growing += 1;
      try {
        await piscina.run(WARM_UP);
        return true;
      } catch {
        // A thread that cannot start is the next task's failure to report, not this one's.
        return false;
      } finally {
        growing -= 1;
      }
    },
    async warmUp() {
      const settled = await Promise.allSettled(Array.from({ length: options.minThreads }, () => piscina.run(WARM_UP)));
      return settled.every(result => result.status === 'fulfilled');
    },
    get threads() {
      return piscina.threads.length;
    },
    get utilization() {
      return piscina.utilization;
    },
    async restart() {
      if (closing) return;
      // The old threads serve until the fresh ones have loaded the version: a restart must not
      // leave a gap in which every run (a self-test, say) waits for threads to start.
      const fresh = startPiscina();
      await Promise.allSettled(Array.from({ length: options.minThreads }, () => fresh.run(WARM_UP)));
      if (closing) {
        await fresh.destroy();
        return;
      }
      const old = piscina;
      piscina = fresh;
      failedTopUps = 0;
      // Tasks already on the old threads finish there (or are stopped by their own signals);
      // new ones go to fresh threads that share no state with them.
      void old.close().catch((error: unknown) => options.onOrphanError(error));
    },
    async close() {
      closing = true;
      // Running tasks are abandoned on shutdown: versions have no side effects to finish.
      await piscina.destroy();
    },
  };
}
