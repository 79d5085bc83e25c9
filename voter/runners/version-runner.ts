/**
 * The port between a vote and the place a version runs: a worker pool in this process, a gRPC
 * service elsewhere, anything that can take one call's input and give back a result or fail.
 *
 * Vocabulary (as in the dependability literature): a *fault* is the cause (an injected one, a bug,
 * a dead host); the runner only ever sees what it caused, a *failure* of this version on this
 * call. Runners report failures; they never speak of faults.
 */
import type { ReadonlyAttributes } from './call-attributes.js';

/** How one version failed one call, as the caller observed it. */
export type Failure =
  | 'error' // it answered with an error, or with something that is not an answer
  | 'timeout' // it did not answer within its budget (or within the grace after the vote)
  | 'crash' // it died: its thread exited, ran out of memory, or its connection went away
  | 'cancelled'; // the gateway stopped it: the call ended early or the gateway shut down

/** Why the gateway stops a version: the reason an aborted run's signal carries. */
export type StopReason = 'timeout' | 'cancelled';

/** What one version did with one call. A runner never rejects: everything is an outcome. */
export type RunOutcome =
  | {
      readonly kind: 'returned';
      /** `{ kind: 'value', value }` or `{ kind: 'domain_error', reason }`, still to be checked. */
      readonly result: unknown;
      readonly injectedFault?: string;
    }
  | {
      readonly kind: 'failed';
      readonly failure: Failure;
      /** What went wrong, for the log (never sent to clients). */
      readonly detail: string;
      readonly injectedFault?: string;
    };

/** One call, as a version sees it. */
export interface VersionRun {
  /** The plain data a built-in version computes on. */
  readonly input: unknown;
  /** The decoded request message, for runners that forward the call as it came. */
  readonly request: unknown;
  /** The request's size on the wire (bytes): how long the version is likely to be busy. */
  readonly inputBytes: number;
  readonly requestId: string;
  /** When the version's budget ends, on the `performance.now()` clock. */
  readonly budgetEndsAt: number;
  /**
   * Aborts once the vote is decided without this run. A runner may drop a run it has not started
   * yet (outcome `cancelled`) rather than let it delay other calls: a straggler not yet begun
   * costs nothing. One already running goes on until the run's own signal stops it (the grace).
   */
  readonly decided: AbortSignal;
  /** Per-call state of plug-ins; a runner decorator reads its own (fault injection reads its plan). */
  readonly attributes: ReadonlyAttributes;
  /** Which run of this version on this call: absent or 0 the first, 1 the first re-run (time redundancy). */
  readonly attempt?: number;
}

/** How busy a runner is, for admission: cheap, read on every call. */
export interface RunnerLoad {
  /** Runs handed over and not yet settled, running or waiting. */
  readonly outstanding: number;
  /** How long a run handed over now would wait before it starts (ms); 0 when it starts at once. */
  readonly estimatedWaitMs: number;
  /**
   * Thread time this machine's CPUs still owe the runs handed over (ms): running and waiting.
   * Absent for runners whose work is done elsewhere (remote).
   */
  readonly localWorkMs?: number;
}

/** What the runner knows of its own state, for gauges and logs (health itself comes from verdicts). */
export interface RunnerHealth {
  /** `ready`: can take runs now; `starting`: not yet (loading, connecting); `unavailable`: cannot. */
  readonly state: 'ready' | 'starting' | 'unavailable';
  /** Threads (worker pool) or connections (remote) able to run. */
  readonly capacity: number;
  /** Runs waiting to start. */
  readonly queued: number;
  /** Share of capacity busy, 0 to 1. */
  readonly utilization: number;
}

export interface VersionRunner {
  /** The version id: metric label, report entry, configuration name. */
  readonly id: string;
  /** `worker` or `remote`: for logs and the effective configuration. */
  readonly transport: string;
  /**
   * Runs the version on one call. `signal` aborts with a StopReason when the gateway stops it;
   * the outcome then says `timeout` or `cancelled` accordingly. Never rejects.
   */
  run(run: VersionRun, signal: AbortSignal): Promise<RunOutcome>;
  load(): RunnerLoad;
  health(): RunnerHealth;
  /** Resolves once the version can take runs (true), or when it could not get there (false). */
  warmUp(): Promise<boolean>;
  /**
   * Starts the version afresh (new threads, a new connection), for quarantine: whatever state a
   * fault left behind in the old ones is gone. Runs already going finish where they are.
   */
  restart?(): Promise<void>;
  /** Stops every run still going and frees the runner's resources. */
  close(): Promise<void>;
}

/** The failure an aborted run reports: what the gateway said when it stopped it. */
export function failureOfStop(signal: AbortSignal): Failure {
  return signal.reason === 'timeout' ? 'timeout' : 'cancelled';
}

export function failed(failure: Failure, detail: string): RunOutcome {
  return { kind: 'failed', failure, detail };
}
