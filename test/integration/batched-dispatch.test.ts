import { describe, expect, it } from 'vitest';
import { createCallAttributes } from '../../voter/runners/call-attributes.js';
import type { RunOutcome, VersionRun } from '../../voter/runners/index.js';
import { createWorkerRunner } from '../../voter/runners/worker/worker-runner.js';

const POISONED = new URL('../fixtures/versions/poisoned.ts', import.meta.url);
const LARGE = 200_000;

function runOf(values: bigint[], decided = new AbortController().signal): VersionRun {
  return {
    input: { values },
    request: { values },
    inputBytes: values.length * 9,
    requestId: `r-${values[0]}`,
    budgetEndsAt: performance.now() + 20_000,
    decided,
    attributes: createCallAttributes(),
  };
}

async function withRunner<T>(use: (runner: ReturnType<typeof createWorkerRunner>, lost: () => number) => Promise<T>): Promise<T> {
  let lost = 0;
  const runner = createWorkerRunner({
    id: 'poisoned',
    module: POISONED,
    minThreads: 1,
    maxThreads: 1,
    maxOldGenerationMb: 64,
    execArgv: ['--import', 'tsx'],
    onWorkerLost: () => (lost += 1),
    onOrphanError: () => undefined,
  });
  try {
    expect(await runner.warmUp()).toBe(true);
    return await use(runner, () => lost);
  } finally {
    await runner.close();
  }
}

const sortedOf = (values: readonly bigint[]): bigint[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const value = (values: readonly bigint[]): RunOutcome => ({ kind: 'returned', result: { kind: 'value', value: sortedOf(values) } });

describe('batched dispatch on real worker threads', () => {
  it('answers every call of a batch on its own: the one whose input throws fails alone', { timeout: 30_000 }, async () => {
    await withRunner(async (runner, lost) => {
      // A thread busy with a first call, so that the next ones wait and go together as one batch.
      const inputs = [[1n, 0n], [5n, 4n], [13n, 2n], [7n, 6n], [9n, 8n]];
      const signal = new AbortController().signal;
      const outcomes = await Promise.all(inputs.map(values => runner.run(runOf(values), signal)));
      expect(outcomes).toEqual([
        value(inputs[0]!),
        value(inputs[1]!),
        { kind: 'failed', failure: 'error', detail: 'unlucky thirteen' },
        value(inputs[3]!),
        value(inputs[4]!),
      ]);
      expect(lost()).toBe(0);
    });
  });

  it('re-runs the calls of a batch whose thread died one by one: only the poison input is charged with the crash', { timeout: 60_000 }, async () => {
    await withRunner(async (runner, lost) => {
      const inputs = [[3n, 2n], [66n, 1n], [5n, 4n], [7n, 6n]];
      const signal = new AbortController().signal;
      const outcomes = await Promise.all(inputs.map(values => runner.run(runOf(values), signal)));
      expect(outcomes[0]).toEqual(value(inputs[0]!));
      expect(outcomes[1]).toMatchObject({ kind: 'failed', failure: 'crash' });
      expect(outcomes[2]).toEqual(value(inputs[2]!));
      expect(outcomes[3]).toEqual(value(inputs[3]!));
      // The batch's thread, then the poison's own when it ran alone.
      expect(lost()).toBeGreaterThanOrEqual(1);
      expect(lost()).toBeLessThanOrEqual(2);
    });
  });

  it('carries a large input across as a typed array (the version gets a plain array) and keeps a large int64 answer typed on the gateway side', { timeout: 30_000 }, async () => {
    await withRunner(async runner => {
      const values = Array.from({ length: LARGE }, (_, index) => BigInt.asIntN(64, BigInt(index) * 0x9e3779b97f4a7c15n));
      const outcome = await runner.run(runOf(values), new AbortController().signal);
      expect(outcome.kind).toBe('returned');
      const { kind, value: answer } = (outcome as { result: { kind: string; value: unknown } }).result;
      expect(kind).toBe('value');
      // As it crossed: 200,000 bigints as a plain array would be 200,000 objects on the event loop's heap.
      expect(answer).toBeInstanceOf(BigInt64Array);
      const expected = sortedOf(values);
      // Element by element: a failing toEqual on 200,000 values would print them all.
      const typed = answer as BigInt64Array;
      expect(typed.length).toBe(expected.length);
      expect(expected.every((item, index) => typed[index] === item)).toBe(true);
    });
  });

  it('drops a call still waiting for a thread when its vote is decided and another waits: it never runs', { timeout: 30_000 }, async () => {
    await withRunner(async runner => {
      const busy = runner.run(runOf([2n, 1n]), new AbortController().signal);
      const decision = new AbortController();
      const waiting = runner.run(runOf([66n, 0n], decision.signal), new AbortController().signal);
      const behind = runner.run(runOf([4n, 3n]), new AbortController().signal);
      decision.abort('decided');
      // Had it run, the poison would have crashed the thread.
      expect(await waiting).toEqual({ kind: 'failed', failure: 'cancelled', detail: 'not started: the vote was decided without it' });
      expect(await busy).toEqual(value([2n, 1n]));
      expect(await behind).toEqual(value([4n, 3n]));
    });
  });
});
