import { NOT_EVIDENCE, type VoteEvent, type VoteInterceptor, type VoteObserver, type VoteRecord } from '../pipeline/index.js';
import { AttributeKey, type VersionRun, type VersionRunner } from '../runners/index.js';
import type { FaultKind, Injection } from './fault-spec.js';
import { createFaultRegistry, type FaultRegistry } from './fault-registry.js';
import { withInjectedFaults, type WrongValueSource } from './faulty-runner.js';
import { planCallFaults, type FaultInjection } from './plan-call-faults.js';
import type { VersionCatalogue } from './validate-fault.js';

/**
 * What became of a call's injected faults: `masked` (the right answer went out), `detected`
 * (an explicit error went out) or `escaped` (a corrupted answer won the vote and went out).
 */
export type FaultEffect = 'masked' | 'detected' | 'escaped';
export const FAULT_EFFECTS: readonly FaultEffect[] = ['masked', 'detected', 'escaped'];

/** Where fault injection reports what it did (the gateway's metrics). */
export interface FaultInjectionSink {
  faultInjected(method: string, version: string, kind: FaultKind): void;
  faultEffect(method: string, effect: FaultEffect): void;
}

/** A call's plan: the fault each affected version suffers. Set by the interceptor, read by the decorator. */
export const INJECTIONS = new AttributeKey<ReadonlyMap<string, Injection>>('nvote.faults.injections');
/** What corrupted versions really computed, by version: the decorator writes, the effect observer reads. */
export const ORIGINAL_RESULTS = new AttributeKey<Map<string, unknown>>('nvote.faults.originals');
/** The faults of each re-run (time redundancy) of the call, by attempt, planned on first need. */
const RERUN_PLANS = new AttributeKey<Map<number, ReadonlyMap<string, Injection>>>('nvote.faults.rerun-plans');

export interface FaultInjectionPluginOptions {
  readonly maxActiveFaults: number;
  readonly token: string | undefined;
  /** Every method's version ids: what a fault may name. */
  readonly catalogue: VersionCatalogue;
  readonly sink: FaultInjectionSink;
}

/**
 * Fault injection as a plug-in of both seams: an interceptor plans each call's injections (the
 * registry's active faults and the call's own `x-nvote-fault`), holds its slot under the
 * active-fault cap until the versions settle, and marks the plan on the record; a runner
 * decorator applies them; an observer judges their effect. Nothing else knows faults exist.
 */
export interface FaultInjectionPlugin extends FaultInjection {
  readonly interceptor: VoteInterceptor;
  readonly observer: VoteObserver;
  /** The runner as fault injection sees it: `wrongValue` is the method's, for result faults. */
  decorate(runner: VersionRunner, method: WrongValueSource & { readonly name: string }): VersionRunner;
  /** Faults active now, per-call ones in flight included (a gauge). */
  activeFaults(): number;
}

export function createFaultInjectionPlugin(options: FaultInjectionPluginOptions): FaultInjectionPlugin {
  const registry: FaultRegistry = createFaultRegistry({ maxActiveFaults: options.maxActiveFaults });
  const injection: FaultInjection = { registry, catalogue: options.catalogue, token: options.token };
  const { sink } = options;

  const interceptor: VoteInterceptor = {
    name: 'fault-injection',
    async intercept(call, next) {
      const planned = planCallFaults(injection, call.method, name => call.header(name), call.requestId, call.probe ? 'probe' : 'call');
      if (!call.probe && registry.list().length > 0) call.attributes.set(RERUN_PLANS, new Map());
      if (planned.injections.size === 0) return next(call);
      call.onSettled(planned.release);
      call.attributes.set(INJECTIONS, planned.injections);
      call.attributes.set(ORIGINAL_RESULTS, new Map());
      if ([...planned.injections.values()].some(plannedFault => plannedFault.perCall)) call.attributes.set(NOT_EVIDENCE, true);
      if (!call.probe) for (const [version, plannedFault] of planned.injections) sink.faultInjected(call.method, version, plannedFault.kind);
      return withPlannedFaults(await next(call), planned.injections);
    },
  };

  const observer: VoteObserver = {
    name: 'fault-effect',
    voteEnded(event) {
      const injections = event.call.attributes.get(INJECTIONS);
      if (injections === undefined || event.end.kind !== 'recorded') return;
      const effect = faultEffectOf(event, event.end.record);
      event.call.annotations.set('faultEffect', effect);
      if (!event.probe) sink.faultEffect(event.method, effect);
    },
  };

  // A re-run is a new execution: the registry's faults fire on it anew (a transient one may be
  // spent, an intermittent one is drawn again, a permanent one fires again), which is what time
  // redundancy is for; a fault planted on this call alone (x-nvote-fault) stays the call's.
  const plannedFor = (run: VersionRun, method: string): ReadonlyMap<string, Injection> | undefined => {
    const planned = run.attributes.get(INJECTIONS);
    const attempt = run.attempt ?? 0;
    if (attempt === 0) return planned;
    const plans = run.attributes.get(RERUN_PLANS);
    let again = plans?.get(attempt);
    if (again === undefined) {
      const fresh = plans === undefined ? new Map<string, Injection>() : registry.plan(method, `${run.requestId}#${attempt}`, 'call');
      for (const [version, plannedFault] of planned ?? []) if (plannedFault.perCall) fresh.set(version, plannedFault);
      plans?.set(attempt, fresh);
      again = fresh;
    }
    return again;
  };

  return {
    ...injection,
    interceptor,
    observer,
    decorate: (runner, method) => withInjectedFaults(runner, method, run => plannedFor(run, method.name), run => run.attributes.get(ORIGINAL_RESULTS)),
    activeFaults: () => registry.list().length + registry.requestScopedInFlight(),
  };
}

/** Versions still running at the decision are reported with the fault they were planned to suffer. */
function withPlannedFaults(record: VoteRecord<unknown>, injections: ReadonlyMap<string, Injection>): VoteRecord<unknown> {
  return {
    ...record,
    versions: record.versions.map(version => {
      const planned = injections.get(version.version);
      return planned === undefined || version.injectedFault !== undefined ? version : { ...version, injectedFault: planned.kind };
    }),
  };
}

/**
 * Exact for injected result faults: the answer escaped when a version whose result was corrupted
 * agreed with it, and what that version really computed does not.
 */
function faultEffectOf(event: VoteEvent, record: VoteRecord<unknown>): FaultEffect {
  const { decision } = record;
  if (!('answer' in decision)) return 'detected';
  const originals = event.call.attributes.get(ORIGINAL_RESULTS) ?? new Map<string, unknown>();
  for (const version of record.versions) {
    if (version.verdict !== 'agree' || !originals.has(version.version)) continue;
    const original = event.judge.ballotOf(originals.get(version.version));
    if (original === undefined || !event.judge.agree(original, decision.answer)) return 'escaped';
  }
  return 'masked';
}
