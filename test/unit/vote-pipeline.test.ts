import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NvoteError } from '../../voter/errors.js';
import { createVotePipeline, type VotePipelineOptions } from '../../voter/pipeline/create-vote-pipeline.js';
import type { VoteCall } from '../../voter/pipeline/vote-call.js';
import type { VoteInterceptor } from '../../voter/pipeline/vote-interceptor.js';
import type { VoteEvent, VoteObserver } from '../../voter/pipeline/vote-observer.js';
import type { VoteRecord } from '../../voter/pipeline/vote-record.js';
import { AttributeKey } from '../../voter/runners/call-attributes.js';
import { createExactVoter } from '../../voter/vote/exact-voter.js';
import { answers, hangs, type FakeRunner } from './support/fake-runner.js';
import { track } from './support/track.js';
import { callInit } from './support/vote-call.js';

const SORTED = [1, 2, 3];
const isValue = (value: unknown): boolean => Array.isArray(value);

function pipeline(overrides: Partial<Omit<VotePipelineOptions, 'runners'>> & { runners?: readonly FakeRunner[] } = {}) {
  const onContained = vi.fn<VotePipelineOptions['onContained']>();
  const runners = overrides.runners ?? [answers('a', SORTED, 10), answers('b', SORTED, 20), hangs('c')];
  const voting = createVotePipeline({
    method: 'Sort',
    runners,
    voter: createExactVoter(),
    isValue,
    stragglerGraceMs: 100,
    interceptors: [],
    observers: [],
    onContained,
    ...overrides,
  });
  return { voting, runners, onContained };
}

function interceptor(name: string, intercept: VoteInterceptor['intercept']): VoteInterceptor {
  return { name, intercept };
}

