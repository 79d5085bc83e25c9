import { describe, expect, it } from 'vitest';
import { NOT_EVIDENCE, STANDING_DOWN, type VoteCall } from '../../voter/pipeline/index.js';
import { createQuarantinePlugin, type Transition } from '../../voter/quarantine/index.js';
import type { Verdict } from '../../voter/vote/ballot.js';
import { voteEvent } from './support/vote-event.js';

function plugin() {
  const transitions: Transition[] = [];
  const quarantine = createQuarantinePlugin({
    methods: new Map([['Sort', ['a', 'b', 'c']]]),
    rules: { windowSize: 5, failureThreshold: 2, reinstateAfterProbes: 1 },
    sink: { standing: () => undefined, transition: () => undefined, degraded: () => undefined },
    onTransition: transition => transitions.push(transition),
  });
  return { quarantine, transitions };
}

const vote = (verdicts: Record<string, Verdict>) => voteEvent({ verdicts });

describe('the quarantine plug-in', () => {
  it('scores clients\' verdicts: two failures of one version quarantine it', () => {
    const { quarantine, transitions } = plugin();
    quarantine.observer.voteEnded(vote({ a: 'agree', b: 'agree', c: 'disagree' }));
    quarantine.observer.voteEnded(vote({ a: 'agree', b: 'agree', c: 'crash' }));
    expect(transitions.map(t => [t.version, t.to])).toEqual([['c', 'quarantined']]);
  });

  it('does not hold timeouts shared by several versions of one call against them: overload, not two faults', () => {
    const { quarantine, transitions } = plugin();
    for (let i = 0; i < 3; i++) quarantine.observer.voteEnded(vote({ a: 'agree', b: 'timeout', c: 'timeout' }));
    expect(transitions).toEqual([]);
    // A lone timeout is the version's own.
    quarantine.observer.voteEnded(vote({ a: 'agree', b: 'agree', c: 'timeout' }));
    quarantine.observer.voteEnded(vote({ a: 'agree', b: 'agree', c: 'timeout' }));
    expect(transitions.map(t => t.version)).toEqual(['c']);
  });

  it('ignores probes and calls with planted per-call faults', () => {
    const { quarantine, transitions } = plugin();
    const planted = vote({ a: 'agree', b: 'agree', c: 'disagree' });
    planted.call.attributes.set(NOT_EVIDENCE, true);
    for (let i = 0; i < 3; i++) {
      quarantine.observer.voteEnded(planted);
      quarantine.observer.voteEnded(voteEvent({ verdicts: { a: 'agree', b: 'agree', c: 'crash' }, probe: true }));
    }
    expect(transitions).toEqual([]);
  });

  it('makes the quarantined versions sit clients\' calls out, never probes', async () => {
    const { quarantine } = plugin();
    quarantine.quarantine('Sort', 'b');
    const seen = async (call: VoteCall): Promise<string[]> => {
      let standingDown: string[] = [];
      await quarantine.interceptor.intercept(call, async inner => {
        standingDown = [...(inner.attributes.get(STANDING_DOWN) ?? [])];
        return { decision: { outcome: 'quorum_lost', agreeing: 0, ballots: 0 }, versions: [], endedEarly: false };
      });
      return standingDown;
    };
    expect(await seen(vote({}).call)).toEqual(['b']);
    expect(await seen(voteEvent({ verdicts: {}, probe: true }).call)).toEqual([]);
  });
});
