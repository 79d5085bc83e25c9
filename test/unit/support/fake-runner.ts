/**
 * One-behaviour VersionRunner fakes for tests under fake timers: each answers (or fails, or
 * rejects) a set time after it starts, honours the stop signal like a real runner, and logs when
 * and why it was stopped on the `performance.now()` clock.
 */
import type { Failure, RunOutcome, VersionRun, VersionRunner } from '../../../voter/runners/version-runner.js';

export interface RunLog {
  readonly run: VersionRun;
  readonly signal: AbortSignal;
  readonly startedAt: number;
  /** When the run's signal aborted and the reason it carried; undefined if it was never stopped. */
  stopped?: { readonly at: number; readonly reason: unknown };
  settledAt?: number;
}

export interface FakeRunner extends VersionRunner {
  readonly runs: readonly RunLog[];
  /** The single run of a single-call test. */
  soleRun(): RunLog;
}

/** What the version does on its own, `afterMs` after it starts, unless it is stopped first. */
type Act = (resolve: (outcome: RunOutcome) => void, reject: (error: unknown) => void) => void;

function fakeRunner(id: string, script?: { readonly afterMs: number; readonly act: Act }): FakeRunner {
  const runs: RunLog[] = [];
  return {
    id,
    transport: 'fake',
    runs,
    soleRun() {
      const [first, ...rest] = runs;
      if (first === undefined || rest.length > 0) throw new Error(`${id} ran ${runs.length} times, not once`);
      return first;
    },
    run(run, signal) {
      const log: RunLog = { run, signal, startedAt: performance.now() };
      runs.push(log);
      return new Promise<RunOutcome>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const done = (): void => {
          log.settledAt = performance.now();
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        };
        const onAbort = (): void => {
          log.stopped = { at: performance.now(), reason: signal.reason };
          done();
          const failure: Failure = signal.reason === 'timeout' ? 'timeout' : 'cancelled';
          resolve({ kind: 'failed', failure, detail: `stopped: ${String(signal.reason)}` });
        };
        if (signal.aborted) {
          onAbort();
          return;
        }
        signal.addEventListener('abort', onAbort, { once: true });
        if (script === undefined) return;
        timer = setTimeout(() => {
          done();
          script.act(resolve, reject);
        }, script.afterMs);
      });
    },
    load: () => ({ outstanding: 0, estimatedWaitMs: 0 }),
    health: () => ({ state: 'ready', capacity: 1, queued: 0, utilization: 0 }),
    warmUp: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
}

/** Never answers: only the gateway's stop ends its run. */
export function hangs(id: string): FakeRunner {
  return fakeRunner(id);
}

/** Returns `{ kind: 'value', value }` after `afterMs`. */
export function answers(id: string, value: unknown, afterMs: number): FakeRunner {
  return returns(id, { kind: 'value', value }, afterMs);
}

/** Returns `result` as it is (well-formed or not) after `afterMs`. */
export function returns(id: string, result: unknown, afterMs: number): FakeRunner {
  return fakeRunner(id, { afterMs, act: resolve => resolve({ kind: 'returned', result }) });
}

/** Reports its own failure after `afterMs`. */
export function fails(id: string, failure: Failure, detail: string, afterMs: number): FakeRunner {
  return fakeRunner(id, { afterMs, act: resolve => resolve({ kind: 'failed', failure, detail }) });
}

/** Breaks the runner contract: rejects with `error` after `afterMs`. */
export function rejects(id: string, error: unknown, afterMs: number): FakeRunner {
  return fakeRunner(id, { afterMs, act: (_resolve, reject) => reject(error) });
}

/** Breaks the runner contract harder: `run` itself throws before returning a promise. */
export function throwsAtOnce(id: string, error: unknown): FakeRunner {
  const runner = hangs(id);
  return {
    ...runner,
    run: () => {
      throw error;
    },
  };
}

/** A transient fault: fails its first run on a call with `failure`, answers `value` on a re-run. */
export function failsOnce(id: string, failure: Failure, value: unknown, afterMs: number): FakeRunner {
  const first = fails(id, failure, 'transient', afterMs);
  const again = answers(id, value, afterMs);
  const runs: RunLog[] = [];
  return {
    ...first,
    runs,
    run(run, signal) {
      const outcome = (run.attempt ?? 0) === 0 ? first.run(run, signal) : again.run(run, signal);
      runs.push(...(first.runs as RunLog[]).splice(0), ...(again.runs as RunLog[]).splice(0));
      return outcome;
    },
  };
}
