import { setMaxListeners } from 'node:events';
import { setStopTimer, type RunOutcome, type StopReason, type VersionRun, type VersionRunner } from '../runners/index.js';

export interface RunSettlement {
  readonly version: string;
  readonly outcome: RunOutcome;
  readonly durationSeconds: number;
}

export interface FanOutOptions {
  /** Each version's time budget; a run still going when it ends is stopped as a `timeout`. */
  readonly budgetMs: number;
  /** Aborted when the call ends early (client cancel, deadline, shutdown): every run is `cancelled`. */
  readonly callSignal: AbortSignal;
  /**
   * Once `onSettle` reports the call decided, the runs still going get this much longer (within
   * the budget) and are then stopped like a run out of budget, so that a hung version does not
   * hold its runner.
   */
  readonly stragglerGraceMs: number;
  /**
   * Whether the decision tells the runners (`run.decided`) that runs not started yet are not
   * needed. False for probes, whose point is to hear from every version.
   */
  readonly dropUnstartedWhenDecided: boolean;
  /**
   * Returns true once the call needs no more answers (the vote is decided: stragglers get their
   * grace), or 'stop' when the vote cannot go on (every run still going is stopped at once, as
   * cancelled). Must not throw.
   */
  readonly onSettle: (settlement: RunSettlement) => boolean | 'stop';
}

/**
 * Runs every version on the call at once and reports each one's fate through `onSettle`; resolves
 * when all have settled. `run.budgetEndsAt` and `run.decided` are set here, so that every runner
 * sees the same end and the same decision.
 */
export async function fanOut(
  runners: readonly VersionRunner[],
  run: Omit<VersionRun, 'budgetEndsAt' | 'decided'>,
  options: FanOutOptions,
): Promise<void> {
  // One controller and one timer per call, cleared on settlement: AbortSignal.timeout/any would
  // keep a timer alive per request for the whole budget. The decision only brings the timer
  // forward to the stragglers' grace.
  const controller = new AbortController();
  const decision = new AbortController();
  // Each runner listens on both (a worker runner once per call, a remote one also per slot):
  // seven versions are more than Node's default of ten listeners, and not a leak.
  setMaxListeners(4 * runners.length + 10, controller.signal, decision.signal);
  const stop = (reason: StopReason) => (): void => controller.abort(reason);
  const budgetEndsAt = performance.now() + options.budgetMs;
  // A stop timer, not a plain one: after a stall of the event loop, answers already received are
  // read before the budget ends them (stop-timer.ts).
  let timer = setStopTimer(stop('timeout'), Math.max(0, options.budgetMs));
  let decided = false;
  const onSettle = (settlement: RunSettlement): void => {
    const answer = options.onSettle(settlement);
    if (answer === 'stop') {
      controller.abort('cancelled');
      return;
    }
    if (!answer || decided) return;
    decided = true;
    // A reason of our own: abort() without one builds a DOMException on every call.
    if (options.dropUnstartedWhenDecided) decision.abort('decided');
    if (options.stragglerGraceMs < budgetEndsAt - performance.now()) {
      timer.clear();
      timer = setStopTimer(stop('timeout'), options.stragglerGraceMs);
    }
  };
  const onCallEnd = stop('cancelled');
  options.callSignal.addEventListener('abort', onCallEnd, { once: true });
  if (options.callSignal.aborted) onCallEnd();
  const versionRun: VersionRun = { ...run, budgetEndsAt, decided: decision.signal };
  try {
    await Promise.all(
      runners.map(async runner => {
        const started = performance.now();
        const outcome = await runSafely(runner, versionRun, controller.signal);
        onSettle({ version: runner.id, outcome, durationSeconds: (performance.now() - started) / 1000 });
      }),
    );
  } finally {
    timer.clear();
    options.callSignal.removeEventListener('abort', onCallEnd);
  }
}

/** Runners never reject by contract; one that does (a decorator's bug) has failed this call, not the vote. */
async function runSafely(runner: VersionRunner, run: VersionRun, signal: AbortSignal): Promise<RunOutcome> {
  try {
    return await runner.run(run, signal);
  } catch (error) {
    return { kind: 'failed', failure: 'error', detail: `the runner threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}
