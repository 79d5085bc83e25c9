/**
 * What crosses the thread boundary into a version's worker: the input, and, only under fault
 * injection, the fault that worker must really suffer on this task.
 */
export interface WorkerTask {
  readonly input: unknown;
  readonly fault?: WorkerFault;
  /** Loads the version and returns without running it: how the gateway refills a pool. */
  readonly warmUp?: boolean;
}

/** Faults that happen inside the worker thread, where a real one would. */
export type WorkerFault =
  | { readonly kind: 'crash' | 'exception' | 'hang' | 'oom' }
  | { readonly kind: 'delay'; readonly delayMs: number };

/** The data every version pool's worker starts with. */
export interface VersionWorkerData {
  /** URL of the version module; its default export is the version function. */
  readonly versionModule: string;
}
