import type { Ballot } from '../vote/index.js';
import type { VoteCall } from './vote-call.js';
import type { VoteEnd } from './vote-record.js';

/** The method's own way of reading answers, for observers that judge versions against something. */
export interface BallotJudge {
  /** A version's raw result as a ballot, or undefined when it is not a well-formed answer. */
  ballotOf(result: unknown): Ballot<unknown> | undefined;
  /** True when two ballots count as one vote under the method's voter. */
  agree(a: Ballot<unknown>, b: Ballot<unknown>): boolean;
}

/** Where a vote went, once every version has settled. */
export interface VoteEvent {
  readonly method: string;
  readonly requestId: string;
  readonly end: VoteEnd<unknown>;
  /** A probe of the gateway's own (known-answer self-test), not a client's call. */
  readonly probe: boolean;
  readonly call: VoteCall;
  readonly judge: BallotJudge;
}

/** Bookkeeping after a vote (metrics, the disagreement log, health); never changes the answer. */
export interface VoteObserver {
  readonly name: string;
  voteEnded(event: VoteEvent): void;
}
