import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { faultMetadata } from '../helpers/fault-admin.js';
import { call, sample, startGateway } from '../helpers/start-gateway.js';

const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];

describe('the disagreement journal as configured', () => {
  it('writes a not-unanimous client vote to journal.path, counts co-failures, and flushes at stop', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'nvote-journal-'));
    try {
      const path = join(directory, 'journal.jsonl');
      const gw = await startGateway({ config: { faultInjection: { enabled: true }, methods: { Sort: { versions: TMR } }, journal: { path, fsync: 'every' } } });
      try {
        // The unanimous call first: after the crash below, a straggler of the restarted version
        // could make a later call's vote not unanimous, and rightly journaled.
        await call(gw.client.sort.bind(gw.client), { values: [1n] }, { deadlineMs: 5_000 });
        const metadata = faultMetadata('crash sort-heap', 'exception sort-radix');
        metadata.set('x-request-id', 'journaled-1');
        await call(gw.client.sort.bind(gw.client), { values: [3n, 1n, 2n] }, { metadata, deadlineMs: 5_000 });
        await vi.waitFor(
          async () =>
            expect(sample(await gw.metrics(), 'nvote_version_cofailures_total', { method: 'Sort', a: 'sort-heap', b: 'sort-radix' })).toBe(1),
          { timeout: 5_000, interval: 20 },
        );
      } finally {
        await gw.stop();
      }
      const votes = (await readFile(path, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line) as { kind: string; requestId?: string; outcome?: string; input?: unknown })
        .filter(line => line.kind === 'vote');
      expect(votes.map(vote => vote.requestId)).toEqual(['journaled-1']);
      expect(votes[0]).toMatchObject({ requestId: 'journaled-1', outcome: 'quorum_lost', input: { values: ['3', '1', '2'] } });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
