import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { adminOf, clearFaults, faultMetadata, FaultKind, plantFault } from '../helpers/fault-admin.js';
import { call, reportOf, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];
const CONFIG = {
  faultInjection: { enabled: true },
  methods: { Sort: { versions: TMR } },
  quarantine: { windowSize: 4, failureThreshold: 3, reinstateAfterProbes: 2 },
  health: { probeIntervalMs: 20, idleProbeAfterMs: 50 },
};

async function sort(gw: Gateway, metadata = new Metadata()) {
  const result = await call(gw.client.sort.bind(gw.client), { values: [3n, 1n, 2n] }, { metadata, deadlineMs: 5_000 });
  return { values: result.response?.values, report: reportOf(result.trailers) };
}

async function quarantined(gw: Gateway, version: string): Promise<number | undefined> {
  return sample(await gw.metrics(), 'nvote_version_quarantined', { method: 'Sort', version });
}

describe('quarantine through the real gateway', () => {
  it('takes a permanently wrong version out of the vote, and brings it back once its fault is cleared', async () => {
    await using gw = await startGateway({ config: CONFIG });
    const planted = await plantFault(adminOf(gw), { kind: FaultKind.FAULT_KIND_WRONG_VALUE, versions: ['sort-heap'] });
    // Clients' calls and self-tests both count against it, so it may go before the third call.
    for (let i = 0; i < 3; i++) expect((await sort(gw)).values).toEqual([1n, 2n, 3n]);
    // The last verdict may reach the observers just after its answer reached the client.
    await vi.waitFor(async () => expect(await quarantined(gw, 'sort-heap')).toBe(1), { timeout: 5_000, interval: 20 });
    // Out of the vote: the other two answer, and both must agree.
    const { values, report } = await sort(gw);
    expect(values).toEqual([1n, 2n, 3n]);
    expect(report.configuredVersions).toBe(2);
    expect(report.versions.map(version => version.version)).toEqual(['sort-merge', 'sort-radix']);

    // Probes go on failing while the fault stands; once it is cleared, they pass and reinstate it.
    await clearFaults(adminOf(gw), [planted]);
    await vi.waitFor(async () => expect(await quarantined(gw, 'sort-heap')).toBe(0), { timeout: 10_000, interval: 20 });
    const back = await sort(gw);
    expect(back.report.configuredVersions).toBe(3);
    const text = await gw.metrics();
    expect(sample(text, 'nvote_quarantine_transitions_total', { method: 'Sort', version: 'sort-heap', to: 'quarantined' })).toBe(1);
    expect(sample(text, 'nvote_quarantine_transitions_total', { method: 'Sort', version: 'sort-heap', to: 'reinstated' })).toBe(1);
  });

  it('does not count a fault planted on one call (x-nvote-fault) against the version', async () => {
    await using gw = await startGateway({ config: CONFIG });
    for (let i = 0; i < 5; i++) expect((await sort(gw, faultMetadata('wrong_value sort-heap'))).values).toEqual([1n, 2n, 3n]);
    expect(await quarantined(gw, 'sort-heap')).toBe(0);
  });

  it('keeps a second failing version voting, and calls the method degraded', async () => {
    await using gw = await startGateway({ config: CONFIG });
    // A standing fault's runs that have not started when the vote is decided are dropped
    // (cancelled: no evidence), so how many calls it takes varies; it must be within a few windows.
    const callUntil = async (done: () => Promise<boolean>): Promise<number> => {
      for (let calls = 1; calls <= 40; calls++) {
        await sort(gw);
        if (await done()) return calls;
      }
      return Infinity;
    };
    await plantFault(adminOf(gw), { kind: FaultKind.FAULT_KIND_EXCEPTION, versions: ['sort-heap'] });
    // On failure, say what quarantine made of it.
    const standings = async (): Promise<string> =>
      (await gw.metrics())
        .split('\n')
        .filter(line => /^nvote_(version_quarantined|method_degraded|quarantine_transitions_total)\{method="Sort"/.test(line))
        .join('\n');
    expect(await callUntil(async () => (await quarantined(gw, 'sort-heap')) === 1), await standings()).toBeLessThan(40);
    await plantFault(adminOf(gw), { kind: FaultKind.FAULT_KIND_EXCEPTION, versions: ['sort-radix'] });
    const degraded = async () => sample(await gw.metrics(), 'nvote_method_degraded', { method: 'Sort' }) === 1;
    expect(await callUntil(degraded), await standings()).toBeLessThan(40);
    expect(await quarantined(gw, 'sort-radix'), await standings()).toBe(0);
    expect(await quarantined(gw, 'sort-heap')).toBe(1);
  });
});
