import { status } from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { adminOf, faultMetadata, FaultKind, plantFault } from '../helpers/fault-admin.js';
import { call, outcomeOf, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

const FIVE = ['sort-merge', 'sort-heap', 'sort-radix', 'sort-typed-array', 'sort-shell'];

/** sort-heap permanently wrong, for ten calls: enough history for its weight to fall to nothing. */
async function teachHistory(gw: Gateway): Promise<void> {
  await plantFault(adminOf(gw), { kind: FaultKind.FAULT_KIND_WRONG_VALUE, versions: ['sort-heap'] });
  for (let i = 0; i < 10; i++) expect((await sortWith(gw)).response?.values).toEqual([1n, 2n, 3n]);
}

function sortWith(gw: Gateway, ...faults: string[]) {
  return call(gw.client.sort.bind(gw.client), { values: [3n, 1n, 2n] }, { metadata: faultMetadata(...faults), deadlineMs: 5_000 });
}

// Quarantine and time redundancy off, so that what differs is the voter alone.
const BASE = { faultInjection: { enabled: true }, quarantine: { enabled: false }, retry: { attempts: 0 } };

describe('history-weighted voting through the real gateway', () => {
  it('answers right where plain majority cannot: two of five crashed, the third dissenter known to be unreliable', async () => {
    await using weighted = await startGateway({ config: { ...BASE, methods: { Sort: { versions: FIVE, weighted: { minAgreement: 2 } } } } });
    await teachHistory(weighted);
    await vi.waitFor(async () => expect(sample(await weighted.metrics(), 'nvote_version_weight', { method: 'Sort', version: 'sort-heap' })).toBe(0), {
      timeout: 5_000,
      interval: 20,
    });
    const result = await sortWith(weighted, 'crash sort-typed-array', 'crash sort-shell');
    expect(result.response?.values).toEqual([1n, 2n, 3n]);
    expect(outcomeOf(result.trailers)).toBe('weighted_majority');

    await using plain = await startGateway({ config: { ...BASE, methods: { Sort: { versions: FIVE } } } });
    await teachHistory(plain);
    const refused = await sortWith(plain, 'crash sort-typed-array', 'crash sort-shell');
    expect(refused.error?.code).toBe(status.INTERNAL);
    expect(outcomeOf(refused.trailers)).toBe('no_majority');
  });

  it('is as good as plain majority against a single fault', async () => {
    await using weighted = await startGateway({ config: { ...BASE, methods: { Sort: { versions: FIVE, weighted: {} } } } });
    for (const kind of ['wrong_value', 'crash', 'exception']) {
      const result = await sortWith(weighted, `${kind} sort-radix`);
      expect(result.response?.values).toEqual([1n, 2n, 3n]);
      expect(['majority', 'unanimous']).toContain(outcomeOf(result.trailers));
    }
  });
});
