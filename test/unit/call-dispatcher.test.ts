import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunOutcome } from '../../voter/runners/version-runner.js';
import { createCallDispatcher, type DispatchedCall } from '../../voter/runners/worker/call-dispatcher.js';
import type { Packed } from '../../voter/runners/worker/packed-arrays.js';
import type { WorkerPool } from '../../voter/runners/worker/worker-pool.js';
import type { BatchEntry, TaskResult, WorkerTask } from '../../voter/runners/worker/worker-task.js';
import { track } from './support/track.js';

interface SubmittedTask {
  readonly task: WorkerTask;
  readonly signal: AbortSignal;
  readonly at: number;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/** A pool of `capacity` threads whose tasks the test answers by hand. */
function fakePool(capacity = 2) {
  const submitted: SubmittedTask[] = [];
  let grows = 0;
  const pool: WorkerPool = {
    submit: (task, signal) =>
      new Promise((resolve, reject) => {
        submitted.push({ task, signal, at: performance.now(), resolve, reject });
        // As piscina does: aborting a running task rejects it (and terminates its thread).
        signal.addEventListener('abort', () => reject(Object.assign(new Error('The task has been aborted'), { name: 'AbortError' })), { once: true });
      }),
    capacity: () => capacity,
    // No thread to add: the pool is as large as it gets.
    grow: () => {
      grows += 1;
      return Promise.resolve(false);
    },
    warmUp: () => Promise.resolve(true),
    threads: capacity,
    utilization: 0,
    restart: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return { pool, submitted, grows: () => grows };
}

const sorted = (input: unknown): bigint[] => [...(input as { values: bigint[] }).values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const value = (input: unknown) => ({ kind: 'value', value: sorted(input) });

/**
 * Answers a submitted task as the worker would: every call sorted, except those `fails` names;
 * the version is said to have run `computeMs` per call.
 */
function answer(submitted: SubmittedTask, fails: (input: unknown) => string | undefined = () => undefined, computeMs = 0): void {
  const { task } = submitted;
  if (task.kind === 'batch') {
    const entries = task.inputs.map((input): BatchEntry => {
      const message = fails(input);
      return message === undefined ? { ok: true, result: value(input) } : { ok: false, message };
    });
    submitted.resolve({ kind: 'batch', entries, computeMs: computeMs * entries.length } satisfies TaskResult);
  } else if (task.kind === 'one') {
    const input = task.input.rest;
    const message = fails(input);
    if (message === undefined) submitted.resolve({ kind: 'one', result: { rest: value(input) } satisfies Packed, computeMs } satisfies TaskResult);
    else submitted.reject(new Error(message));
  }
}

function crash(submitted: SubmittedTask): void {
  submitted.reject(new Error('worker exited with code 70'));
}

function inputsOf(submitted: SubmittedTask | undefined): unknown[] {
  if (submitted === undefined) return [];
  return submitted.task.kind === 'batch' ? [...submitted.task.inputs] : submitted.task.kind === 'one' ? [submitted.task.input.rest] : [];
}

function callOf(values: bigint[], overrides: Partial<DispatchedCall> = {}) {
  const stop = new AbortController();
  const decision = new AbortController();
  const call: DispatchedCall = {
    input: { values },
    inputBytes: values.length * 8,
    fault: undefined,
    budgetEndsAt: performance.now() + 1_000,
    signal: stop.signal,
    decided: decision.signal,
    ...overrides,
  };
  return { call, stop: (reason: 'timeout' | 'cancelled' = 'timeout') => stop.abort(reason), decide: () => decision.abort() };
}

/**
 * One turn of the event loop: the dispatcher flushes in a real setImmediate (fake timers move an
 * immediate scheduled at a timer's tick to the next millisecond), and time stands still meanwhile.
 */
async function turn(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
  await new Promise(resolve => setImmediate(resolve));
  await vi.advanceTimersByTimeAsync(0);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the call dispatcher', () => {
  it('sends the calls of one event-loop turn as one batch per free thread, and answers each call with its own result', async () => {
    const { pool, submitted } = fakePool(2);
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => undefined });
    const calls = Array.from({ length: 6 }, (_, index) => callOf([BigInt(index), -1n, 5n]));
    const outcomes = calls.map(({ call }) => track(dispatcher.dispatch(call)));

    expect(submitted).toHaveLength(0);
    await turn();
    expect(submitted.map(task => task.task.kind)).toEqual(['batch', 'batch']);
    expect(submitted.map(task => inputsOf(task).length)).toEqual([3, 3]);
    expect([...inputsOf(submitted[0]), ...inputsOf(submitted[1])]).toEqual(calls.map(({ call }) => call.input));

    for (const task of submitted) answer(task);
    await turn();
    calls.forEach(({ call }, index) => {
      expect(outcomes[index]?.current).toEqual({ state: 'resolved', value: { kind: 'returned', result: value(call.input) } });
    });
  });

  it('charges a task its fixed cost once, not per call: slow one-call tasks of a fast version still batch, and its line is estimated in tasks', async () => {
    const { pool, submitted } = fakePool(1);
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => undefined });
    // Ten calls one at a time, each task held 4 ms (wake-up, clone) of which the version ran 0.01 ms.
    for (let index = 0; index < 10; index += 1) {
      const outcome = track(dispatcher.dispatch(callOf([BigInt(index), 0n]).call));
      await turn();
      await vi.advanceTimersByTimeAsync(4);
      answer(submitted[index] as SubmittedTask, () => undefined, 0.01);
      await turn();
      expect(outcome.current.state).toBe('resolved');
    }
    const { callMs, taskMs } = dispatcher.load();
    expect(callMs).toBeLessThan(0.01);
    expect(taskMs).toBeGreaterThan(3);

    // A running call, then 64 behind it: they go as one batch (the limit is 5 ms of the version's
    // own time, hundreds of such calls), and the wait is one task's cost plus their own time,
    // not 64 times 4 ms.
    const running = track(dispatcher.dispatch(callOf([1n]).call));
    await turn();
    const behind = Array.from({ length: 64 }, (_, index) => track(dispatcher.dispatch(callOf([BigInt(index)]).call)));
    await turn();
    const { estimatedWaitMs } = dispatcher.load();
    expect(estimatedWaitMs).toBeGreaterThan(taskMs);
    expect(estimatedWaitMs).toBeLessThan(3 * taskMs);
    answer(submitted[10] as SubmittedTask, () => undefined, 0.01);
    await turn();
    expect(running.current.state).toBe('resolved');
    expect(submitted.slice(11).map(task => inputsOf(task).length)).toEqual([64]);
    answer(submitted[11] as SubmittedTask, () => undefined, 0.01);
    await turn();
    expect(behind.every(outcome => outcome.current.state === 'resolved')).toBe(true);
  });

  it('starts an idle version at once, alone, and queues the rest while every thread is busy, then batches them', async () => {
    const { pool, submitted, grows } = fakePool(1);
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => undefined });
    const first = track(dispatcher.dispatch(callOf([2n, 1n]).call));
    await turn();
    expect(submitted.map(task => task.task.kind)).toEqual(['one']);

    const later = [callOf([4n, 3n]), callOf([6n, 5n]), callOf([8n, 7n])].map(({ call }) => track(dispatcher.dispatch(call)));
    await turn();
    expect(submitted).toHaveLength(1);
    expect(dispatcher.load()).toMatchObject({ outstanding: 4, queued: 3 });
    // Calls wait: the pool is asked for another thread ahead of need.
    expect(grows()).toBeGreaterThan(0);

    answer(submitted[0] as SubmittedTask);
    await turn();
    expect(first.current).toEqual({ state: 'resolved', value: { kind: 'returned', result: { kind: 'value', value: [1n, 2n] } } });
    expect(submitted.map(task => inputsOf(task).length)).toEqual([1, 3]);
    answer(submitted[1] as SubmittedTask);
    await turn();
    expect(later.map(outcome => outcome.current.state)).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('fails only the call whose input the version threw on, not the rest of its batch', async () => {
    const { pool, submitted } = fakePool(1);
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => undefined });
    const poison = [13n, 13n, 13n];
    const outcomes = [callOf([2n, 1n]), callOf(poison), callOf([4n, 3n])].map(({ call }) => track(dispatcher.dispatch(call)));
    await turn();
    answer(submitted[0] as SubmittedTask, input => ((input as { values: bigint[] }).values === poison ? 'unlucky thirteen' : undefined));
    await turn();
    expect(outcomes.map(outcome => outcome.current)).toEqual([
      { state: 'resolved', value: { kind: 'returned', result: { kind: 'value', value: [1n, 2n] } } },
      { state: 'resolved', value: { kind: 'failed', failure: 'error', detail: 'unlucky thirteen' } },
      { state: 'resolved', value: { kind: 'returned', result: { kind: 'value', value: [3n, 4n] } } },
    ]);
    expect(submitted).toHaveLength(1);
  });

  it('re-runs every call of a crashed batch alone, so that only the poison input is charged with the crash', async () => {
    const { pool, submitted } = fakePool(1);
    let lost = 0;
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => (lost += 1) });
    const poison = [66n, 6n];
    const outcomes = [callOf([2n, 1n]), callOf(poison), callOf([4n, 3n])].map(({ call }) => track(dispatcher.dispatch(call)));
    await turn();
    crash(submitted[0] as SubmittedTask);
    await turn();
    expect(lost).toBe(1);
    expect(outcomes.map(outcome => outcome.current.state)).toEqual(['pending', 'pending', 'pending']);

    // One at a time, alone, in their original order.
    for (let index = 1; index <= 3; index++) {
      const task = submitted[index] as SubmittedTask;
      expect(task.task.kind).toBe('one');
      const isPoison = (inputsOf(task)[0] as { values: bigint[] }).values === poison;
      if (isPoison) crash(task);
      else answer(task);
      await turn();
    }
    expect(outcomes.map(outcome => outcome.current)).toEqual([
      { state: 'resolved', value: { kind: 'returned', result: { kind: 'value', value: [1n, 2n] } } },
      { state: 'resolved', value: { kind: 'failed', failure: 'crash', detail: 'worker exited with code 70' } },
      { state: 'resolved', value: { kind: 'returned', result: { kind: 'value', value: [3n, 4n] } } },
    ]);
    expect(lost).toBe(2);
  });

  it('gives up a batch still running at half its most urgent budget, and re-runs its calls alone within their budgets', async () => {
    const { pool, submitted } = fakePool(1);
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => undefined });
    const urgent = callOf([2n, 1n], { budgetEndsAt: performance.now() + 400 });
    const relaxed = callOf([4n, 3n], { budgetEndsAt: performance.now() + 2_000 });
    const outcomes = [urgent, relaxed].map(({ call }) => track(dispatcher.dispatch(call)));
    await turn();
    expect(submitted[0]?.task.kind).toBe('batch');

    await vi.advanceTimersByTimeAsync(199);
    expect(submitted[0]?.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(submitted[0]?.signal.aborted).toBe(true);
    await turn();
    expect(submitted[1]?.task.kind).toBe('one');
    answer(submitted[1] as SubmittedTask);
    await turn();
    answer(submitted[2] as SubmittedTask);
    await turn();
    expect(outcomes.map(outcome => outcome.current.state)).toEqual(['resolved', 'resolved']);
    expect(outcomes.map(outcome => (outcome.current as { value: RunOutcome }).value.kind)).toEqual(['returned', 'returned']);
  });

  it('gives a batch with a nearly spent call 100 ms at least: that call is stopped alone, the batch goes on', async () => {
    const { pool, submitted } = fakePool(1);
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => undefined });
    const spent = callOf([2n, 1n], { budgetEndsAt: performance.now() + 10 });
    const fine = callOf([4n, 3n], { budgetEndsAt: performance.now() + 2_000 });
    const outcomes = [spent, fine].map(({ call }) => track(dispatcher.dispatch(call)));
    await turn();
    await vi.advanceTimersByTimeAsync(10);
    spent.stop('timeout');
    await turn();
    expect(outcomes[0]?.current).toEqual({ state: 'resolved', value: { kind: 'failed', failure: 'timeout', detail: 'stopped while running' } });
    await vi.advanceTimersByTimeAsync(80);
    expect(submitted[0]?.signal.aborted).toBe(false);
    answer(submitted[0] as SubmittedTask);
    await turn();
    expect(outcomes[1]?.current).toEqual({ state: 'resolved', value: { kind: 'returned', result: value(fine.call.input) } });
    expect(submitted).toHaveLength(1);
  });

  it('drops a call still queued when its vote is decided and others wait behind it, but lets a running one go on', async () => {
    const { pool, submitted } = fakePool(1);
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => undefined });
    const running = callOf([2n, 1n]);
    const runningOutcome = track(dispatcher.dispatch(running.call));
    await turn();
    const queued = callOf([4n, 3n]);
    const behind = callOf([6n, 5n]);
    const queuedOutcome = track(dispatcher.dispatch(queued.call));
    const behindOutcome = track(dispatcher.dispatch(behind.call));
    await turn();

    running.decide();
    queued.decide();
    await turn();
    expect(queuedOutcome.current).toEqual({
      state: 'resolved',
      value: { kind: 'failed', failure: 'cancelled', detail: 'not started: the vote was decided without it' },
    });
    expect(runningOutcome.current.state).toBe('pending');
    expect(dispatcher.load()).toMatchObject({ outstanding: 2, queued: 1 });

    answer(submitted[0] as SubmittedTask);
    await turn();
    expect(runningOutcome.current.state).toBe('resolved');
    // The dropped call never reached a thread; the one behind it did, alone.
    expect(submitted.map(inputsOf)).toEqual([[running.call.input], [behind.call.input]]);
    answer(submitted[1] as SubmittedTask);
    await turn();
    expect(behindOutcome.current.state).toBe('resolved');
  });

  it('still runs a decided call that waits alone: it delays no one, and its verdict is evidence', async () => {
    const { pool, submitted } = fakePool(1);
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => undefined });
    const running = callOf([2n, 1n]);
    void dispatcher.dispatch(running.call);
    await turn();
    const straggler = callOf([4n, 3n]);
    const outcome = track(dispatcher.dispatch(straggler.call));
    await turn();
    straggler.decide();
    await turn();
    expect(outcome.current.state).toBe('pending');

    answer(submitted[0] as SubmittedTask);
    await turn();
    expect(inputsOf(submitted[1])).toEqual([straggler.call.input]);
    answer(submitted[1] as SubmittedTask);
    await turn();
    expect(outcome.current).toEqual({ state: 'resolved', value: { kind: 'returned', result: value(straggler.call.input) } });
  });

  it('kills a task whose calls were all stopped at once the first time, then backs off while the version stays hung', async () => {
    const { pool, submitted } = fakePool(1);
    let lost = 0;
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => (lost += 1) });
    const stopAndCheck = async (expectedDelayMs: number): Promise<void> => {
      const hung = callOf([2n, 1n]);
      const outcome = track(dispatcher.dispatch(hung.call));
      await turn();
      const task = submitted.at(-1) as SubmittedTask;
      hung.stop('timeout');
      await turn();
      expect(outcome.current).toEqual({ state: 'resolved', value: { kind: 'failed', failure: 'timeout', detail: 'stopped while running' } });
      if (expectedDelayMs > 0) {
        await vi.advanceTimersByTimeAsync(expectedDelayMs - 1);
        expect(task.signal.aborted).toBe(false);
        await vi.advanceTimersByTimeAsync(1);
      }
      expect(task.signal.aborted).toBe(true);
      await turn();
    };
    await stopAndCheck(0);
    await stopAndCheck(250);
    await stopAndCheck(500);
    expect(lost).toBe(3);

    // A task that completes shows the version is not hung on everything: kills are prompt again.
    const healthy = callOf([2n, 1n]);
    const healthyOutcome = track(dispatcher.dispatch(healthy.call));
    await turn();
    answer(submitted.at(-1) as SubmittedTask);
    await turn();
    expect(healthyOutcome.current.state).toBe('resolved');
    await stopAndCheck(0);
  });

  it('sends a call with an injected fault, and a large call, alone; the large one with its arrays packed', async () => {
    const { pool, submitted } = fakePool(3);
    const dispatcher = createCallDispatcher(pool, { onWorkerLost: () => undefined });
    const large = Array.from({ length: 10_000 }, (_, index) => BigInt(10_000 - index));
    const calls = [callOf([2n, 1n], { fault: { kind: 'hang' } }), callOf(large), callOf([4n, 3n]), callOf([6n, 5n])];
    for (const { call } of calls) void dispatcher.dispatch(call);
    await turn();
    expect(submitted.map(task => task.task.kind)).toEqual(['one', 'one', 'batch']);
    expect(submitted[0]?.task).toMatchObject({ kind: 'one', fault: { kind: 'hang' } });
    const packed = submitted[1]?.task.kind === 'one' ? submitted[1].task.input : undefined;
    expect(packed?.fields?.['values']).toBeInstanceOf(BigInt64Array);
    expect(Array.from((packed?.fields?.['values'] ?? []) as ArrayLike<bigint>)).toEqual(large);
    expect(inputsOf(submitted[2])).toHaveLength(2);
  });
});
