import type { VersionPool } from '../dispatch/version-pool.js';
import { fanOut, type Job, type TaskSettlement } from '../dispatch/fan-out.js';
import type { WorkerFault } from '../dispatch/version-task.js';
import { RESULT_FAULT_KINDS, type FaultKind, type Injection } from '../faults/fault-spec.js';
import type { Ballot, Settlement, Verdict } from '../vote/ballot.js';
import { ballotsAgree, decide, verdictOf, type Decision } from '../vote/decide.js';
import type { Voter } from '../vote/voter.js';

/** What one version did, for the report, the metrics and the log. */
export interface VersionRecord {
  readonly version: string;
  readonly verdict: Verdict;
  readonly durationSeconds: number;
  /** The reason of a domain-error ballot. */
  readonly domainReason?: string;
  /** Why a version's task failed or its answer was refused (never sent to clients). */
  readonly detail?: string;
  /** The fault injected into this version for this call, if any. */
  readonly injectedFault?: FaultKind;
  /** The version's answer, when it gave one the voter accepted (kept in memory, never sent). */
  readonly ballot?: Ballot<unknown>;
}

/**
 * What became of a call's injected faults: `masked` (the right answer went out), `detected`
 * (an explicit error went out) or `escaped` (a corrupted answer won the vote and went out).
 */
export type FaultEffect = 'masked' | 'detected' | 'escaped';

export interface VoteRecord<TValue> {
  readonly decision: Decision<TValue>;
  readonly versions: readonly VersionRecord[];
  /** Set only for calls with injected faults. */
  readonly faultEffect?: FaultEffect;
  /** True when the call ended (cancel, deadline, shutdown) before the vote was decided. */
  readonly endedEarly: boolean;
}

/**
 * Method or voter code (isValue, a voter's functions, wrongValue) threw while the vote was being
 * taken. It is the gateway's fault, never a version's: the call fails with INTERNAL.
 */
export class VoteFailure extends Error {
  override readonly name = 'VoteFailure';
  constructor(cause: unknown) {
    super('method or voter code threw during the vote', { cause });
  }
}

/** How a vote ended once every version settled: its record, or the failure that stopped it. */
export type VoteEnd<TValue> =
  | { readonly kind: 'recorded'; readonly record: VoteRecord<TValue> }
  | { readonly kind: 'failed'; readonly error: VoteFailure };

export interface ConductVoteOptions<TInput, TValue> {
  readonly pools: readonly VersionPool[];
  readonly voter: Voter<TInput, TValue>;
  readonly input: TInput;
  /** The input's size on the wire (bytes): how long the versions are likely to hold a worker. */
  readonly inputBytes: number;
  readonly isValue: (value: unknown) => value is TValue;
  readonly budgetMs: number;
  /** How long versions still running after the decision may go on before they are stopped. */
  readonly stragglerGraceMs: number;
  readonly callSignal: AbortSignal;
  /** Faults to inject into this call, by version id (fault injection only). */
  readonly injections?: ReadonlyMap<string, Injection>;
  /** Applies a result fault (wrong value, bit flip, common mode) to what a version returned. */
  readonly corrupt?: (injection: Injection, result: unknown) => unknown;
  /**
   * Called exactly once, when every version has settled, with the final verdicts (stragglers
   * included) or the failure that stopped the vote. What it throws is the caller's to contain.
   */
  readonly onEnd: (end: VoteEnd<TValue>) => void;
}

const NO_INJECTIONS: ReadonlyMap<string, Injection> = new Map();

/**
 * Runs the versions and resolves as soon as the vote is decided (a strict majority agrees, or
 * none can). Stragglers run on for `stragglerGraceMs` at most; `onEnd` reports their verdicts.
 * Rejects with a VoteFailure, and stops every version, if method or voter code throws.
 */
