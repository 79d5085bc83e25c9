import type { Fault } from '../vote/ballot.js';
import { classifyFault } from './classify-fault.js';
import type { VersionPool } from './version-pool.js';

export type TaskOutcome =
  | { readonly kind: 'returned'; readonly result: unknown }
  | { readonly kind: 'fault'; readonly fault: Fault; readonly error: unknown };

export interface TaskSettlement {
  readonly version: string;
  readonly outcome: TaskOutcome;
  readonly durationSeconds: number;
}

export interface FanOutOptions {
  /** Each version's time budget; the task is aborted (its worker terminated) when it runs out. */
  readonly budgetMs: number;
  /** Aborted when the call ends early (client cancel or deadline): every task stops. */
  readonly callSignal: AbortSignal;
  readonly onSettle: (settlement: TaskSettlement) => void;
}

/**
 * Runs one input on every pool at once. Never rejects: every version's fate, including a
 * fault, is reported through `onSettle`; the promise resolves when all have settled.
 */
export async function fanOut(pools: readonly VersionPool[], input: unknown, options: FanOutOptions): Promise<void> {
  // One controller and one timer per call, cleared on settlement: AbortSignal.timeout/any would
  // keep a timer alive per request for the whole budget.
  const controller = new AbortController();
  const { signal } = controller;
  const stop = (): void => controller.abort();
  const timer = setTimeout(stop, Math.max(0, options.budgetMs));
  options.callSignal.addEventListener('abort', stop, { once: true });
  if (options.callSignal.aborted) stop();
  try {
    await runAll(pools, input, signal, options);
  } finally {
    clearTimeout(timer);
    options.callSignal.removeEventListener('abort', stop);
  }
}

async function runAll(
  pools: readonly VersionPool[],
  input: unknown,
  signal: AbortSignal,
  options: FanOutOptions,
): Promise<void> {
  await Promise.all(
    pools.map(async pool => {
      const started = performance.now();
      let outcome: TaskOutcome;
      try {
        outcome = { kind: 'returned', result: await pool.run(input, signal) };
      } catch (error) {
        outcome = { kind: 'fault', fault: classifyFault(error, options.callSignal.aborted || pool.isClosing()), error };
      }
      options.onSettle({ version: pool.id, outcome, durationSeconds: (performance.now() - started) / 1000 });
    }),
  );
}
