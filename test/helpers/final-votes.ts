import type { VoteEvent, VoteObserver } from '../../voter/pipeline/index.js';

/** An observer that keeps every vote's final record (stragglers included), to be awaited by request id. */
export function finalVotes(): VoteObserver & { of(requestId: string): Promise<VoteEvent> } {
  const seen = new Map<string, VoteEvent>();
  const waiting = new Map<string, (event: VoteEvent) => void>();
  return {
    name: 'test-final-votes',
    voteEnded(event) {
      seen.set(event.requestId, event);
      waiting.get(event.requestId)?.(event);
    },
    of: requestId => {
      const event = seen.get(requestId);
      return event !== undefined ? Promise.resolve(event) : new Promise(resolve => waiting.set(requestId, resolve));
    },
  };
}
