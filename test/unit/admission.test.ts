import { describe, expect, it, vi } from 'vitest';
import { cachedMachineBacklog, createAdmission, machineBacklogMs, requestCostBytes, versionsNeeded, type MethodLoad } from '../../voter/admission/index.js';
import type { RunnerLoad as PoolLoad } from '../../voter/runners/index.js';

const LIMITS = { maxInFlight: 3, maxInFlightBytes: 1_000, maxQueueWaitMs: 100, maxEventLoopLagMs: 200 };
const idle: PoolLoad = { outstanding: 0, estimatedWaitMs: 0 };
const waiting = (estimatedWaitMs: number): PoolLoad => ({ outstanding: 5, estimatedWaitMs });

function methodOf(loads: readonly PoolLoad[], failing = 0): MethodLoad {
  return { runners: loads.map(load => ({ load: () => load })), majority: Math.floor(loads.length / 2) + 1, failing: () => failing };
}

describe('admission', () => {
  it('refuses calls as overloaded while the event loop runs too far behind, once something is in flight', () => {
    let lagMs = 500;
    const admission = createAdmission(LIMITS, () => lagMs);
    const method = methodOf([idle, idle, idle]);
    // An idle gateway whose loop was blocked (start-up, one long decode) has nothing to shed.
    const first = admission.admit(method, 1, 1_000);
    expect('release' in first).toBe(true);
    expect(admission.admit(method, 1, 1_000)).toEqual({ reason: 'overloaded', message: 'the event loop is 500 ms behind; the limit is 200 ms' });
    expect(admission.check(method, 1, 1_000)).toMatchObject({ reason: 'overloaded' });
    lagMs = 200;
    expect('release' in admission.admit(method, 1, 1_000)).toBe(true);
  });

  it('never refuses for lag when no lag limit is configured (the default)', () => {
    const admission = createAdmission({ ...LIMITS, maxEventLoopLagMs: undefined }, () => 10_000);
    const method = methodOf([idle, idle, idle]);
    expect([1, 2, 3].map(() => 'release' in admission.admit(method, 1, 1_000))).toEqual([true, true, true]);
  });

  it('admits up to maxInFlight calls and refuses the next as overloaded until one is released', () => {
    const admission = createAdmission(LIMITS);
    const method = methodOf([idle, idle, idle]);
    const tickets = [1, 2, 3].map(() => admission.admit(method, 1, 1_000));
    expect(tickets.every(ticket => 'release' in ticket)).toBe(true);
    expect(admission.admit(method, 1, 1_000)).toMatchObject({ reason: 'overloaded' });
    expect(admission.check(method, 1, 1_000)).toMatchObject({ reason: 'overloaded' });
    const [first] = tickets;
    if (first === undefined || !('release' in first)) throw new Error('not admitted');
    first.release();
    first.release();
    expect(admission.inFlight).toBe(2);
    expect('release' in admission.admit(method, 1, 1_000)).toBe(true);
  });

  it('refuses a call whose bytes would exceed the budget, but admits an oversized one when nothing is held', () => {
    const admission = createAdmission(LIMITS);
    const method = methodOf([idle, idle, idle]);
    const big = admission.admit(method, 5_000, 1_000);
    expect('release' in big).toBe(true);
    expect(admission.inFlightBytes).toBe(5_000);
    expect(admission.admit(method, 1, 1_000)).toMatchObject({ reason: 'memory' });
    if ('release' in big) big.release();
    expect(admission.inFlightBytes).toBe(0);
    const a = admission.admit(method, 600, 1_000);
    expect('release' in a).toBe(true);
    expect(admission.admit(method, 600, 1_000)).toMatchObject({ reason: 'memory' });
    expect('release' in admission.admit(method, 400, 1_000)).toBe(true);
  });

  it('refuses when fewer than a majority of versions could start within maxQueueWaitMs', () => {
    const admission = createAdmission(LIMITS);
    expect(admission.admit(methodOf([idle, waiting(101), waiting(101)]), 1, 10_000)).toMatchObject({ reason: 'queue' });
    expect('release' in admission.admit(methodOf([idle, idle, waiting(101)], 1), 1, 10_000)).toBe(true);
  });

  it('needs every one of three versions within half the budget, unless one is already failing', () => {
    const admission = createAdmission({ ...LIMITS, maxQueueWaitMs: 10_000 });
    const oneSlow = [idle, idle, waiting(600)];
    expect(admission.admit(methodOf(oneSlow), 1, 1_000)).toMatchObject({ reason: 'queue' });
    expect('release' in admission.admit(methodOf(oneSlow), 1, 2_000)).toBe(true);
    // A failing version's congested pool is its own fault, not load: the other two suffice.
    expect('release' in admission.admit(methodOf(oneSlow, 1), 1, 1_000)).toBe(true);
  });

  it('refuses, once a call is in flight, while the work owed to local versions exceeds a quarter of the budget on the cores', () => {
    let backlogMs = 300;
    const admission = createAdmission(LIMITS, () => 0, () => backlogMs);
    const method = methodOf([idle, idle, idle]);
    // An idle gateway has nothing to shed, whatever the estimate says.
    expect('release' in admission.admit(method, 1, 1_000)).toBe(true);
    expect(admission.admit(method, 1, 1_000)).toEqual({
      reason: 'queue',
      message: "the work already handed to this machine's versions needs 300 ms of its cores; the call has 1000 ms",
    });
    expect('release' in admission.admit(method, 1, 1_200)).toBe(true);
    backlogMs = 250;
    expect('release' in admission.admit(method, 1, 1_000)).toBe(true);
  });

  it('sums the thread time owed by local runners over the cores; remote runners owe none', () => {
    const runners = [{ outstanding: 3, estimatedWaitMs: 0, localWorkMs: 30 }, { outstanding: 1, estimatedWaitMs: 5, localWorkMs: 10 }, { outstanding: 2, estimatedWaitMs: 0 }];
    expect(machineBacklogMs(runners.map(load => ({ load: () => load })), 2)).toBe(20);
  });

  it('asks the runners again for the backlog at most once a millisecond', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      let asked = 0;
      const runner = { load: () => ((asked += 1), { outstanding: 1, estimatedWaitMs: 0, localWorkMs: 10 * asked }) };
      const backlog = cachedMachineBacklog([runner], 1);
      expect([backlog(), backlog()]).toEqual([10, 10]);
      vi.advanceTimersByTime(1);
      expect(backlog()).toBe(20);
      expect(asked).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks for a majority plus one spare, never more than N, never less than a majority', () => {
    expect([3, 4, 5, 7].map(n => versionsNeeded(n, 0))).toEqual([3, 4, 4, 5]);
    expect([3, 4, 5, 7].map(n => versionsNeeded(n, 1))).toEqual([2, 3, 4, 5]);
    expect(versionsNeeded(3, 3)).toBe(2);
    expect(versionsNeeded(5, 2)).toBe(3);
  });

  it('charges a request its wire bytes, the decoded copy and one copy per version', () => {
    expect(requestCostBytes(1_000, 3)).toBe(5_000);
  });
});
