import type { VersionRunner } from '../runners/index.js';
import type { Ballot, Settlement, Verdict } from '../vote/index.js';
import { decide, decideWeighted, verdictOf, type Decision, type WeightedRule } from '../vote/index.js';
import type { Voter } from '../vote/index.js';
import { fanOut, type RunSettlement } from './fan-out.js';
import type { VoteCall } from './vote-call.js';
import { DECIDE_WHEN_ALL_SETTLED, STANDING_DOWN } from './vote-roster.js';

const NO_SHADOWS: ReadonlySet<string> = new Set();
import { VoteFailure, type VersionRecord, type VoteEnd, type VoteRecord } from './vote-record.js';

export interface ConductVoteOptions<TInput, TValue> {
  readonly runners: readonly VersionRunner[];
  readonly voter: Voter<TInput, TValue>;
  readonly isValue: (value: unknown) => value is TValue;
  /** How long versions still running after the decision may go on before they are stopped. */
  readonly stragglerGraceMs: number;
  /**
   * Called exactly once, when every version has settled, with the final verdicts (stragglers
   * included) or the failure that stopped the vote. What it throws is the caller's to contain.
   */
  readonly onEnd: (end: VoteEnd<TValue>) => void;
  /** Time redundancy; absent: a vote that fails, fails. */
  readonly retry?: RetryPolicy;
  /** Shadow versions: they run and are judged against the decision, but never vote nor count in N. */
  readonly shadows?: ReadonlySet<string>;
  /** History-weighted voting instead of plain majority; absent: plain majority. */
  readonly weighted?: WeightedRule;
}

/**
 * Time redundancy against transient faults: when the vote would end without an answer, the
 * versions that failed or dissented run once more (the others keep their ballots), if the budget
 * still leaves room for a run; then the vote is decided on what it has.
 */
export interface RetryPolicy {
  /** Re-runs per call at most (1: once). */
  readonly attempts: number;
  /** A re-run starts only if at least this much of the budget is left (ms). */
  readonly minRemainingMs: number;
}

/**
 * Runs the versions and resolves as soon as the vote is decided (a strict majority agrees, or
 * none can). Stragglers run on for `stragglerGraceMs` at most; `onEnd` reports their verdicts.
 * Rejects with a VoteFailure, and stops every version, if method or voter code throws.
 */
