import { status } from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { adminOf, FaultKind, plantFault } from '../helpers/fault-admin.js';
import { call, outcomeOf, reportOf, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];

/** The same transient fault (its next call only) in two of three versions: a double fault once. */
async function plantTransientPair(gw: Gateway): Promise<void> {
  await plantFault(adminOf(gw), { kind: FaultKind.FAULT_KIND_EXCEPTION, versions: ['sort-heap', 'sort-radix'], activation: { $case: 'transient', value: { count: 1n } } });
}

const sort = (gw: Gateway) => call(gw.client.sort.bind(gw.client), { values: [3n, 1n, 2n] }, { deadlineMs: 5_000 });

describe('time redundancy through the real gateway', () => {
  it('masks a transient double fault by re-running the two failed versions, and counts the re-runs', async () => {
    await using gw = await startGateway({ config: { faultInjection: { enabled: true }, methods: { Sort: { versions: TMR } }, quarantine: { enabled: false } } });
    await plantTransientPair(gw);
    const result = await sort(gw);
    expect(result.response?.values).toEqual([1n, 2n, 3n]);
    const report = reportOf(result.trailers);
    expect(report.versions.find(version => version.version === 'sort-merge')?.injectedFault).toBe('');
    await vi.waitFor(
      async () => {
        const text = await gw.metrics();
        const agreed = ['sort-heap', 'sort-radix'].map(version => sample(text, 'nvote_retries_total', { method: 'Sort', version, result: 'agree' }));
        expect(agreed).toEqual([1, 1]);
        expect(sample(text, 'nvote_retries_total', { method: 'Sort', version: 'sort-merge', result: 'agree' })).toBe(0);
      },
      { timeout: 5_000, interval: 20 },
    );
  });

  it('gives the explicit error without it (retry.attempts 0)', async () => {
    await using gw = await startGateway({
      config: { faultInjection: { enabled: true }, methods: { Sort: { versions: TMR } }, quarantine: { enabled: false }, retry: { attempts: 0 } },
    });
    await plantTransientPair(gw);
    const result = await sort(gw);
    expect(result.error?.code).toBe(status.UNAVAILABLE);
    expect(outcomeOf(result.trailers)).toBe('quorum_lost');
  });
});
