import type { MethodSettings } from '../config.js';
import type { VoteEnd, VoteObserver, VotePipeline } from '../pipeline/index.js';
import { ballotsAgree } from '../vote/index.js';
import { evidenceOf, type Evidence } from './version-health.js';

const NO_HEADERS: readonly string[] = [];

/** What one version's self-test came to: the known answer, another, or none within the watchdog. */
export type SelfTestResult = 'pass' | 'fail' | 'timeout';
export const SELF_TEST_RESULTS: readonly SelfTestResult[] = ['pass', 'fail', 'timeout'];

/** One version's part in a self-test: what it is worth to health, and the result as reported. */
export interface SelfTestReading {
  readonly evidence: Evidence;
  /** `none`: the self-test ended before the version answered (it says nothing). */
  readonly result: SelfTestResult | 'none';
}

export interface KnownAnswerProbes {
  /** The method's probe for the health monitor; none for a method without a known answer. */
  /** `watchdogMs`: each version's budget on the probe; one that has not answered by then fails it as `timeout`. */
  of(settings: MethodSettings, watchdogMs: number): { probe?: () => Promise<ReadonlyMap<string, SelfTestReading>> };
  /** Hands each probe its final record, once every version has settled. */
  readonly observer: VoteObserver;
}

/**
 * Known-answer self-tests through the method's own pipeline: a probe meets the versions exactly
 * as a call would (injected faults included), and each version is judged against the known
 * answer, not against the vote, so that a common-mode fault fails them all.
 */
export function createKnownAnswerProbes(
  pipelineOf: (method: string) => VotePipeline | undefined,
  onResult: (method: string, version: string, result: SelfTestResult) => void = () => undefined,
): KnownAnswerProbes {
  const waiting = new Map<string, (end: VoteEnd<unknown>) => void>();
  let probes = 0;
  return {
    observer: {
      name: 'known-answer-probes',
      voteEnded({ probe, requestId, end }) {
        if (!probe) return;
        waiting.get(requestId)?.(end);
        waiting.delete(requestId);
      },
    },
    of(settings, watchdogMs) {
      const { method } = settings;
      const known = method.knownAnswer;
      const createVoter = method.voters[settings.voter];
      if (known === undefined || createVoter === undefined) return {};
      const voter = createVoter(settings.tolerance);
      const expected = { kind: 'value', value: known.expected } as const;
      const probe = async (): Promise<ReadonlyMap<string, SelfTestReading>> => {
        const pipeline = pipelineOf(method.name);
        if (pipeline === undefined) throw new Error(`no pipeline for ${method.name}`);
        const requestId = `probe:${method.name}:${++probes}`;
        const ended = new Promise<VoteEnd<unknown>>(resolve => waiting.set(requestId, resolve));
        const decided = pipeline.run({
          method: method.name,
          requestId,
          input: method.toInput(known.request),
          request: known.request,
          inputBytes: 0,
          budgetMs: Math.min(watchdogMs, settings.defaultTimeoutMs),
          signal: new AbortController().signal,
          probe: true,
          header: () => NO_HEADERS,
        });
        // A probe the pipeline refuses never reaches the observers.
        const end = await Promise.race([ended, decided.then(() => ended)]).finally(() => waiting.delete(requestId));
        if (end.kind === 'failed') throw end.error;
        const readings = new Map<string, SelfTestReading>();
        for (const version of end.record.versions) {
          const right = version.ballot !== undefined && ballotsAgree(version.ballot, expected, voter);
          const seen = version.ballot === undefined ? evidenceOf(version.verdict) : right ? 'success' : 'failure';
          const result = seen === 'none' ? 'none' : seen === 'success' ? 'pass' : version.verdict === 'timeout' ? 'timeout' : 'fail';
          readings.set(version.version, { evidence: seen, result });
          if (result !== 'none') onResult(method.name, version.version, result);
        }
        return readings;
      };
      return { probe };
    },
  };
}