export function conductVote<TInput, TValue>(call: VoteCall, options: ConductVoteOptions<TInput, TValue>): Promise<VoteRecord<TValue>> {
  const { voter } = options;
  const standingDown = call.probe ? undefined : call.attributes.get(STANDING_DOWN);
  const runners = standingDown === undefined || standingDown.size === 0 ? options.runners : options.runners.filter(runner => !standingDown.has(runner.id));
  const shadows = options.shadows ?? NO_SHADOWS;
  const voting = shadows.size === 0 ? runners : runners.filter(runner => !shadows.has(runner.id));
  const shadowing = shadows.size === 0 ? [] : runners.filter(runner => shadows.has(runner.id));
  // Strict mode judges every version, so it decides only once all have answered.
  const waitForAll = call.attributes.get(DECIDE_WHEN_ALL_SETTLED) === true;
  const input = call.input as TInput;
  const configured = voting.length;
  const votingIds = voting.map(runner => runner.id);
  const settlements = new Map<string, Settlement<TValue>>();
  const shadowSettlements = new Map<string, Settlement<TValue>>();
  const runs = new Map<string, RunSettlement>();
  const started = performance.now();
  let decision: Decision<TValue> | undefined;
  let failure: VoteFailure | undefined;
  const attempts = new Map<string, number>();
  let retriesLeft = call.probe ? 0 : (options.retry?.attempts ?? 0);
  const fanOuts: Promise<void>[] = [];
  let endedEarly = false;
  let settleDecided!: { resolve: (record: VoteRecord<TValue>) => void; reject: (error: VoteFailure) => void };
  const decided = new Promise<VoteRecord<TValue>>((resolve, reject) => {
    settleDecided = { resolve, reject };
  });

  const snapshot = (): VoteRecord<TValue> => {
    const at = (performance.now() - started) / 1000;
    const current = decision as Decision<TValue>;
    return {
      decision: current,
      endedEarly,
      versions: runners.map(runner => {
        const shadow = shadows.has(runner.id);
        const settlement = (shadow ? shadowSettlements : settlements).get(runner.id);
        const verdict = verdictOf(settlement, current, voter);
        const record = recordOf(runner.id, verdict, at, settlement, runs.get(runner.id));
        const attempt = attempts.get(runner.id);
        const marked = shadow ? { ...record, shadow: true as const } : record;
        return attempt === undefined ? marked : { ...marked, attempts: attempt + 1 };
      }),
    };
  };

  // Every call into method and voter code happens here or in snapshot(), and both are guarded:
  // whatever they throw fails this call, never the process.
  const onSettle = (settled: RunSettlement): boolean | 'stop' => {
    if (failure !== undefined) return 'stop';
    try {
      runs.set(settled.version, settled);
      settlements.set(settled.version, toSettlement(settled, input, options));
      if (decision !== undefined) return true;
      if (call.signal.aborted) endedEarly = true;
      if (waitForAll && settlements.size < configured) return false;
      decision =
        options.weighted === undefined
          ? decide([...settlements.values()], configured, voter)
          : decideWeighted([...settlements.values()], votingIds, voter, options.weighted);
      if (decision === undefined) return false;
      if (!('winner' in decision) && retryFailed(decision)) {
        decision = undefined;
        return false;
      }
      settleDecided.resolve(snapshot());
      return true;
    } catch (error) {
      failure = new VoteFailure(error);
      settleDecided.reject(failure);
      return 'stop';
    }
  };

  // A shadow's answer is judged when the record is taken; it never decides anything.
  const onShadowSettle = (settled: RunSettlement): boolean | 'stop' => {
    if (failure !== undefined) return 'stop';
    try {
      runs.set(settled.version, settled);
      shadowSettlements.set(settled.version, toSettlement(settled, input, options));
      return false;
    } catch (error) {
      failure = new VoteFailure(error);
      settleDecided.reject(failure);
      return 'stop';
    }
  };

  const run = { input: call.input, request: call.request, inputBytes: call.inputBytes, requestId: call.requestId, attributes: call.attributes };
  const fanOutOptions = { budgetMs: call.budgetMs, callSignal: call.signal, stragglerGraceMs: options.stragglerGraceMs, dropUnstartedWhenDecided: !call.probe, onSettle };
  const budgetEndsAt = started + call.budgetMs;

  // Re-runs, within what is left of the budget, the versions that failed or dissented; the
  // others' ballots stand. False when there is nothing to re-run, no retry left, or no time.
  const retryFailed = (failed: Decision<TValue>): boolean => {
    const remainingMs = budgetEndsAt - performance.now();
    if (retriesLeft <= 0 || call.signal.aborted || options.retry === undefined || remainingMs < options.retry.minRemainingMs) return false;
    const again = voting.filter(runner => {
      const settlement = settlements.get(runner.id);
      if (settlement === undefined) return false;
      const verdict = verdictOf(settlement, failed, voter);
      return verdict !== 'agree' && verdict !== 'unconfirmed' && verdict !== 'cancelled';
    });
    if (again.length === 0) return false;
    retriesLeft -= 1;
    for (const runner of again) {
      settlements.delete(runner.id);
      attempts.set(runner.id, (attempts.get(runner.id) ?? 0) + 1);
    }
    const attempt = Math.max(...again.map(runner => attempts.get(runner.id) ?? 1));
    fanOuts.push(fanOut(again, { ...run, attempt }, { ...fanOutOptions, budgetMs: remainingMs }));
    return true;
  };

  fanOuts.push(fanOut(voting, run, fanOutOptions));
  // Shadows are never dropped as not needed: being compared is what they run for.
  if (shadowing.length > 0) fanOuts.push(fanOut(shadowing, run, { ...fanOutOptions, dropUnstartedWhenDecided: false, onSettle: onShadowSettle }));
  // A re-run is started from a settlement, so before the fan-out it belongs to has resolved.
  const allSettled = async (): Promise<void> => {
    for (let index = 0; index < fanOuts.length; index++) await fanOuts[index];
  };
  void allSettled().then(() => {
    let end: VoteEnd<TValue>;
    if (failure === undefined) {
      try {
        // Every version settled, so the vote was decided at the latest by the last settlement.
        end = { kind: 'recorded', record: snapshot() };
      } catch (error) {
        failure = new VoteFailure(error);
        end = { kind: 'failed', error: failure };
      }
    } else {
      end = { kind: 'failed', error: failure };
    }
    options.onEnd(end);
  });
  return decided;
}

function toSettlement<TInput, TValue>(
  settled: RunSettlement,
  input: TInput,
  options: ConductVoteOptions<TInput, TValue>,
): Settlement<TValue> {
  const { outcome, version } = settled;
  if (outcome.kind === 'failed') return { version, status: 'failed', failure: outcome.failure };
  const ballot = toBallot(outcome.result, options.isValue);
  if (ballot === undefined) return { version, status: 'failed', failure: 'error' };
  const valid = ballot.kind === 'domain_error' || options.voter.isAcceptable(ballot.value, input);
  return { version, status: 'ballot', ballot, valid };
}

const REASON = /^[A-Z][A-Z0-9_]{0,63}$/;

/** A version's return value as a ballot, or undefined when it is not a well-formed result. */
export function toBallot<TValue>(result: unknown, isValue: (value: unknown) => value is TValue): Ballot<TValue> | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { kind } = result as { kind?: unknown };
  if (kind === 'value') {
    const { value } = result as { value?: unknown };
    return isValue(value) ? { kind: 'value', value } : undefined;
  }
  if (kind === 'domain_error') {
    const { reason } = result as { reason?: unknown };
    return typeof reason === 'string' && REASON.test(reason) ? { kind: 'domain_error', reason } : undefined;
  }
  return undefined;
}

function recordOf<TValue>(
  version: string,
  verdict: Verdict,
  now: number,
  settlement: Settlement<TValue> | undefined,
  run: RunSettlement | undefined,
): VersionRecord {
  const record: { -readonly [K in keyof VersionRecord]: VersionRecord[K] } = { version, verdict, durationSeconds: run?.durationSeconds ?? now };
  if (run?.outcome.injectedFault !== undefined) record.injectedFault = run.outcome.injectedFault;
  if (settlement?.status === 'ballot') {
    if (settlement.ballot.kind === 'domain_error') record.domainReason = settlement.ballot.reason;
    if (settlement.valid) record.ballot = settlement.ballot;
  }
  if (run?.outcome.kind === 'failed') {
    record.detail = run.outcome.detail;
  } else if (settlement?.status === 'failed') {
    record.detail = 'returned a malformed result';
  } else if (settlement?.status === 'ballot' && !settlement.valid) {
    record.detail = 'answer refused by the voter';
  }
  return record;
}