export function conductVote<TInput, TValue>(options: ConductVoteOptions<TInput, TValue>): Promise<VoteRecord<TValue>> {
  const { pools, voter } = options;
  const injections = options.injections ?? NO_INJECTIONS;
  const configured = pools.length;
  const settlements = new Map<string, Settlement<TValue>>();
  const tasks = new Map<string, TaskSettlement>();
  const originals = new Map<string, unknown>();
  const started = performance.now();
  let decision: Decision<TValue> | undefined;
  let failure: VoteFailure | undefined;
  let endedEarly = false;
  let settleDecided!: { resolve: (record: VoteRecord<TValue>) => void; reject: (error: VoteFailure) => void };
  const decided = new Promise<VoteRecord<TValue>>((resolve, reject) => {
    settleDecided = { resolve, reject };
  });

  const snapshot = (): VoteRecord<TValue> => {
    const at = (performance.now() - started) / 1000;
    const current = decision as Decision<TValue>;
    const record: VoteRecord<TValue> = {
      decision: current,
      endedEarly,
      versions: pools.map(pool => {
        const settlement = settlements.get(pool.id);
        const task = tasks.get(pool.id);
        const verdict = verdictOf(settlement, current, voter);
        return recordOf(pool.id, verdict, task?.durationSeconds ?? at, settlement, task, injections.get(pool.id));
      }),
    };
    return injections.size === 0 ? record : { ...record, faultEffect: faultEffectOf(record, originals, options) };
  };

  // Every call into method and voter code happens here or in snapshot(), and both are guarded:
  // whatever they throw fails this call, never the process.
  const onSettle = (task: TaskSettlement): boolean => {
    if (failure !== undefined) return true;
    try {
      const injection = injections.get(task.version);
      const settled = injection !== undefined && task.outcome.kind === 'returned' && RESULT_FAULT_KINDS.has(injection.kind)
        ? corrupted(task, injection, options, originals)
        : task;
      tasks.set(task.version, settled);
      settlements.set(task.version, toSettlement(settled, options));
      if (decision !== undefined) return true;
      if (options.callSignal.aborted) endedEarly = true;
      decision = decide([...settlements.values()], configured, voter);
      if (decision === undefined) return false;
      settleDecided.resolve(snapshot());
      return true;
    } catch (error) {
      failure = new VoteFailure(error);
      settleDecided.reject(failure);
      return true;
    }
  };

  const jobs = pools.map(pool => jobOf(pool, injections.get(pool.id), options));
  void fanOut(jobs, {
    budgetMs: options.budgetMs,
    callSignal: options.callSignal,
    stragglerGraceMs: options.stragglerGraceMs,
    onSettle,
  }).then(() => {
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

function jobOf<TInput, TValue>(
  pool: VersionPool,
  injection: Injection | undefined,
  options: ConductVoteOptions<TInput, TValue>,
): Job {
  const { input, inputBytes } = options;
  if (injection === undefined || RESULT_FAULT_KINDS.has(injection.kind)) return { pool, task: { input }, inputBytes };
  return { pool, task: { input, fault: workerFaultOf(injection) }, inputBytes };
}

function corrupted<TInput, TValue>(
  task: TaskSettlement,
  injection: Injection,
  options: ConductVoteOptions<TInput, TValue>,
  originals: Map<string, unknown>,
): TaskSettlement {
  if (task.outcome.kind !== 'returned') return task;
  const { corrupt } = options;
  if (corrupt === undefined) throw new Error(`no way to apply a ${injection.kind} fault`);
  originals.set(task.version, task.outcome.result);
  return { ...task, outcome: { kind: 'returned', result: corrupt(injection, task.outcome.result) } };
}

function workerFaultOf(injection: Injection): WorkerFault {
  if (injection.kind === 'delay') return { kind: 'delay', delayMs: injection.delayMs };
  if (injection.kind === 'crash' || injection.kind === 'exception' || injection.kind === 'hang' || injection.kind === 'oom') {
    return { kind: injection.kind };
  }
  throw new Error(`${injection.kind} is not a fault a worker suffers`);
}

/**
 * Exact for injected result faults: the answer escaped when a version whose result was
 * corrupted agreed with it, and what that version really computed does not.
 */
function faultEffectOf<TInput, TValue>(
  record: VoteRecord<TValue>,
  originals: ReadonlyMap<string, unknown>,
  options: ConductVoteOptions<TInput, TValue>,
): FaultEffect {
  const { decision } = record;
  if (!('answer' in decision)) return 'detected';
  for (const version of record.versions) {
    if (version.verdict !== 'agree' || !originals.has(version.version)) continue;
    const original = toBallot(originals.get(version.version), options.isValue);
    if (original === undefined || !ballotsAgree(original, decision.answer, options.voter)) return 'escaped';
  }
  return 'masked';
}

function toSettlement<TInput, TValue>(
  task: TaskSettlement,
  options: ConductVoteOptions<TInput, TValue>,
): Settlement<TValue> {
  const { outcome, version } = task;
  if (outcome.kind === 'fault') return { version, status: 'fault', fault: outcome.fault };
  const ballot = toBallot(outcome.result, options.isValue);
  if (ballot === undefined) return { version, status: 'fault', fault: 'error' };
  const valid = ballot.kind === 'domain_error' || options.voter.isAcceptable(ballot.value, options.input);
  return { version, status: 'ballot', ballot, valid };
}

const REASON = /^[A-Z][A-Z0-9_]{0,63}$/;

/** A version's return value as a ballot, or undefined when it is not a well-formed result. */
function toBallot<TValue>(result: unknown, isValue: (value: unknown) => value is TValue): Ballot<TValue> | undefined {
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
  durationSeconds: number,
  settlement: Settlement<TValue> | undefined,
  task: TaskSettlement | undefined,
  injection: Injection | undefined,
): VersionRecord {
  const record: { -readonly [K in keyof VersionRecord]: VersionRecord[K] } = { version, verdict, durationSeconds };
  if (injection !== undefined) record.injectedFault = injection.kind;
  if (settlement?.status === 'ballot') {
    if (settlement.ballot.kind === 'domain_error') record.domainReason = settlement.ballot.reason;
    if (settlement.valid) record.ballot = settlement.ballot;
  }
  if (task?.outcome.kind === 'fault') {
    const { error } = task.outcome;
    record.detail = error instanceof Error ? error.message : String(error);
  } else if (settlement?.status === 'fault') {
    record.detail = 'returned a malformed result';
  } else if (settlement?.status === 'ballot' && !settlement.valid) {
    record.detail = 'answer refused by the voter';
  }
  return record;
}
