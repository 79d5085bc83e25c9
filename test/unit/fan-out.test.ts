import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fanOut, type FanOutOptions, type RunSettlement } from '../../voter/pipeline/fan-out.js';
import { createCallAttributes } from '../../voter/runners/call-attributes.js';
import type { VersionRunner } from '../../voter/runners/version-runner.js';
import { answers, fails, hangs, rejects, throwsAtOnce } from './support/fake-runner.js';
import { track } from './support/track.js';

const baseRun = () => ({
  input: { values: [3, 1, 2] },
  request: { values: ['3', '1', '2'] },
  inputBytes: 9,
  requestId: 'req-1',
  attributes: createCallAttributes(),
});

/** Starts a fan-out whose `onSettle` logs every settlement and reports decided from the `decidedAfter`-th one on. */
function start(runners: readonly VersionRunner[], options: Partial<FanOutOptions> & { decidedAfter?: number } = {}) {
  const settlements: (RunSettlement & { at: number })[] = [];
  const { decidedAfter = Number.POSITIVE_INFINITY, ...rest } = options;
  const done = track(
    fanOut(runners, baseRun(), {
      budgetMs: 1_000,
      stragglerGraceMs: 100,
      dropUnstartedWhenDecided: true,
      callSignal: new AbortController().signal,
      onSettle: settlement => {
        settlements.push({ ...settlement, at: performance.now() });
        return settlements.length >= decidedAfter;
      },
      ...rest,
    }),
  );
  return { done, settlements };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('fanOut', () => {
  it('hands every runner the same run, with budgetEndsAt at the start plus the budget', async () => {
    await vi.advanceTimersByTimeAsync(37);
    const runners = [hangs('a'), hangs('b'), hangs('c')];
    const run = baseRun();
    const startedAt = performance.now();
    const done = track(
      fanOut(runners, run, {
        budgetMs: 250,
        stragglerGraceMs: 100,
        dropUnstartedWhenDecided: true,
        callSignal: new AbortController().signal,
        onSettle: () => false,
      }),
    );

    const seen = runners.map(runner => runner.soleRun().run);
    for (const each of seen) {
      expect(each).toEqual({ ...run, budgetEndsAt: startedAt + 250, decided: expect.any(AbortSignal) });
      expect(each.attributes).toBe(run.attributes);
    }
    expect(seen[0]?.budgetEndsAt).toBe(287);
    expect(runners.map(runner => runner.soleRun().startedAt)).toEqual([37, 37, 37]);

    await vi.advanceTimersByTimeAsync(250);
    expect(done.current.state).toBe('resolved');
  });

  it('tells the runners the vote is decided at the settlement that decides it, one signal for all, before any straggler is stopped', async () => {
    const runners = [answers('a', [1, 2, 3], 10), answers('b', [1, 2, 3], 20), hangs('c')];
    const { done } = start(runners, { decidedAfter: 2, stragglerGraceMs: 100 });
    const decided = runners[2]?.soleRun().run.decided;
    expect(runners.map(runner => runner.soleRun().run.decided)).toEqual([decided, decided, decided]);

    await vi.advanceTimersByTimeAsync(19);
    expect(decided?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(decided?.aborted).toBe(true);
    expect(runners[2]?.soleRun().signal.aborted).toBe(false);

    await vi.advanceTimersByTimeAsync(100);
    expect(runners[2]?.soleRun().stopped).toEqual({ at: 120, reason: 'timeout' });
    expect(done.current.state).toBe('resolved');
  });

  it('keeps the decision to itself when told not to drop runs not started (probes hear from every version)', async () => {
    const runners = [answers('a', [1, 2, 3], 10), answers('b', [1, 2, 3], 20), hangs('c')];
    const { done } = start(runners, { decidedAfter: 2, stragglerGraceMs: 100, dropUnstartedWhenDecided: false });
    await vi.advanceTimersByTimeAsync(20);
    expect(runners[2]?.soleRun().run.decided.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(runners[2]?.soleRun().run.decided.aborted).toBe(false);
    expect(done.current.state).toBe('resolved');
  });

  it('stops a hung run with timeout exactly when the budget ends, not before', async () => {
    const hung = hangs('a');
    const { done, settlements } = start([hung], { budgetMs: 1_000 });

    await vi.advanceTimersByTimeAsync(999);
    expect(hung.soleRun().stopped).toBeUndefined();
    expect(hung.soleRun().signal.aborted).toBe(false);
    expect(settlements).toEqual([]);
    expect(done.current.state).toBe('pending');

    await vi.advanceTimersByTimeAsync(1);
    expect(hung.soleRun().stopped).toEqual({ at: 1_000, reason: 'timeout' });
    expect(settlements).toEqual([
      { version: 'a', outcome: { kind: 'failed', failure: 'timeout', detail: 'stopped: timeout' }, durationSeconds: 1, at: 1_000 },
    ]);
    expect(done.current.state).toBe('resolved');
  });

  it('stops only the runs still going when the budget ends', async () => {
    const quick = answers('quick', [1], 10);
    const failing = fails('failing', 'crash', 'worker exited', 20);
    const hung = hangs('hung');
    const { done, settlements } = start([quick, failing, hung], { budgetMs: 500 });

    await vi.advanceTimersByTimeAsync(500);
    expect(done.current.state).toBe('resolved');
    expect(quick.soleRun().stopped).toBeUndefined();
    expect(failing.soleRun().stopped).toBeUndefined();
    expect(hung.soleRun().stopped).toEqual({ at: 500, reason: 'timeout' });
    expect(settlements).toEqual([
      { version: 'quick', outcome: { kind: 'returned', result: { kind: 'value', value: [1] } }, durationSeconds: 0.01, at: 10 },
      { version: 'failing', outcome: { kind: 'failed', failure: 'crash', detail: 'worker exited' }, durationSeconds: 0.02, at: 20 },
      { version: 'hung', outcome: { kind: 'failed', failure: 'timeout', detail: 'stopped: timeout' }, durationSeconds: 0.5, at: 500 },
    ]);
  });

  it('stops the stragglers exactly stragglerGraceMs after the call is decided', async () => {
    const straggler = hangs('c');
    const { done, settlements } = start([answers('a', [1], 10), answers('b', [1], 30), straggler], {
      budgetMs: 1_000,
      stragglerGraceMs: 100,
      decidedAfter: 2,
    });

    await vi.advanceTimersByTimeAsync(129);
    expect(settlements.map(s => s.version)).toEqual(['a', 'b']);
    expect(straggler.soleRun().stopped).toBeUndefined();

    await vi.advanceTimersByTimeAsync(1);
    expect(straggler.soleRun().stopped).toEqual({ at: 130, reason: 'timeout' });
    expect(settlements[2]).toMatchObject({ version: 'c', outcome: { kind: 'failed', failure: 'timeout' }, durationSeconds: 0.13 });
    expect(done.current.state).toBe('resolved');
  });

  it('never lets the grace run past the budget', async () => {
    const straggler = hangs('c');
    start([answers('a', [1], 700), answers('b', [1], 750), straggler], { budgetMs: 1_000, stragglerGraceMs: 500, decidedAfter: 2 });

    await vi.advanceTimersByTimeAsync(999);
    expect(straggler.soleRun().stopped).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(straggler.soleRun().stopped).toEqual({ at: 1_000, reason: 'timeout' });
  });

  it('keeps the stop where the decision put it when later settlements also report decided', async () => {
    const straggler = hangs('d');
    start([answers('a', [1], 10), answers('b', [1], 20), answers('c', [1], 150), straggler], {
      stragglerGraceMs: 200,
      decidedAfter: 2,
    });

    await vi.advanceTimersByTimeAsync(219);
    expect(straggler.soleRun().stopped).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(straggler.soleRun().stopped).toEqual({ at: 220, reason: 'timeout' });
  });

  it('stops every run with cancelled when the call signal aborts, whatever reason the call gives', async () => {
    const call = new AbortController();
    const runners = [hangs('a'), hangs('b'), hangs('c')];
    const { done, settlements } = start(runners, { callSignal: call.signal });

    await vi.advanceTimersByTimeAsync(40);
    call.abort(new Error('the client went away'));
    await vi.advanceTimersByTimeAsync(0);

    expect(runners.map(runner => runner.soleRun().stopped)).toEqual([
      { at: 40, reason: 'cancelled' },
      { at: 40, reason: 'cancelled' },
      { at: 40, reason: 'cancelled' },
    ]);
    expect(settlements.map(s => [s.version, s.outcome])).toEqual([
      ['a', { kind: 'failed', failure: 'cancelled', detail: 'stopped: cancelled' }],
      ['b', { kind: 'failed', failure: 'cancelled', detail: 'stopped: cancelled' }],
      ['c', { kind: 'failed', failure: 'cancelled', detail: 'stopped: cancelled' }],
    ]);
    expect(done.current.state).toBe('resolved');
  });

  it('starts every run already stopped when the call signal aborted before the fan-out', async () => {
    const call = new AbortController();
    call.abort();
    const runners = [hangs('a'), answers('b', [1], 10)];
    const { done, settlements } = start(runners, { callSignal: call.signal });

    await vi.advanceTimersByTimeAsync(0);
    expect(runners.map(runner => runner.soleRun().stopped)).toEqual([
      { at: 0, reason: 'cancelled' },
      { at: 0, reason: 'cancelled' },
    ]);
    expect(settlements.map(s => s.outcome)).toMatchObject([{ failure: 'cancelled' }, { failure: 'cancelled' }]);
    expect(done.current.state).toBe('resolved');
  });

  it('turns a runner that rejects, or throws, into an error failure of that version alone', async () => {
    const { done, settlements } = start([
      rejects('rejects', new Error('decorator bug'), 5),
      rejects('rejects-string', 'a bare string', 6),
      throwsAtOnce('throws', new TypeError('not a function')),
      answers('fine', [1], 7),
    ]);

    await vi.advanceTimersByTimeAsync(7);
    expect(done.current.state).toBe('resolved');
    const byVersion = Object.fromEntries(settlements.map(s => [s.version, s.outcome]));
    expect(byVersion).toEqual({
      rejects: { kind: 'failed', failure: 'error', detail: 'the runner threw: decorator bug' },
      'rejects-string': { kind: 'failed', failure: 'error', detail: 'the runner threw: a bare string' },
      throws: { kind: 'failed', failure: 'error', detail: 'the runner threw: not a function' },
      fine: { kind: 'returned', result: { kind: 'value', value: [1] } },
    });
  });

  it('leaves no timer and no hold on the call signal once every run has settled', async () => {
    const call = new AbortController();
    const quick = answers('a', [1], 10);
    const { done } = start([quick], { callSignal: call.signal });

    await vi.advanceTimersByTimeAsync(10);
    expect(done.current.state).toBe('resolved');
    expect(vi.getTimerCount()).toBe(0);
    call.abort();
    expect(quick.soleRun().signal.aborted).toBe(false);
  });
});
