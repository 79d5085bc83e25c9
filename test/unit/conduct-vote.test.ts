import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { conductVote, type ConductVoteOptions } from '../../voter/pipeline/conduct-vote.js';
import { VoteFailure, type VoteEnd, type VoteRecord } from '../../voter/pipeline/vote-record.js';
import { STANDING_DOWN } from '../../voter/pipeline/vote-roster.js';
import type { VersionRunner } from '../../voter/runners/version-runner.js';
import { createExactVoter } from '../../voter/vote/exact-voter.js';
import type { Voter } from '../../voter/vote/voter.js';
import { answers, fails, failsOnce, hangs, rejects, returns } from './support/fake-runner.js';
import { track } from './support/track.js';
import { voteCall } from './support/vote-call.js';

type Value = readonly number[];
const isValue = (value: unknown): value is Value => Array.isArray(value) && value.every(item => typeof item === 'number');
const SORTED = [1, 2, 3];

function start(
  runners: readonly VersionRunner[],
  options: { budgetMs?: number; signal?: AbortSignal; probe?: boolean; standingDown?: ReadonlySet<string> } & Partial<
    Omit<ConductVoteOptions<unknown, Value>, 'runners' | 'onEnd'>
  > = {},
) {
  const { budgetMs = 1_000, signal = new AbortController().signal, probe = false, standingDown, ...rest } = options;
  const ends: { at: number; end: VoteEnd<Value> }[] = [];
  const call = voteCall({ budgetMs, signal, probe });
  if (standingDown !== undefined) call.attributes.set(STANDING_DOWN, standingDown);
  const decided = track(
    conductVote<unknown, Value>(call, {
      runners,
      voter: createExactVoter(),
      isValue,
      stragglerGraceMs: 100,
      onEnd: end => ends.push({ at: performance.now(), end }),
      ...rest,
    }),
  );
  return { call, decided, ends, record: () => recordOf(decided.current) };
}

function recordOf(state: ReturnType<typeof track<VoteRecord<Value>>>['current']): VoteRecord<Value> {
  if (state.state !== 'resolved') throw new Error(`the vote is ${state.state}, not decided`);
  return state.value;
}

function endRecord(ends: readonly { end: VoteEnd<Value> }[]): VoteRecord<Value> {
  const [only, ...more] = ends;
  if (only === undefined || more.length > 0) throw new Error(`onEnd was called ${ends.length} times`);
  if (only.end.kind !== 'recorded') throw new Error('the vote failed');
  return only.end.record;
}

