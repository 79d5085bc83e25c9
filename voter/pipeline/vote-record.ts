import type { Ballot, Verdict } from '../vote/index.js';
import type { Decision } from '../vote/index.js';
import type { NvoteError } from '../errors.js';

/** What one version did, for the report, the metrics and the log. */
export interface VersionRecord {
  readonly version: string;
  readonly verdict: Verdict;
  readonly durationSeconds: number;
  /** The reason of a domain-error ballot. */
  readonly domainReason?: string;
  /** Why a version failed or its answer was refused (never sent to clients). */
  readonly detail?: string;
  /** The fault a fault-injection decorator made this version suffer on this call, if any. */
  readonly injectedFault?: string;
  /** The version's answer, when it gave one the voter accepted (kept in memory, never sent). */
  readonly ballot?: Ballot<unknown>;
  /** Runs on this call when time redundancy re-ran it (2: once more); absent when it ran once. */
  readonly attempts?: number;
  /** A shadow version: it ran and was judged against the decision, but did not vote. */
  readonly shadow?: true;
}

export interface VoteRecord<TValue> {
  readonly decision: Decision<TValue>;
  /**
   * An interceptor's refusal of the decided answer (strict mode): the call fails with it instead
   * of answering, and still carries the report.
   */
  readonly vetoed?: NvoteError;
  readonly versions: readonly VersionRecord[];
  /** True when the call ended (cancel, deadline, shutdown) before the vote was decided. */
  readonly endedEarly: boolean;
}

/**
 * Method or voter code (isValue, a voter's functions) threw while the vote was being taken. It is
 * the gateway's fault, never a version's: the call fails with INTERNAL.
 */
export class VoteFailure extends Error {
  override readonly name = 'VoteFailure';
  constructor(cause: unknown) {
    super('method or voter code threw during the vote', { cause });
  }
}

/** How a vote ended once every version settled: its record, or the failure that stopped it. */
export type VoteEnd<TValue> =
  | { readonly kind: 'recorded'; readonly record: VoteRecord<TValue> }
  | { readonly kind: 'failed'; readonly error: VoteFailure };
