/**
 * One line of the campaign's history (JSON Lines), in the spirit of a Jepsen history: every
 * operation with its process, its invocation and completion times, and a completion type:
 * `ok` (answered), `fail` (an explicit error: the gateway refused to guess) or `info`
 * (indeterminate: the client's deadline or the transport ended the call).
 */
export interface HistoryEntry {
  readonly type: 'ok' | 'fail' | 'info';
  readonly index: number;
  /** The concurrent client loop that issued the call. */
  readonly process: number;
  /** The RPC. */
  readonly f: string;
  readonly requestId: string;
  /** The fault setting: versions per call, or the per-version probability p of a sweep point. */
  readonly phase: string;
  readonly p?: number;
  readonly invokeMs: number;
  readonly completeMs: number;
  /** N, the versions the method runs. */
  readonly versions: number;
  /** The faults the gateway reports it injected (its VoteReport), by version. */
  readonly injected: readonly { readonly version: string; readonly kind: string }[];
  /** Each version's verdict in the gateway's report, at the time the response was sent. */
  readonly verdicts: Readonly<Record<string, string>>;
  /** Times admission refused the call (RESOURCE_EXHAUSTED) before it was sent again. */
  readonly refusals: number;
  /**
   * Versions whose answer was wrong or missing: injected faults that had that effect (a delay
   * does not, nor does a corruption the voter tolerated), plus `native` failures.
   */
  readonly faulty: number;
  /** Versions that failed with no injected fault (timeout, crash, error, disagreement). */
  readonly native: readonly string[];
  readonly status: string;
  /** The `nvote-outcome` trailer ("" when no vote took place). */
  readonly outcome: string;
  /** Answered with the reference answer. */
  readonly correct: boolean;
  /** Answered with something else: must never happen with a faulty minority. */
  readonly wrong: boolean;
  /** For a wrong answer, why the vote let it through. */
  readonly escape?: 'common_mode' | 'identical_corruption' | 'unexplained';
  readonly expected: unknown;
  /** The wrong answer itself, kept as evidence. */
  readonly got?: unknown;
  readonly message?: string;
}

/** JSON with bigints as decimal strings. */
export function toJsonLine(entry: HistoryEntry): string {
  return JSON.stringify(entry, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}
