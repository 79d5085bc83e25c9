import type { Fault } from '../vote/ballot.js';
import { classifyFault } from './classify-fault.js';
import type { VersionPool } from './version-pool.js';
import type { VersionTask } from './version-task.js';

export type TaskOutcome =
  | { readonly kind: 'returned'; readonly result: unknown }
  | { readonly kind: 'fault'; readonly fault: Fault; readonly error: unknown };

export interface TaskSettlement {
  readonly version: string;
  readonly outcome: TaskOutcome;
  readonly durationSeconds: number;
}

/** One version's share of a call: its pool, its task, and the size of its input (bytes). */
export interface Job {
  readonly pool: VersionPool;
  readonly task: VersionTask;
  readonly inputBytes: number;
}

export interface FanOutOptions {
  /** Each version's time budget; the task is aborted (its worker terminated) when it runs out. */
  readonly budgetMs: number;
  /** Aborted when the call ends early (client cancel or deadline): every task stops. */
  readonly callSignal: AbortSignal;
  /**
   * Once `onSettle` reports the call decided, the tasks still running get this much longer (within
   * the budget) and are then stopped like a task out of budget, so that a hung version does not
   * hold its pool.
   */
  readonly stragglerGraceMs: number;
  /** Returns true once the call needs no more answers (the vote is decided). */
  readonly onSettle: (settlement: TaskSettlement) => boolean;
}

/**
 * Runs every version's task at once. Every version's fate, including a fault, is reported
 * through `onSettle`, which must not throw; the promise resolves when all have settled.
 */
export async function fanOut(jobs: readonly Job[], options: FanOutOptions): Promise<void> {
  // One controller and one timer per call, cleared on settlement: AbortSignal.timeout/any would
  // keep a timer alive per request for the whole budget. The decision only brings the timer
  // forward to the stragglers' grace.
  const controller = new AbortController();
  const { signal } = controller;
  const stop = (): void => controller.abort();
  const budgetEndsAt = performance.now() + options.budgetMs;
  let timer = setTimeout(stop, Math.max(0, options.budgetMs));
  let decided = false;
  const onSettle = (settlement: TaskSettlement): boolean => {
    if (!options.onSettle(settlement) || decided) return decided;
    decided = true;
    if (options.stragglerGraceMs < budgetEndsAt - performance.now()) {
      clearTimeout(timer);
      timer = setTimeout(stop, options.stragglerGraceMs);
    }
    return true;
  };
  options.callSignal.addEventListener('abort', stop, { once: true });
  if (options.callSignal.aborted) stop();
  try {
    await runAll(jobs, signal, { ...options, onSettle });
  } finally {
    clearTimeout(timer);
    options.callSignal.removeEventListener('abort', stop);
  }
}

async function runAll(jobs: readonly Job[], signal: AbortSignal, options: FanOutOptions): Promise<void> {
  await Promise.all(
    jobs.map(async ({ pool, task, inputBytes }) => {
      const started = performance.now();
      let outcome: TaskOutcome;
      try {
        outcome = { kind: 'returned', result: await pool.run(task, signal, inputBytes) };
      } catch (error) {
        outcome = { kind: 'fault', fault: classifyFault(error, options.callSignal.aborted || pool.isClosing()), error };
      }
      options.onSettle({ version: pool.id, outcome, durationSeconds: seconds(started) });
    }),
  );
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}
