import type { Packed } from './packed-arrays.js';

/**
 * What crosses the thread boundary into a version's worker. A task carries one call or a batch
 * of calls that arrived together; a call under fault injection always travels alone, with the
 * fault that worker must really suffer on it.
 */
export type WorkerTask =
  | { readonly kind: 'one'; readonly input: Packed; readonly fault?: WorkerFault }
  | { readonly kind: 'batch'; readonly inputs: readonly unknown[] }
  /** Loads the version and returns without running it: how the gateway starts or refills a pool. */
  | { readonly kind: 'warm-up' };

/**
 * What a batch task returns for each of its calls, in order: the version's result, or the message
 * of what it threw on that call alone. A one-call task returns its result packed (see
 * packed-arrays.ts), or fails as the task.
 */
export type BatchEntry = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly message: string };

/**
 * What a task returns, with the time the version itself ran (ms, measured in the worker): the
 * dispatcher tells a call's own cost from the task's (clone, wake-up, answer), which a batch
 * shares among its calls.
 */
export type TaskResult =
  | { readonly kind: 'one'; readonly result: Packed; readonly computeMs: number }
  | { readonly kind: 'batch'; readonly entries: readonly BatchEntry[]; readonly computeMs: number };

/** Faults that happen inside the worker thread, where a real one would. */
export type WorkerFault =
  | { readonly kind: 'crash' | 'exception' | 'hang' | 'oom' }
  | { readonly kind: 'delay'; readonly delayMs: number };

/** The data every version pool's worker starts with. */
export interface VersionWorkerData {
  /** URL of the version module; its default export is the version function. */
  readonly versionModule: string;
  /** URL of packed-arrays, which the worker loads like a version module. */
  readonly packedArraysModule: string;
}
