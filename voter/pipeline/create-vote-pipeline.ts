import { NvoteError } from '../errors.js';
import { createCallAttributes, type VersionRunner } from '../runners/index.js';
import type { Ballot } from '../vote/index.js';
import { ballotsAgree } from '../vote/index.js';
import type { Voter, WeightedRule } from '../vote/index.js';
import { conductVote, toBallot, type RetryPolicy } from './conduct-vote.js';
import type { VoteCall, VoteCallInit } from './vote-call.js';
import type { VoteInterceptor, VoteNext } from './vote-interceptor.js';
import type { BallotJudge, VoteObserver } from './vote-observer.js';
import type { VoteEnd, VoteRecord } from './vote-record.js';

/** Where plug-in code threw: an interceptor, the vote itself (method or voter code), an observer, a settle callback. */
export type ContainedStage = 'interceptor' | 'vote' | 'observer' | 'settled';

export interface VotePipelineOptions {
  readonly method: string;
  readonly runners: readonly VersionRunner[];
  readonly voter: Voter<unknown, unknown>;
  readonly isValue: (value: unknown) => boolean;
  readonly stragglerGraceMs: number;
  /** Time redundancy: re-run the versions that failed or dissented when the vote would fail. Absent: off. */
  readonly retry?: RetryPolicy;
  /** Versions that run and are compared but never vote (`shadow: true` in the configuration). */
  readonly shadows?: ReadonlySet<string>;
  /** History-weighted voting (voter/weighting) instead of plain majority. */
  readonly weighted?: WeightedRule;
  /** Outermost first. */
  readonly interceptors: readonly VoteInterceptor[];
  /** Told in order, each on its own, once every version has settled. */
  readonly observers: readonly VoteObserver[];
  /** Every exception contained on the way, with where it happened; the gateway counts and logs them. */
  readonly onContained: (stage: ContainedStage, error: unknown, call: VoteCall, plugin?: string) => void;
}

export interface VotePipeline {
  /**
   * Votes on one call: resolves with the record as soon as the vote is decided, or rejects with
   * an NvoteError (a refusal by an interceptor, or INTERNAL for anything contained).
   */
  run(init: VoteCallInit): Promise<VoteRecord<unknown>>;
}

/**
 * One method's pipeline: interceptors around the vote, the runners under it, observers after it.
 * This is the one place where plug-in code runs contained: whatever an interceptor, the method's
 * voter, an observer or a settle callback throws fails this call at most, never the gateway.
 */
export function createVotePipeline(options: VotePipelineOptions): VotePipeline {
  const { voter } = options;
  const isValue = options.isValue as (value: unknown) => value is unknown;
  const judge: BallotJudge = {
    ballotOf: result => toBallot(result, isValue),
    agree: (a: Ballot<unknown>, b: Ballot<unknown>) => ballotsAgree(a, b, voter),
  };

  return {
    run(init) {
      const settledCallbacks: (() => void)[] = [];
      let settled = false;
      const call: VoteCall = {
        ...init,
        attributes: createCallAttributes(),
        annotations: new Map(),
        onSettled: callback => {
          if (settled) runContained('settled', callback);
          else settledCallbacks.push(callback);
        },
      };
      const runContained = (stage: ContainedStage, action: () => void, plugin?: string): void => {
        try {
          action();
        } catch (error) {
          options.onContained(stage, error, call, plugin);
        }
      };
      const settle = (): void => {
        if (settled) return;
        settled = true;
        for (const callback of settledCallbacks.splice(0)) runContained('settled', callback);
      };
      let reachedVersions = false;
      const onEnd = (end: VoteEnd<unknown>): void => {
        if (end.kind === 'failed') options.onContained('vote', end.error.cause, call);
        settle();
        const event = { method: call.method, requestId: call.requestId, probe: call.probe, end, call, judge };
        for (const observer of options.observers) runContained('observer', () => observer.voteEnded(event), observer.name);
      };
      const vote: VoteNext = current => {
        reachedVersions = true;
        return conductVote(current, {
          runners: options.runners,
          voter,
          isValue,
          stragglerGraceMs: options.stragglerGraceMs,
          onEnd,
          ...(options.retry === undefined ? {} : { retry: options.retry }),
          ...(options.shadows === undefined ? {} : { shadows: options.shadows }),
          ...(options.weighted === undefined ? {} : { weighted: options.weighted }),
        });
      };
      // The interceptor whose own code threw (not an error passing through it from further in).
      let failedIn: string | undefined;
      const chain = options.interceptors.reduceRight<VoteNext>(
        (next, interceptor) => current => {
          let passedThrough = false;
          const inner: VoteNext = c =>
            next(c).catch((error: unknown) => {
              passedThrough = true;
              throw error;
            });
          const blame = (error: unknown): never => {
            if (!passedThrough) failedIn ??= interceptor.name;
            throw error;
          };
          try {
            return interceptor.intercept(current, inner).catch(blame);
          } catch (error) {
            return Promise.reject(error).catch(blame);
          }
        },
        vote,
      );
      return chain(call).then(
        record => {
          // An interceptor answered without the versions (a cache, a fallback): that is the
          // final record, and what the call held is free now.
          if (!reachedVersions) onEnd({ kind: 'recorded', record });
          return record;
        },
        (error: unknown) => {
          // A call refused or failed before any version ran holds nothing past this point.
          if (!reachedVersions) settle();
          if (error instanceof NvoteError) throw error;
          // The vote's own failure was reported once, when it ended (onEnd).
          if (!(error instanceof Error && error.name === 'VoteFailure')) options.onContained('interceptor', error, call, failedIn);
          throw new NvoteError('INTERNAL', 'internal error', { cause: error });
        },
      );
    },
  };
}
