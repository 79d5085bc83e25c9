import type { MethodSettings } from '../config.js';
import type { VersionPool } from '../dispatch/version-pool.js';
import { corruptResult } from '../faults/corrupt-result.js';
import type { Injection } from '../faults/fault-spec.js';
import { conductVote, type VoteEnd, type VoteRecord } from './conduct-vote.js';

export interface MethodVoteOptions {
  readonly input: unknown;
  /** The request's size on the wire (bytes). */
  readonly inputBytes: number;
  /** Faults this execution suffers, by version (fault injection only). */
  readonly injections: ReadonlyMap<string, Injection>;
  readonly budgetMs: number;
  readonly stragglerGraceMs: number;
  readonly callSignal: AbortSignal;
  readonly onEnd: (end: VoteEnd<unknown>) => void;
}

/** One vote of a configured method over its pools: what a client call and a health probe share. */
export function runMethodVote(
  settings: MethodSettings,
  pools: readonly VersionPool[],
  options: MethodVoteOptions,
): Promise<VoteRecord<unknown>> {
  const { method } = settings;
  const createVoter = method.voters[settings.voter];
  if (createVoter === undefined) throw new Error(`no voter ${settings.voter} for ${method.name}`);
  const { input, injections } = options;
  return conductVote({
    pools,
    voter: createVoter(settings.tolerance),
    input,
    inputBytes: options.inputBytes,
    ...(injections.size === 0
      ? {}
      : {
          injections,
          corrupt: (injection: Injection, result: unknown) =>
            corruptResult(injection.kind, result, input, method, injection.corruptionSeed),
        }),
    isValue: method.isValue,
    budgetMs: options.budgetMs,
    callSignal: options.callSignal,
    stragglerGraceMs: options.stragglerGraceMs,
    onEnd: options.onEnd,
  });
}