function recordingObserver(name: string, log: string[] = []): VoteObserver & { readonly events: VoteEvent[] } {
  const events: VoteEvent[] = [];
  return {
    name,
    events,
    voteEnded: event => {
      log.push(`observer ${name}`);
      events.push(event);
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createVotePipeline', () => {
  it('runs the interceptors outermost first, each seeing the call on the way in and the record on the way back', async () => {
    const log: string[] = [];
    const seen: { name: string; call: VoteCall; record: VoteRecord<unknown> }[] = [];
    const around = (name: string): VoteInterceptor =>
      interceptor(name, async (call, next) => {
        log.push(`${name} in`);
        const record = await next(call);
        log.push(`${name} out`);
        seen.push({ name, call, record });
        return record;
      });
    const { voting } = pipeline({ interceptors: [around('outer'), around('middle'), around('inner')] });

    const result = track(voting.run(callInit({ requestId: 'req-order' })));
    expect(log).toEqual(['outer in', 'middle in', 'inner in']);
    await vi.advanceTimersByTimeAsync(20);

    expect(log).toEqual(['outer in', 'middle in', 'inner in', 'inner out', 'middle out', 'outer out']);
    expect(result.current).toMatchObject({ state: 'resolved', value: { decision: { outcome: 'majority', agreeing: 2 } } });
    const record = result.current.state === 'resolved' ? result.current.value : undefined;
    expect(seen.map(s => s.name)).toEqual(['inner', 'middle', 'outer']);
    for (const each of seen) {
      expect(each.call.requestId).toBe('req-order');
      expect(each.call).toBe(seen[0]?.call);
      expect(each.record).toBe(record);
    }
  });

  it('returns what the outermost interceptor makes of the record', async () => {
    const { voting } = pipeline({
      interceptors: [
        interceptor('rewrites', async (call, next) => ({ ...(await next(call)), endedEarly: true })),
        interceptor('passes', (call, next) => next(call)),
      ],
    });

    const result = track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(20);
    expect(result.current).toMatchObject({ state: 'resolved', value: { endedEarly: true, decision: { outcome: 'majority' } } });
  });

  it('passes an interceptor refusal to the caller unchanged and runs the settle callbacks registered before it at once', async () => {
    const refusal = new NvoteError('OVERLOADED', 'too busy', { reason: 'QUEUE_FULL' });
    const settled = vi.fn();
    const inner = vi.fn<VoteInterceptor['intercept']>((call, next) => next(call));
    const observer = recordingObserver('after');
    const { voting, runners, onContained } = pipeline({
      interceptors: [
        interceptor('holds', (call, next) => {
          call.onSettled(settled);
          return next(call);
        }),
        interceptor('refuses', () => Promise.reject(refusal)),
        interceptor('inner', inner),
      ],
      observers: [observer],
    });

    const result = track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(0);

    expect(result.current).toEqual({ state: 'rejected', error: refusal });
    expect(settled).toHaveBeenCalledTimes(1);
    expect(inner).not.toHaveBeenCalled();
    expect(runners.every(runner => runner.runs.length === 0)).toBe(true);
    expect(onContained).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(settled).toHaveBeenCalledTimes(1);
    expect(observer.events).toEqual([]);
  });

  it('settles and tells the observers when an interceptor answers without reaching the versions', async () => {
    const settled = vi.fn();
    const observer = recordingObserver('after');
    const answer: VoteRecord<unknown> = { decision: { outcome: 'quorum_lost', agreeing: 0, ballots: 0 }, versions: [], endedEarly: false };
    const { voting, runners } = pipeline({
      interceptors: [
        interceptor('holds', (call, next) => {
          call.onSettled(settled);
          return next(call);
        }),
        interceptor('answers itself', () => Promise.resolve(answer)),
      ],
      observers: [observer],
    });

    const result = track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(0);

    expect(result.current).toEqual({ state: 'resolved', value: answer });
    expect(runners.every(runner => runner.runs.length === 0)).toBe(true);
    expect(settled).toHaveBeenCalledTimes(1);
    expect(observer.events.map(event => event.end)).toEqual([{ kind: 'recorded', record: answer }]);
  });

  it('treats an interceptor that throws before returning a promise like one that rejects', async () => {
    const refusal = new NvoteError('SHUTTING_DOWN', 'shutting down');
    const settled = vi.fn();
    const { voting } = pipeline({
      interceptors: [
        interceptor('throws', call => {
          call.onSettled(settled);
          throw refusal;
        }),
      ],
    });

    const result = track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(0);
    expect(result.current).toEqual({ state: 'rejected', error: refusal });
    expect(settled).toHaveBeenCalledTimes(1);
  });

  it('turns anything else an interceptor throws into INTERNAL, and reports it at stage interceptor', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    const { voting, onContained } = pipeline({ interceptors: [interceptor('buggy', () => Promise.reject(bug))] });

    const result = track(voting.run(callInit({ requestId: 'req-bug' })));
    await vi.advanceTimersByTimeAsync(0);

    expect(result.current.state).toBe('rejected');
    const error = result.current.state === 'rejected' ? result.current.error : undefined;
    expect(error).toBeInstanceOf(NvoteError);
    expect(error).toMatchObject({ code: 'INTERNAL', reason: 'INTERNAL', message: 'internal error', cause: bug });
    expect(onContained).toHaveBeenCalledTimes(1);
    const [stage, reported, call, plugin] = onContained.mock.calls[0] ?? [];
    expect([stage, reported, call?.requestId, plugin]).toEqual(['interceptor', bug, 'req-bug', 'buggy']);
  });

  it('waits for the stragglers before settling when an interceptor fails on the way back', async () => {
    const bug = new Error('failed after the vote');
    const settled = vi.fn();
    const observer = recordingObserver('after');
    const { voting, onContained } = pipeline({
      interceptors: [
        interceptor('fails late', async (call, next) => {
          call.onSettled(settled);
          await next(call);
          throw bug;
        }),
      ],
      observers: [observer],
    });

    const result = track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(20);
    expect(result.current).toMatchObject({ state: 'rejected', error: { code: 'INTERNAL', cause: bug } });
    expect(onContained.mock.calls.map(([stage, error]) => [stage, error])).toEqual([['interceptor', bug]]);
    expect(settled).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(100);
    expect(settled).toHaveBeenCalledTimes(1);
    expect(observer.events).toHaveLength(1);
  });

  it('carries attributes an interceptor sets to the runners and to the observers', async () => {
    const PLAN = new AttributeKey<{ readonly faults: readonly string[] }>('test.plan');
    const plan = { faults: ['hang'] };
    const observer = recordingObserver('reads');
    const { voting, runners } = pipeline({
      interceptors: [
        interceptor('plans', (call, next) => {
          call.attributes.set(PLAN, plan);
          return next(call);
        }),
      ],
      observers: [observer],
    });

    track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(120);

    expect(runners.map(runner => runner.soleRun().run.attributes.get(PLAN))).toEqual([plan, plan, plan]);
    expect(observer.events).toHaveLength(1);
    expect(observer.events[0]?.call.attributes.get(PLAN)).toBe(plan);
    expect(observer.events[0]?.call.attributes.get(new AttributeKey<unknown>('test.plan'))).toBeUndefined();
  });

  it('runs onSettled callbacks once the stragglers have settled, not at the decision, then the observers', async () => {
    const log: string[] = [];
    const straggler = hangs('c');
    const { voting } = pipeline({
      runners: [answers('a', SORTED, 10), answers('b', SORTED, 20), straggler],
      stragglerGraceMs: 100,
      interceptors: [
        interceptor('holds', (call, next) => {
          call.onSettled(() => log.push('settled first'));
          call.onSettled(() => log.push('settled second'));
          return next(call);
        }),
      ],
      observers: [recordingObserver('one', log), recordingObserver('two', log)],
    });

    const result = track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(20);
    expect(result.current.state).toBe('resolved');
    expect(log).toEqual([]);

    await vi.advanceTimersByTimeAsync(99);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(straggler.soleRun().stopped).toEqual({ at: 120, reason: 'timeout' });
    expect(log).toEqual(['settled first', 'settled second', 'observer one', 'observer two']);
  });

  it('runs a settle callback registered after the versions settled at once', async () => {
    const late = vi.fn();
    let held: VoteCall | undefined;
    const { voting } = pipeline({
      interceptors: [
        interceptor('keeps the call', (call, next) => {
          held = call;
          return next(call);
        }),
      ],
    });

    track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(120);
    held?.onSettled(late);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('tells the observers how the vote ended, with the final verdicts', async () => {
    const observer = recordingObserver('records');
    const { voting } = pipeline({ observers: [observer] });

    track(voting.run(callInit({ requestId: 'req-end', probe: true })));
    await vi.advanceTimersByTimeAsync(120);

    expect(observer.events).toHaveLength(1);
    const [event] = observer.events;
    expect(event).toMatchObject({ method: 'Sort', requestId: 'req-end', probe: true, end: { kind: 'recorded' } });
    const verdicts = event?.end.kind === 'recorded' ? event.end.record.versions.map(v => v.verdict) : [];
    expect(verdicts).toEqual(['agree', 'agree', 'timeout']);
    expect(event?.judge.agree({ kind: 'value', value: [1] }, { kind: 'value', value: [1] })).toBe(true);
    expect(event?.judge.ballotOf({ kind: 'value', value: 'not a list' })).toBeUndefined();
  });

  it('reports an observer that throws with its name, and still tells the next observer', async () => {
    const bug = new Error('observer bug');
    const next = recordingObserver('next');
    const { voting, onContained } = pipeline({
      observers: [
        {
          name: 'throws',
          voteEnded: () => {
            throw bug;
          },
        },
        next,
      ],
    });

    track(voting.run(callInit({ requestId: 'req-obs' })));
    await vi.advanceTimersByTimeAsync(120);

    expect(next.events).toHaveLength(1);
    expect(onContained).toHaveBeenCalledTimes(1);
    const [stage, error, call, plugin] = onContained.mock.calls[0] ?? [];
    expect([stage, error, call?.requestId, plugin]).toEqual(['observer', bug, 'req-obs', 'throws']);
  });

  it('reports a settle callback that throws, and still runs the others', async () => {
    const bug = new Error('release failed');
    const after = vi.fn();
    const { voting, onContained } = pipeline({
      interceptors: [
        interceptor('holds', (call, next) => {
          call.onSettled(() => {
            throw bug;
          });
          call.onSettled(after);
          return next(call);
        }),
      ],
    });

    const result = track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(120);

    expect(result.current.state).toBe('resolved');
    expect(after).toHaveBeenCalledTimes(1);
    expect(onContained.mock.calls.map(([stage, error]) => [stage, error])).toEqual([['settled', bug]]);
  });

  it('fails the call with INTERNAL and reports the voter bug once, at stage vote, when the voter throws', async () => {
    const bug = new Error('agree is broken');
    const observer = recordingObserver('after');
    const { voting, onContained } = pipeline({
      voter: {
        ...createExactVoter(),
        agree: () => {
          throw bug;
        },
      },
      observers: [observer],
    });

    const result = track(voting.run(callInit()));
    await vi.advanceTimersByTimeAsync(10);
    expect(result.current).toMatchObject({ state: 'rejected', error: { code: 'INTERNAL', cause: { name: 'VoteFailure', cause: bug } } });

    await vi.advanceTimersByTimeAsync(100);
    expect(onContained.mock.calls.map(([stage, error]) => [stage, error])).toEqual([['vote', bug]]);
    expect(observer.events.map(event => event.end.kind)).toEqual(['failed']);
  });
});