/** The exact voter with one of its functions replaced. */
function voterWith(override: Partial<Voter<unknown, Value>>): Voter<unknown, Value> {
  return { ...createExactVoter<unknown, Value>(), ...override };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('conductVote with time redundancy', () => {
  const retry = { attempts: 1, minRemainingMs: 100 };

  it('re-runs only the versions that failed when the vote would fail, and decides on the re-runs', async () => {
    const runners = [answers('a', SORTED, 10), failsOnce('b', 'crash', SORTED, 10), failsOnce('c', 'error', SORTED, 10)];
    const { record, ends } = start(runners, { retry });
    await vi.advanceTimersByTimeAsync(20);
    // Decided as soon as a re-run makes a majority, as any vote is.
    expect(record().decision).toMatchObject({ outcome: 'majority', agreeing: 2 });
    expect(record().versions.map(version => [version.version, version.verdict, version.attempts])).toEqual([
      ['a', 'agree', undefined],
      ['b', 'agree', 2],
      ['c', 'pending', 2],
    ]);
    expect(runners[0]?.runs).toHaveLength(1);
    expect(runners[1]?.runs.map(log => log.run.attempt ?? 0)).toEqual([0, 1]);
    // The re-runs end with the first runs' budget, not a new one.
    expect(runners[1]?.runs[1]?.run.budgetEndsAt).toBe(runners[1]?.runs[0]?.run.budgetEndsAt);
    await vi.advanceTimersByTimeAsync(0);
    expect(endRecord(ends).versions.map(version => version.verdict)).toEqual(['agree', 'agree', 'agree']);
  });

  it('retries once by default and then fails explicitly, as without it', async () => {
    const runners = [answers('a', SORTED, 10), fails('b', 'crash', 'permanent', 10), fails('c', 'crash', 'permanent', 10)];
    const { record } = start(runners, { retry });
    await vi.advanceTimersByTimeAsync(30);
    expect(record().decision.outcome).toBe('quorum_lost');
    expect(runners[1]?.runs).toHaveLength(2);
    expect(record().versions.map(version => version.verdict)).toEqual(['unconfirmed', 'crash', 'crash']);
  });

  it('does not re-run when less than minRemainingMs of the budget is left', async () => {
    const runners = [answers('a', SORTED, 10), failsOnce('b', 'crash', SORTED, 950), fails('c', 'crash', 'x', 950)];
    const { record } = start(runners, { retry });
    await vi.advanceTimersByTimeAsync(950);
    expect(record().decision.outcome).toBe('quorum_lost');
    expect(runners[1]?.runs).toHaveLength(1);
  });

  it('never re-runs a probe: it must see the versions as they are', async () => {
    const runners = [answers('a', SORTED, 10), failsOnce('b', 'crash', SORTED, 10), failsOnce('c', 'crash', SORTED, 10)];
    const { record } = start(runners, { retry, probe: true });
    await vi.advanceTimersByTimeAsync(10);
    expect(record().decision.outcome).toBe('quorum_lost');
  });
});

describe('conductVote', () => {
  it('leaves the versions standing down out of the call: they do not run, and the majority is of the rest', async () => {
    const runners = [answers('a', SORTED, 10), answers('b', [9], 10), answers('c', SORTED, 20)];
    const { record } = start(runners, { standingDown: new Set(['b']) });
    await vi.advanceTimersByTimeAsync(19);
    await vi.advanceTimersByTimeAsync(1);
    expect(runners[1]?.runs).toEqual([]);
    // Of the two left, both must agree: a strict majority of two.
    expect(record().decision).toMatchObject({ outcome: 'unanimous', agreeing: 2 });
    expect(record().versions.map(version => version.version)).toEqual(['a', 'c']);
  });

  it('runs every version on a probe, standing down or not', async () => {
    const runners = [answers('a', SORTED, 10), answers('b', SORTED, 10), answers('c', SORTED, 10)];
    const { record } = start(runners, { standingDown: new Set(['b']), probe: true });
    await vi.advanceTimersByTimeAsync(10);
    expect(record().versions.map(version => version.version)).toEqual(['a', 'b', 'c']);
  });

  it('resolves as soon as a majority agrees, with the straggler pending in the record', async () => {
    const { decided, ends, record } = start([answers('a', SORTED, 10), answers('b', SORTED, 20), hangs('c')]);

    await vi.advanceTimersByTimeAsync(19);
    expect(decided.current.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);

    expect(record()).toEqual({
      decision: { outcome: 'majority', agreeing: 2, answer: { kind: 'value', value: SORTED }, winner: { kind: 'value', value: SORTED } },
      endedEarly: false,
      versions: [
        { version: 'a', verdict: 'agree', durationSeconds: 0.01, ballot: { kind: 'value', value: SORTED } },
        { version: 'b', verdict: 'agree', durationSeconds: 0.02, ballot: { kind: 'value', value: SORTED } },
        { version: 'c', verdict: 'pending', durationSeconds: 0.02 },
      ],
    });
    expect(ends).toEqual([]);
  });

  it('calls onEnd exactly once, when the straggler is stopped at the end of its grace, with its final verdict', async () => {
    const straggler = hangs('c');
    const { ends, record } = start([answers('a', SORTED, 10), answers('b', SORTED, 20), straggler], { stragglerGraceMs: 100 });

    await vi.advanceTimersByTimeAsync(119);
    expect(record().decision.outcome).toBe('majority');
    expect(ends).toEqual([]);
    expect(straggler.soleRun().stopped).toBeUndefined();

    await vi.advanceTimersByTimeAsync(1);
    expect(straggler.soleRun().stopped).toEqual({ at: 120, reason: 'timeout' });
    expect(ends.map(end => end.at)).toEqual([120]);
    expect(endRecord(ends).versions).toEqual([
      { version: 'a', verdict: 'agree', durationSeconds: 0.01, ballot: { kind: 'value', value: SORTED } },
      { version: 'b', verdict: 'agree', durationSeconds: 0.02, ballot: { kind: 'value', value: SORTED } },
      { version: 'c', verdict: 'timeout', durationSeconds: 0.12, detail: 'stopped: timeout' },
    ]);
    expect(endRecord(ends).decision).toEqual(record().decision);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(ends).toHaveLength(1);
  });

  it('judges a straggler that answers within its grace, and leaves the record already returned as it was', async () => {
    const { ends, record } = start([answers('a', SORTED, 10), answers('b', SORTED, 20), answers('c', SORTED, 60)]);

    await vi.advanceTimersByTimeAsync(20);
    const early = record();
    await vi.advanceTimersByTimeAsync(40);

    expect(endRecord(ends).versions.map(v => [v.version, v.verdict, v.durationSeconds])).toEqual([
      ['a', 'agree', 0.01],
      ['b', 'agree', 0.02],
      ['c', 'agree', 0.06],
    ]);
    // The decision was taken on two answers; the straggler does not rewrite it.
    expect(endRecord(ends).decision).toMatchObject({ outcome: 'majority', agreeing: 2 });
    expect(early.versions[2]).toEqual({ version: 'c', verdict: 'pending', durationSeconds: 0.02 });
  });

  it('stops hung versions with timeout exactly at the budget and decides then', async () => {
    const runners = [hangs('a'), hangs('b'), hangs('c')];
    const { decided, ends, record } = start(runners, { budgetMs: 500 });

    await vi.advanceTimersByTimeAsync(499);
    expect(decided.current.state).toBe('pending');
    expect(runners.some(runner => runner.soleRun().signal.aborted)).toBe(false);

    await vi.advanceTimersByTimeAsync(1);
    // Two timeouts already lose the quorum: the decision does not wait for the third settlement.
    expect(record().decision).toEqual({ outcome: 'quorum_lost', agreeing: 0, ballots: 0 });
    expect(record().versions.map(v => v.verdict)).toEqual(['timeout', 'timeout', 'pending']);
    expect(endRecord(ends).versions.map(v => [v.verdict, v.durationSeconds])).toEqual([
      ['timeout', 0.5],
      ['timeout', 0.5],
      ['timeout', 0.5],
    ]);
  });

  it('hands every version the call, with one budget end at the start plus the budget', async () => {
    await vi.advanceTimersByTimeAsync(12);
    const runners = [hangs('a'), hangs('b'), hangs('c')];
    const { call } = start(runners, { budgetMs: 300 });

    for (const runner of runners) {
      expect(runner.soleRun().run).toEqual({
        input: call.input,
        request: call.request,
        inputBytes: call.inputBytes,
        requestId: call.requestId,
        attributes: call.attributes,
        budgetEndsAt: 312,
        decided: expect.any(AbortSignal),
      });
      expect(runner.soleRun().run.attributes).toBe(call.attributes);
    }
    await vi.advanceTimersByTimeAsync(300);
  });

  it('stops every version with cancelled when the call ends early, and marks the record endedEarly', async () => {
    const call = new AbortController();
    const runners = [answers('a', SORTED, 10), hangs('b'), hangs('c')];
    const { ends, record } = start(runners, { signal: call.signal });

    await vi.advanceTimersByTimeAsync(50);
    call.abort();
    await vi.advanceTimersByTimeAsync(0);

    expect(runners[1]?.soleRun().stopped).toEqual({ at: 50, reason: 'cancelled' });
    expect(runners[2]?.soleRun().stopped).toEqual({ at: 50, reason: 'cancelled' });
    expect(record()).toMatchObject({
      endedEarly: true,
      decision: { outcome: 'quorum_lost' },
      versions: [
        { version: 'a', verdict: 'unconfirmed' },
        { version: 'b', verdict: 'cancelled', detail: 'stopped: cancelled', durationSeconds: 0.05 },
        { version: 'c', verdict: 'cancelled', detail: 'stopped: cancelled', durationSeconds: 0.05 },
      ],
    });
    expect(endRecord(ends).endedEarly).toBe(true);
  });

  it('does not mark the record endedEarly when the call ends after the decision', async () => {
    const call = new AbortController();
    const { ends, record } = start([answers('a', SORTED, 10), answers('b', SORTED, 20), hangs('c')], { signal: call.signal });

    await vi.advanceTimersByTimeAsync(50);
    call.abort();
    await vi.advanceTimersByTimeAsync(0);

    expect(record().endedEarly).toBe(false);
    expect(endRecord(ends)).toMatchObject({ endedEarly: false, decision: { outcome: 'majority' } });
    expect(endRecord(ends).versions[2]).toMatchObject({ verdict: 'cancelled', durationSeconds: 0.05 });
  });

  it('counts a runner that rejects as an error verdict', async () => {
    const { ends } = start([rejects('a', new Error('decorator bug'), 5), answers('b', SORTED, 10), answers('c', SORTED, 15)]);

    await vi.advanceTimersByTimeAsync(15);
    expect(endRecord(ends).decision).toMatchObject({ outcome: 'majority', agreeing: 2 });
    expect(endRecord(ends).versions[0]).toEqual({
      version: 'a',
      verdict: 'error',
      durationSeconds: 0.005,
      detail: 'the runner threw: decorator bug',
    });
  });

  it('rejects with a VoteFailure, reports it once through onEnd and stops every version, when the voter throws', async () => {
    const bug = new Error('agree is broken');
    const runners = [answers('a', SORTED, 10), hangs('b'), hangs('c')];
    const { decided, ends } = start(runners, { voter: voterWith({ agree: () => { throw bug; } }), stragglerGraceMs: 100 });

    await vi.advanceTimersByTimeAsync(10);
    expect(decided.current.state).toBe('rejected');
    const failure = decided.current.state === 'rejected' ? decided.current.error : undefined;
    expect(failure).toBeInstanceOf(VoteFailure);
    expect((failure as VoteFailure).cause).toBe(bug);
    // The versions still going are stopped at once: the vote cannot use their answers.
    await vi.advanceTimersByTimeAsync(0);
    expect(runners.slice(1).map(runner => runner.soleRun().stopped)).toEqual([
      { at: 10, reason: 'cancelled' },
      { at: 10, reason: 'cancelled' },
    ]);
    expect(ends).toEqual([{ at: 10, end: { kind: 'failed', error: failure } }]);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(ends).toHaveLength(1);
  });

  it('rejects with a VoteFailure when isValue throws', async () => {
    const bug = new RangeError('isValue is broken');
    const { decided, ends } = start([answers('a', SORTED, 10), answers('b', SORTED, 20), answers('c', SORTED, 30)], {
      isValue: (_value: unknown): _value is Value => {
        throw bug;
      },
    });

    await vi.advanceTimersByTimeAsync(30);
    expect(decided.current).toMatchObject({ state: 'rejected', error: { name: 'VoteFailure', cause: bug } });
    expect(ends).toMatchObject([{ end: { kind: 'failed', error: { cause: bug } } }]);
  });

  it('ends failed, after a decided vote, when the voter throws only while the final verdicts are judged', async () => {
    const bug = new Error('cannot compare with 9');
    const agree = (a: Value, b: Value): boolean => {
      if (a.includes(9) !== b.includes(9)) throw bug;
      return a.join() === b.join();
    };
    const { decided, ends } = start([answers('a', SORTED, 10), answers('b', SORTED, 20), answers('c', [9], 30)], {
      voter: voterWith({ agree }),
    });

    await vi.advanceTimersByTimeAsync(30);
    expect(decided.current.state).toBe('resolved');
    expect(ends).toMatchObject([{ end: { kind: 'failed', error: { name: 'VoteFailure', cause: bug } } }]);
  });

  it.each([
    ['a value isValue refuses', { kind: 'value', value: 'not a list' }],
    ['a value result without a value', { kind: 'value' }],
    ['a domain error with a malformed reason', { kind: 'domain_error', reason: 'not upper case' }],
    ['an unknown kind', { kind: 'maybe', value: SORTED }],
    ['null', null],
    ['a bare value', SORTED],
  ])('gives an error verdict, with a detail, to a version that returns %s', async (_name, result) => {
    const { ends, record } = start([returns('a', result, 5), answers('b', SORTED, 10), answers('c', SORTED, 15)]);

    await vi.advanceTimersByTimeAsync(15);
    expect(record().decision).toMatchObject({ outcome: 'majority', agreeing: 2 });
    expect(endRecord(ends).versions[0]).toEqual({
      version: 'a',
      verdict: 'error',
      durationSeconds: 0.005,
      detail: 'returned a malformed result',
    });
  });

  it('does not count answers the voter refuses towards a majority', async () => {
    const isAcceptable = vi.fn((value: Value) => !value.includes(6));
    const { call, decided, record } = start([answers('a', [6, 6], 10), answers('b', [6, 6], 20), hangs('c')], {
      voter: voterWith({ isAcceptable }),
    });

    // Two refused answers leave only c, which cannot make a majority of three on its own.
    await vi.advanceTimersByTimeAsync(20);
    expect(decided.current.state).toBe('resolved');
    expect(record().decision).toEqual({ outcome: 'no_majority', agreeing: 0, ballots: 0 });
    expect(record().versions.slice(0, 2)).toEqual([
      { version: 'a', verdict: 'disagree', durationSeconds: 0.01, detail: 'answer refused by the voter' },
      { version: 'b', verdict: 'disagree', durationSeconds: 0.02, detail: 'answer refused by the voter' },
    ]);
    expect(isAcceptable).toHaveBeenCalledWith([6, 6], call.input);
  });

  it('decides on the accepted answers alone when one is refused', async () => {
    const { record } = start([answers('a', [6], 10), answers('b', SORTED, 20), answers('c', SORTED, 30)], {
      voter: voterWith({ isAcceptable: value => !value.includes(6) }),
    });

    await vi.advanceTimersByTimeAsync(30);
    expect(record().decision).toMatchObject({ outcome: 'majority', agreeing: 2, answer: { kind: 'value', value: SORTED } });
    expect(record().versions[0]).toMatchObject({ verdict: 'disagree', detail: 'answer refused by the voter' });
    expect(record().versions[0]).not.toHaveProperty('ballot');
  });
});
