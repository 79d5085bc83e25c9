import { describe, expect, it } from 'vitest';
import { createAdmission, createConcurrencyLimit, type MethodLoad } from '../../voter/admission/index.js';

const idle: MethodLoad = { runners: [0, 1, 2].map(() => ({ load: () => ({ outstanding: 0, estimatedWaitMs: 0 }) })), majority: 2, failing: () => 0 };

describe('concurrency limit', () => {
  it('starts at its initial value, grows by one per call decided within half its budget, up to the maximum', () => {
    const limit = createConcurrencyLimit({ initial: 4, max: 6 });
    expect(limit.current).toBe(4);
    limit.decided(0.1);
    limit.decided(0.5);
    expect(limit.current).toBe(6);
    limit.decided(0);
    expect(limit.current).toBe(6);
  });

  it('halves on a late call, never below its initial value', () => {
    const limit = createConcurrencyLimit({ initial: 4, max: 100 });
    for (let i = 0; i < 16; i += 1) limit.decided(0.2);
    expect(limit.current).toBe(20);
    limit.decided(0.51);
    expect(limit.current).toBe(10);
    limit.decided(1);
    limit.decided(3);
    expect(limit.current).toBe(4);
  });

  it('is never above the maximum, even when the initial value is', () => {
    const limit = createConcurrencyLimit({ initial: 10, max: 3 });
    expect(limit.current).toBe(3);
    limit.decided(0.9);
    expect(limit.current).toBe(3);
  });
});

describe('admission with a concurrency limit', () => {
  it('refuses past the learned limit, and admits more once calls are decided in time', () => {
    let now = 0;
    const admission = createAdmission(
      { maxInFlight: 10, maxInFlightBytes: 1_000, maxQueueWaitMs: 100, maxEventLoopLagMs: undefined },
      () => 0,
      () => 0,
      createConcurrencyLimit({ initial: 2, max: 10 }),
      () => now,
    );
    const first = admission.admit(idle, 1, 1_000);
    const second = admission.admit(idle, 1, 1_000);
    expect(admission.admit(idle, 1, 1_000)).toEqual({
      reason: 'overloaded',
      message: '2 voted calls in flight; the limit is 2 (learned from how recent calls fared; at most 10)',
    });
    if (!('release' in first) || !('release' in second)) throw new Error('not admitted');
    now = 100;
    first.decided();
    first.decided();
    expect(admission.inFlightLimit).toBe(3);
    expect('release' in admission.admit(idle, 1, 1_000)).toBe(true);
    // Decided after 90% of its budget: late, so the limit falls back.
    now = 900;
    second.decided();
    expect(admission.inFlightLimit).toBe(2);
    expect(admission.check(idle, 1, 1_000)).toMatchObject({ reason: 'overloaded' });
  });
});
