import { describe, expect, it, vi } from 'vitest';
import { adminOf, FaultKind, plantFault } from '../helpers/fault-admin.js';
import { sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];

async function runs(gw: Gateway, version: string, result: string): Promise<number> {
  return sample(await gw.metrics(), 'nvote_selftest_runs_total', { method: 'Sort', version, result }) ?? -1;
}

describe('watchdog self-tests through the real gateway', () => {
  it('self-tests every version with no traffic at all, and records when each last passed', async () => {
    const before = Date.now() / 1000;
    await using gw = await startGateway({
      config: { methods: { Sort: { versions: TMR } }, health: { probeIntervalMs: 20, idleProbeAfterMs: 50 } },
    });
    await vi.waitFor(async () => expect(await runs(gw, 'sort-radix', 'pass')).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 20 });
    const text = await gw.metrics();
    for (const version of TMR) {
      expect(sample(text, 'nvote_selftest_last_success_timestamp_seconds', { method: 'Sort', version })).toBeGreaterThanOrEqual(before);
      expect(sample(text, 'nvote_selftest_runs_total', { method: 'Sort', version, result: 'fail' })).toBe(0);
    }
  });

  it('fails a wrong version and times out a hung one at the watchdog, while the others pass', async () => {
    await using gw = await startGateway({
      config: {
        faultInjection: { enabled: true },
        methods: { Sort: { versions: TMR } },
        health: { probeIntervalMs: 20, idleProbeAfterMs: 50, selfTestWatchdogMs: 500 },
        // Quarantine would take the failing versions out of clients' calls; it has no effect on self-tests, but keep this about self-tests.
        quarantine: { enabled: false },
      },
    });
    const plant = (kind: FaultKind, version: string) => plantFault(adminOf(gw), { kind, versions: [version] });
    await plant(FaultKind.FAULT_KIND_WRONG_VALUE, 'sort-heap');
    await plant(FaultKind.FAULT_KIND_HANG, 'sort-radix');
    await vi.waitFor(
      async () => {
        expect(await runs(gw, 'sort-heap', 'fail')).toBeGreaterThanOrEqual(2);
        expect(await runs(gw, 'sort-radix', 'timeout')).toBeGreaterThanOrEqual(2);
      },
      { timeout: 15_000, interval: 50 },
    );
    // A healthy version never fails one (on a loaded machine it may, rarely, miss the watchdog).
    expect(await runs(gw, 'sort-merge', 'fail')).toBe(0);
    expect(await runs(gw, 'sort-merge', 'pass')).toBeGreaterThanOrEqual(2);
  });
});
