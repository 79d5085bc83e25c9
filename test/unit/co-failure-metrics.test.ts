import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createCoFailureMetrics } from '../../voter/journal/index.js';
import { voteEvent } from './support/vote-event.js';

async function cofailures(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('nvote_version_cofailures_total')?.get();
  return Object.fromEntries((metric?.values ?? []).map(({ labels, value }) => [`${labels['method']}:${labels['a']}/${labels['b']}`, value]));
}

describe('nvote_version_cofailures_total', () => {
  it('starts every pair of every method at 0, the smaller version name as a', async () => {
    const registry = new Registry();
    createCoFailureMetrics(registry, [
      { method: 'Sort', versions: ['sort-radix', 'sort-heap', 'sort-merge'] },
      { method: 'Evaluate', versions: ['b', 'a', 'c'] },
    ]);
    expect(await cofailures(registry)).toEqual({
      'Sort:sort-heap/sort-merge': 0,
      'Sort:sort-heap/sort-radix': 0,
      'Sort:sort-merge/sort-radix': 0,
      'Evaluate:a/b': 0,
      'Evaluate:a/c': 0,
      'Evaluate:b/c': 0,
    });
  });

  it('counts a client vote for each pair that both failed, and nothing for probes or lone failures', async () => {
    const registry = new Registry();
    const observer = createCoFailureMetrics(registry, [{ method: 'Sort', versions: ['a', 'b', 'c'] }]);
    observer.voteEnded(voteEvent({ verdicts: { c: 'timeout', a: 'disagree', b: 'agree' } }));
    observer.voteEnded(voteEvent({ verdicts: { a: 'crash', b: 'domain_error', c: 'error' } }));
    observer.voteEnded(voteEvent({ verdicts: { a: 'crash', b: 'crash', c: 'agree' }, probe: true }));
    observer.voteEnded(voteEvent({ verdicts: { a: 'disagree', b: 'agree', c: 'agree' } }));
    // Verdicts that say nothing about the answer are not failures.
    observer.voteEnded(voteEvent({ verdicts: { a: 'cancelled', b: 'pending', c: 'unconfirmed' } }));
    expect(await cofailures(registry)).toEqual({ 'Sort:a/b': 1, 'Sort:a/c': 2, 'Sort:b/c': 1 });
  });

  it('counts a dissent only against an answer that won: in a split, only errors, timeouts and crashes', async () => {
    const registry = new Registry();
    const observer = createCoFailureMetrics(registry, [{ method: 'Sort', versions: ['a', 'b', 'c', 'd'] }]);
    const split = { outcome: 'no_majority', agreeing: 2, ballots: 4 } as const;
    // Two against two: nothing says which pair was wrong.
    observer.voteEnded(voteEvent({ verdicts: { a: 'disagree', b: 'disagree', c: 'disagree', d: 'disagree' }, decision: split }));
    observer.voteEnded(voteEvent({ verdicts: { a: 'disagree', b: 'disagree', c: 'crash', d: 'timeout' }, decision: split }));
    expect(await cofailures(registry)).toMatchObject({ 'Sort:a/b': 0, 'Sort:c/d': 1, 'Sort:a/c': 0 });
  });
});
