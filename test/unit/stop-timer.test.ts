import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { fanOut, type RunSettlement } from '../../voter/pipeline/fan-out.js';
import { createCallAttributes } from '../../voter/runners/call-attributes.js';
import type { RunOutcome, VersionRunner } from '../../voter/runners/version-runner.js';

/** Holds the event loop, as a long garbage collection or a large decode does. */
function stallFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

/**
 * A version that answers through a MessagePort, the way a worker thread's answer reaches the
 * gateway (read in the poll phase), and that is stopped like a real runner when its signal aborts.
 */
function answeringThrough(port: MessageChannel['port2']): VersionRunner {
  return {
    id: 'sort-heap',
    transport: 'fake',
    run: (_run, signal) =>
      new Promise<RunOutcome>(resolve => {
        signal.addEventListener('abort', () => resolve({ kind: 'failed', failure: 'timeout', detail: 'stopped while running' }), { once: true });
        port.once('message', (result: unknown) => resolve({ kind: 'returned', result }));
      }),
  } as VersionRunner;
}

/** One version's run under a 5 ms budget, every settlement recorded. */
function runWithFiveMsBudget(port: MessageChannel['port2']) {
  const settlements: RunSettlement[] = [];
  const run = { input: {}, request: {}, inputBytes: 0, requestId: 'r', attributes: createCallAttributes() };
  const done = fanOut([answeringThrough(port)], run, {
    budgetMs: 5,
    stragglerGraceMs: 100,
    dropUnstartedWhenDecided: true,
    callSignal: new AbortController().signal,
    onSettle: settlement => {
      settlements.push(settlement);
      return true;
    },
  });
  return { done, settlements };
}

describe('stop timers and a stalled event loop', () => {
  it('reads an answer that arrived during a stall before the budget that ended meanwhile stops its run', async () => {
    const channel = new MessageChannel();
    try {
      const { done, settlements } = runWithFiveMsBudget(channel.port2);
      // The answer arrives in time; the gateway reads it only after the budget's end.
      channel.port1.postMessage({ kind: 'value', value: [1n] });
      stallFor(50);
      await done;
      expect(settlements.map(settlement => settlement.outcome)).toEqual([{ kind: 'returned', result: { kind: 'value', value: [1n] } }]);
    } finally {
      channel.port1.close();
    }
  });

  it('still stops a run that has not answered, one loop turn after its budget', async () => {
    const channel = new MessageChannel();
    try {
      const { done, settlements } = runWithFiveMsBudget(channel.port2);
      await done;
      expect(settlements.map(settlement => settlement.outcome)).toEqual([{ kind: 'failed', failure: 'timeout', detail: 'stopped while running' }]);
    } finally {
      channel.port1.close();
    }
  });
});
