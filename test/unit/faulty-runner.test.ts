import { describe, expect, it } from 'vitest';
import type { Injection } from '../../voter/faults/fault-spec.js';
import { withInjectedFaults } from '../../voter/faults/faulty-runner.js';
import { failed, type RunOutcome, type VersionRun, type WorkerRunner } from '../../voter/runners/index.js';

/**
 * A worker runner whose injected faults wait in its line: each run settles when the test says,
 * or as a real dispatcher drops it (cancelled) once its `decided` signal aborts.
 */
function queuedWorkerRunner() {
  const seen: AbortSignal[] = [];
  const runner = {
    id: 'sort-heap',
    transport: 'worker',
    run: () => Promise.resolve<RunOutcome>({ kind: 'returned', result: { kind: 'value', value: [1n] } }),
    runWithWorkerFault: (run: VersionRun, _fault: unknown, signal: AbortSignal) => {
      seen.push(run.decided);
      return new Promise<RunOutcome>(resolve => {
        run.decided.addEventListener('abort', () => resolve(failed('cancelled', 'not started: the vote was decided without it')), { once: true });
        signal.addEventListener('abort', () => resolve(failed('timeout', 'stopped while running')), { once: true });
      });
    },
    load: () => ({ outstanding: 0, estimatedWaitMs: 0 }),
    health: () => ({ state: 'ready', capacity: 1, queued: 0, utilization: 0 }),
    warmUp: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  } as unknown as WorkerRunner;
  return { runner, seen };
}

function hang(perCall: boolean): Injection {
  return { faultId: perCall ? 'call:0' : 'fault-1', kind: 'hang', delayMs: 0, corruptionSeed: 's', perCall };
}

function runWith(injection: Injection) {
  const { runner, seen } = queuedWorkerRunner();
  const faulty = withInjectedFaults(runner, {}, () => new Map([['sort-heap', injection]]), () => undefined);
  const decision = new AbortController();
  const stop = new AbortController();
  const run: VersionRun = { input: {}, request: {}, inputBytes: 0, requestId: 'r', attributes: new Map(), budgetEndsAt: 0, decided: decision.signal } as unknown as VersionRun;
  const outcome = faulty.run(run, stop.signal);
  return { outcome, seen, decide: () => decision.abort('decided'), stop: () => stop.abort('timeout') };
}

describe('injected faults and the decision', () => {
  it("drops a standing fault's run not started once the vote is decided, like any broken version, and does not count it as fired", async () => {
    const { outcome, seen, decide } = runWith(hang(false));
    expect(seen[0]?.aborted).toBe(false);
    decide();
    expect(await outcome).toEqual({ kind: 'failed', failure: 'cancelled', detail: 'not started: the vote was decided without it' });
  });

  it('never drops a per-call fault: the decision does not reach its run, which runs until stopped and is marked', async () => {
    const { outcome, seen, decide, stop } = runWith(hang(true));
    decide();
    expect(seen[0]?.aborted).toBe(false);
    stop();
    expect(await outcome).toEqual({ kind: 'failed', failure: 'timeout', detail: 'stopped while running', injectedFault: 'hang' });
  });

  it('gives each per-call fault a decision signal of its own, never one that every faulted run listens on', async () => {
    const { runner, seen } = queuedWorkerRunner();
    const faulty = withInjectedFaults(runner, {}, () => new Map([['sort-heap', hang(true)]]), () => undefined);
    const stop = new AbortController();
    const run = { input: {}, request: {}, inputBytes: 0, requestId: 'r', attributes: new Map(), budgetEndsAt: 0, decided: new AbortController().signal } as unknown as VersionRun;
    // More runs in flight than Node's default of ten listeners on one signal.
    const outcomes = Array.from({ length: 12 }, () => faulty.run(run, stop.signal));
    expect(new Set(seen).size).toBe(12);
    stop.abort('timeout');
    for (const outcome of await Promise.all(outcomes)) expect(outcome).toMatchObject({ failure: 'timeout', injectedFault: 'hang' });
  });

  it('marks a standing fault that ran until stopped', async () => {
    const { outcome, stop } = runWith(hang(false));
    stop();
    expect(await outcome).toEqual({ kind: 'failed', failure: 'timeout', detail: 'stopped while running', injectedFault: 'hang' });
  });
});
