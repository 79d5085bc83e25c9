import { Piscina } from 'piscina';

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

/** One fault-containment region: a fixed-size piscina pool that runs one version. */
export interface VersionPool {
  readonly id: string;
  run(input: unknown, signal: AbortSignal): Promise<unknown>;
  /** True once close() began: tasks it ends were stopped by the gateway, not lost to a crash. */
  isClosing(): boolean;
  stats(): PoolStats;
  close(): Promise<void>;
}

export function createVersionPool(options: VersionPoolOptions): VersionPool {
  let closing = false;
  const piscina = new Piscina({
    filename: options.module.href,
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
  piscina.on('workerDestroy', () => {
    if (!closing) options.onWorkerLost();
  });

  return {
    id: options.id,
    run: (input, signal) => piscina.run(input, { signal }),
    isClosing: () => closing,
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
