import type { CallAttributes } from '../runners/index.js';

/** One call to vote on, as interceptors, runners and observers see it. */
export interface VoteCall {
  /** The RPC name, `Sort`. */
  readonly method: string;
  readonly requestId: string;
  /** The plain data the built-in versions compute on. */
  readonly input: unknown;
  /** The decoded request message (what a remote version is sent). */
  readonly request: unknown;
  /** The request's size on the wire (bytes). */
  readonly inputBytes: number;
  /** Each version's time budget (ms). */
  readonly budgetMs: number;
  /** Aborts when the call ends early: the client cancelled, its deadline passed, or shutdown. */
  readonly signal: AbortSignal;
  /** A known-answer probe of the gateway's own (health), not a client's call. */
  readonly probe: boolean;
  /** The values of one request header (lower-case name); empty for probes. */
  header(name: string): readonly string[];
  /** Typed per-call state of plug-ins. */
  readonly attributes: CallAttributes;
  /** What plug-ins found out about the call, for the evidence log (for example a fault's effect). */
  readonly annotations: Map<string, string>;
  /**
   * Runs `callback` once every version has settled (stragglers included), or as soon as the call
   * fails before it reaches them: where a plug-in frees what it holds for the call. Contained.
   */
  onSettled(callback: () => void): void;
}

/** What the edge (or a probe) knows of a call before the pipeline takes it. */
export type VoteCallInit = Omit<VoteCall, 'attributes' | 'annotations' | 'onSettled'>;
