/**
 * The disagreement journal's line format (JSON Lines), spelled once here so that the gateway
 * that writes it and every reader (`nvote replay`, a user's script) agree, as with the trailers.
 */
export const JOURNAL_FORMAT = 'nvote-journal/1';

/** A value left out of a line because its JSON was larger than the journal's `maxInputBytes`. */
export interface OmittedValue {
  /** Bytes of its JSON text (UTF-8). */
  readonly bytes: number;
  /** SHA-256 of that JSON text, hex: enough to tell two omitted values apart, not to replay them. */
  readonly sha256: string;
}

/** One version's part in a journaled vote. */
export interface JournalVersion {
  readonly version: string;
  /** The version's final verdict (`agree`, `disagree`, `timeout`, ...), as in the vote report. */
  readonly verdict: string;
  /**
   * The version failed on the call, as the co-failure matrix counts it: an error, a timeout or a
   * crash always; a dissent (disagree, domain_error) only when an answer won the vote, since in a
   * split with no winner nothing says which side was wrong.
   */
  readonly failed: boolean;
  readonly ms: number;
  /** The version's ballot (`{kind:'value',value}` or `{kind:'domain_error',reason}`), as JSON. */
  readonly output?: unknown;
  readonly outputOmitted?: OmittedValue;
  readonly detail?: string;
  readonly injectedFault?: string;
}

/** A client vote in which at least one version did not agree. */
export interface JournalVoteLine {
  readonly format: typeof JOURNAL_FORMAT;
  readonly kind: 'vote';
  /** Random per gateway process: sequence numbers restart with each run. */
  readonly run: string;
  /** This vote's number among all client votes of its method in this run, unanimous ones included (from 1). */
  readonly seq: number;
  readonly requestId: string;
  /** ISO 8601, when the last version settled. */
  readonly time: string;
  readonly method: string;
  /** The decoded request in proto3 JSON form (int64 as decimal strings), unless omitted. */
  readonly input?: unknown;
  readonly inputOmitted?: OmittedValue;
  /** The vote's outcome, or `cancelled` when the call ended before it was decided. */
  readonly outcome: string;
  readonly agreeing: number;
  readonly versions: readonly JournalVersion[];
}

/**
 * How many client votes each method had in this run so far: written first in every file (at
 * start and after each rotation) and at close, so that a reader knows how many votes a window of
 * the journal covered, unanimous ones included.
 */
export interface JournalCountsLine {
  readonly format: typeof JOURNAL_FORMAT;
  readonly kind: 'counts';
  readonly run: string;
  readonly time: string;
  /** Client votes per method since the run started; a method not listed had none. */
  readonly votes: Readonly<Record<string, number>>;
}

export type JournalLine = JournalVoteLine | JournalCountsLine;
