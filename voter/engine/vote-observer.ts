import type { VoteEnd } from './conduct-vote.js';

/** Where a vote went, once every version has settled. */
export interface VoteEvent {
  readonly method: string;
  readonly requestId: string;
  readonly end: VoteEnd<unknown>;
  /** A probe of the gateway's own (known-answer self-test), not a client's call. */
  readonly probe: boolean;
}

/** Bookkeeping after a vote (metrics, the disagreement log, health); never changes the answer. */
export interface VoteObserver {
  readonly name: string;
  voteEnded(event: VoteEvent): void;
}

/**
 * Tells every observer, each on its own: one that throws is reported and the others still hear
 * of the vote.
 */
export function notifyObservers(
  observers: readonly VoteObserver[],
  event: VoteEvent,
  onObserverError: (observer: string, error: unknown) => void,
): void {
  for (const observer of observers) {
    try {
      observer.voteEnded(event);
    } catch (error) {
      onObserverError(observer.name, error);
    }
  }
}
