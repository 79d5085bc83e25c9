import { setTimeout as sleep } from 'node:timers/promises';
import { credentials, Metadata, status } from '@grpc/grpc-js';
import { FaultInjectionServiceClient, type InjectFaultResponse } from '../../voter/gen/nvote/v1/fault_injection_service.js';
import { Verdict, verdictToJSON } from '../../voter/gen/nvote/v1/vote_report.js';
import { RESULT_FAULT_KINDS, wireFaultKind, type FaultKind } from './fault-kinds.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';
import { BENIGN_KINDS, validateAgainstVersions, type CampaignPlan } from './campaign-plan.js';
import { createComputeCaller, type CallOutcome, type ComputeCaller } from './compute-caller.js';
import type { HistoryEntry } from './history.js';
import type { CaseSource } from './case-source.js';

export interface CampaignTarget {
  readonly address: string;
  /** The gateway's admin listener: intermittent faults are planted there (per-call ones travel as metadata). */
  readonly admin?: string;
  /** Bearer token for the fault-injection surface, when the gateway requires one. */
  readonly token?: string;
}

/** One fault setting of a campaign: its requests share it. */
export interface Phase {
  readonly label: string;
  readonly p?: number;
  readonly versionsPerCall?: number;
}

export interface CampaignRun {
  readonly plan: CampaignPlan;
  readonly phases: readonly Phase[];
  /** Version ids per method, in the gateway's configuration order (from its vote reports). */
  readonly versionsByMethod: Readonly<Record<string, readonly string[]>>;
  readonly history: readonly HistoryEntry[];
  readonly startedAt: string;
  readonly durationMs: number;
}

export interface CampaignHooks {
  onPhase?(phase: Phase, index: number, count: number): void;
  onEntry?(entry: HistoryEntry, done: number, total: number): void;
}

/** Thrown when the target cannot run the campaign at all (unreachable, injection disabled). */
export class CampaignError extends Error {
  override readonly name = 'CampaignError';
}


/**
 * Runs a bounded campaign against a gateway with fault injection enabled and returns its
 * history. Every answer is checked against the workload's own reference, never the gateway's.
 */
export async function runCampaign(
  plan: CampaignPlan,
  cases: CaseSource,
  target: CampaignTarget,
  hooks: CampaignHooks = {},
): Promise<CampaignRun> {
  for (const method of plan.methods) {
    if (!cases.methods.includes(method)) throw new CampaignError(`no workload for ${method}`);
  }
  if (plan.faults.mode !== 'per_call' && target.admin === undefined) {
    throw new CampaignError(`intermittent faults are planted through the gateway's admin listener: pass its address with --admin HOST:PORT`);
  }
  const caller = createComputeCaller(target.address);
  const admin = new FaultInjectionServiceClient(target.admin ?? target.address, credentials.createInsecure());
  const started = performance.now();
  const startedAt = new Date().toISOString();
  try {
    const versionsByMethod = await discoverVersions(plan, cases, caller, target);
    const phases: Phase[] =
      plan.faults.mode === 'per_call'
        ? [{ label: `${plan.faults.versionsPerCall} faulty per call`, versionsPerCall: plan.faults.versionsPerCall }]
        : plan.faults.probabilities.map(p => ({ label: `p=${p}`, p }));
    const history: HistoryEntry[] = [];
    const total = phases.length * plan.requests;
    for (const [phaseIndex, phase] of phases.entries()) {
      hooks.onPhase?.(phase, phaseIndex, phases.length);
      const planted = phase.p === undefined ? [] : await plantIntermittent(admin, plan, versionsByMethod, phase.p, phaseIndex, target);
      try {
        await runPhase({
          plan,
          phase,
          phaseIndex,
          cases,
          versionsByMethod,
          caller,
          target,
          started,
          onEntry: entry => {
            history.push(entry);
            hooks.onEntry?.(entry, history.length, total);
          },
        });
      } finally {
        if (planted.length > 0) {
          await adminCall(cb => admin.clearFaults({ ids: planted }, metadataWith(target), cb)).catch((error: unknown) => {
            const details = (error as { details?: string }).details ?? (error as Error).message;
            throw new CampaignError(`cannot clear the faults planted at ${target.admin ?? target.address}: ${details}`);
          });
        }
      }
    }
    history.sort((a, b) => a.index - b.index);
    return { plan, phases, versionsByMethod, history, startedAt, durationMs: performance.now() - started };
  } finally {
    caller.close();
    admin.close();
  }
}

function metadataWith(target: CampaignTarget): Metadata {
  const metadata = new Metadata();
  if (target.token !== undefined) metadata.set('authorization', `Bearer ${target.token}`);
  return metadata;
}

/**
 * One fault-free call per method: it shows the gateway is up and which versions it runs, and the
 * plan is checked against those before any fault is planted (a PlanError otherwise).
 */
async function discoverVersions(
  plan: CampaignPlan,
  cases: CaseSource,
  caller: ComputeCaller,
  target: CampaignTarget,
): Promise<Record<string, readonly string[]>> {
  const versions: Record<string, readonly string[]> = {};
  for (const method of plan.methods) {
    const probe = await cases.prepare(method, `${plan.seed}/probe/${method}`);
    const outcome = await caller.call(method, probe.request, metadataWith(target), plan.deadlineMs);
    await probe.judge(undefined);
    if (outcome.report === undefined) {
      throw new CampaignError(
        `cannot reach a voting gateway at ${target.address} (${method}: ${status[outcome.code] ?? outcome.code} ${outcome.details ?? ''})`,
      );
    }
    versions[method] = outcome.report.versions.map(version => version.version);
  }
  validateAgainstVersions(plan, versions);
  if (plan.faults.mode === 'per_call') await probeInjection(plan, cases, versions, caller, target);
  return versions;
}

/**
 * A gateway without fault injection ignores `x-nvote-fault`, and every call would look fault-free
 * and pass: one harmless fault first proves that the target really injects.
 */
async function probeInjection(
  plan: CampaignPlan,
  cases: CaseSource,
  versions: Readonly<Record<string, readonly string[]>>,
  caller: ComputeCaller,
  target: CampaignTarget,
): Promise<void> {
  const method = plan.methods[0] as string;
  const version = versions[method]?.[0] as string;
  const metadata = metadataWith(target);
  metadata.set('x-nvote-fault', `delay ${version} delay_ms=1`);
  const probe = await cases.prepare(method, `${plan.seed}/probe-injection`);
  const outcome = await caller.call(method, probe.request, metadata, plan.deadlineMs);
  await probe.judge(undefined);
  if (outcome.code !== status.OK || !outcome.report?.versions.some(entry => entry.injectedFault === 'delay')) {
    const why = outcome.code === status.OK ? 'it ignored the fault' : `${status[outcome.code] ?? outcome.code} ${outcome.details ?? ''}`;
    const remedy = outcome.code === status.UNAUTHENTICATED ? 'pass its token with --token' : 'start it with --fault-injection';
    throw new CampaignError(`the gateway at ${target.address} does not inject faults (${why}); ${remedy}`);
  }
}

function adminCall<T>(start: (callback: (error: Error | null, response?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    start((error, response) => {
      if (error !== null) reject(error);
      else resolve(response as T);
    });
  });
}

/**
 * Every version of every method gets, per kind, an intermittent fault of probability q such
 * that at least one fires with probability p: 1 - (1 - q)^k = p. The gateway draws them.
 */
async function plantIntermittent(
  admin: FaultInjectionServiceClient,
  plan: CampaignPlan,
  versionsByMethod: Readonly<Record<string, readonly string[]>>,
  p: number,
  phaseIndex: number,
  target: CampaignTarget,
): Promise<string[]> {
  if (p === 0) return [];
  const q = 1 - (1 - p) ** (1 / plan.kinds.length);
  const ids: string[] = [];
  try {
    for (const method of plan.methods) {
      for (const version of versionsByMethod[method] ?? []) {
        for (const kind of plan.kinds) {
          const response = await adminCall<InjectFaultResponse>(cb =>
            admin.injectFault(
              {
                spec: {
                  kind: wireFaultKind(kind),
                  method,
                  versions: [version],
                  activation: { $case: 'intermittent', value: { probability: q } },
                  delayMs: kind === 'delay' ? BigInt(plan.delayMs) : 0n,
                  durationMs: 0n,
                  seed: BigInt(faultSeed(plan.seed, phaseIndex, method, version, kind)),
                },
              },
              metadataWith(target),
              cb,
            ),
          );
          if (response.fault !== undefined) ids.push(response.fault.id);
        }
      }
    }
  } catch (error) {
    if (ids.length > 0) await adminCall(cb => admin.clearFaults({ ids }, metadataWith(target), cb)).catch(() => undefined);
    const details = (error as { details?: string }).details ?? (error as Error).message;
    throw new CampaignError(`cannot inject faults at ${target.admin ?? target.address}: ${details} (is it the admin listener of a gateway started with --fault-injection?)`);
  }
  return ids;
}

function faultSeed(...parts: readonly (string | number)[]): number {
  return Math.floor(seededRandom(parts.join('/')).next() * 2 ** 32);
}

interface PhaseContext {
  readonly plan: CampaignPlan;
  readonly phase: Phase;
  readonly phaseIndex: number;
  readonly cases: CaseSource;
  readonly versionsByMethod: Readonly<Record<string, readonly string[]>>;
  readonly caller: ComputeCaller;
  readonly target: CampaignTarget;
  readonly started: number;
  readonly onEntry: (entry: HistoryEntry) => void;
}

/** `concurrency` closed loops share one counter, so the phase ends after exactly `requests`. */
async function runPhase(context: PhaseContext): Promise<void> {
  let next = 0;
  const loop = async (process: number): Promise<void> => {
    for (;;) {
      const offset = next++;
      if (offset >= context.plan.requests) return;
      context.onEntry(await runOne(context, offset, process));
    }
  };
  await Promise.all(Array.from({ length: context.plan.concurrency }, (_, process) => loop(process)));
}

async function runOne(context: PhaseContext, offset: number, process: number): Promise<HistoryEntry> {
  const { plan, phase } = context;
  const index = context.phaseIndex * plan.requests + offset;
  const method = plan.methods[offset % plan.methods.length] as string;
  const versions = context.versionsByMethod[method] ?? [];
  const testCase = await context.cases.prepare(method, `${plan.seed}/${index}`);
  // Its own stream: the faults planted must not depend on how many draws the case took.
  const random = seededRandom(`${plan.seed}/${index}/faults`);
  const requestId = `c${plan.seed}-${index}`;
  const metadata = metadataWith(context.target);
  metadata.set('x-request-id', requestId);
  const planned =
    phase.versionsPerCall === undefined ? NO_FAULTS : perCallFaults(plan, versions, phase.versionsPerCall, random);
  for (const header of planned.headers) metadata.add('x-nvote-fault', header);

  const invokeMs = performance.now() - context.started;
  // A refused call was never admitted: like a well-behaved client, back off and send it again
  // (same request id, so the same faults), and count the refusals apart from the answers.
  let refusals = 0;
  const deadlineMs = Math.max(plan.deadlineMs, testCase.minDeadlineMs ?? 0);
  let outcome = await context.caller.call(method, testCase.request, metadata, deadlineMs);
  while (isRefusal(outcome) && refusals < MAX_REFUSALS) {
    refusals += 1;
    await sleep(Math.min(REFUSAL_BACKOFF_CAP_MS, REFUSAL_BACKOFF_MS * 2 ** Math.min(refusals - 1, 8)) * (0.5 + random.next()));
    outcome = await context.caller.call(method, testCase.request, metadata, deadlineMs);
  }
  const completeMs = performance.now() - context.started;

  const injected = injectedOf(outcome) ?? planned.faults;
  const correct = await testCase.judge(outcome.code === status.OK ? outcome.response : undefined);
  const wrong = outcome.code === status.OK && !correct;
  const verdicts: Record<string, string> = Object.fromEntries(
    (outcome.report?.versions ?? []).map(version => [version.version, verdictToJSON(version.verdict).replace('VERDICT_', '').toLowerCase()]),
  );
  const faulted = new Set(injected.map(fault => fault.version));
  const native = Object.entries(verdicts)
    .filter(([version, verdict]) => !faulted.has(version) && NATIVE_FAILURES.has(verdict))
    .map(([version]) => version);
  return {
    type: outcome.code === status.OK ? 'ok' : isIndeterminate(outcome) ? 'info' : 'fail',
    index,
    process,
    f: method,
    requestId,
    phase: phase.label,
    ...(phase.p === undefined ? {} : { p: phase.p }),
    invokeMs: round(invokeMs),
    completeMs: round(completeMs),
    versions: versions.length,
    injected,
    verdicts,
    refusals,
    faulty: injected.filter(fault => isEffective(fault, verdicts, correct)).length + native.length,
    native,
    status: status[outcome.code] ?? String(outcome.code),
    outcome: outcome.outcome,
    correct,
    wrong,
    ...(wrong ? { escape: escapeOf(outcome, injected), got: outcome.response } : {}),
    expected: testCase.expected,
    ...(outcome.details === undefined || outcome.code === status.OK ? {} : { message: outcome.details }),
  };
}

/**
 * A fault counts when it made its version's answer wrong or missing. Not all do: a delay is only
 * late, and a flipped low mantissa bit stays within the voter's tolerance; a version whose
 * faulted answer agreed with a right answer was, for this request, not faulty. A version still
 * pending when the answer went out is counted as faulty: its fault never had the chance to be
 * seen as harmless.
 */
function isEffective(fault: { version: string; kind: string }, verdicts: Readonly<Record<string, string>>, correct: boolean): boolean {
  if (BENIGN_KINDS.has(fault.kind as FaultKind)) return false;
  return !(correct && verdicts[fault.version] === 'agree');
}

/**
 * Verdicts that mean a version failed by itself, with no injected fault: a slow method out of
 * budget on a hard input (trial division on a large semiprime) is as absent from the vote as a
 * crashed one, so it counts towards the faulty versions of the call.
 */
const NATIVE_FAILURES: ReadonlySet<string> = new Set(['timeout', 'crash', 'error', 'disagree', 'domain_error']);

const MAX_REFUSALS = 50;
const REFUSAL_BACKOFF_MS = 10;
const REFUSAL_BACKOFF_CAP_MS = 500;

/** Admission refused the call before any version ran (RESOURCE_EXHAUSTED, reason OVERLOADED). */
function isRefusal(outcome: CallOutcome): boolean {
  return outcome.code === status.RESOURCE_EXHAUSTED && outcome.report === undefined;
}

/** The call never got a verdict from the gateway: the client's deadline or the transport ended it. */
function isIndeterminate(outcome: CallOutcome): boolean {
  return outcome.report === undefined && (outcome.code === status.DEADLINE_EXCEEDED || outcome.code === status.UNAVAILABLE);
}

function injectedOf(outcome: CallOutcome): { version: string; kind: string }[] | undefined {
  return outcome.report?.versions
    .filter(version => version.injectedFault !== '')
    .map(version => ({ version: version.version, kind: version.injectedFault }));
}

interface PlannedFaults {
  readonly headers: readonly string[];
  readonly faults: readonly { version: string; kind: string }[];
}
const NO_FAULTS: PlannedFaults = { headers: [], faults: [] };
const CONTROL_SHARE = 0.2;

/**
 * `versionsPerCall` distinct versions, each with a kind drawn from the plan; a request that
 * draws `common_mode` gives all of them one shared common-mode fault instead.
 */
function perCallFaults(
  plan: CampaignPlan,
  versions: readonly string[],
  count: number,
  random: SeededRandom,
): PlannedFaults {
  const chosen = [...versions];
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [chosen[i], chosen[j]] = [chosen[j] as string, chosen[i] as string];
  }
  // One call in five is a fault-free control, the baseline for latency with and without faults.
  if (random.next() < CONTROL_SHARE) return NO_FAULTS;
  const faulty = chosen.slice(0, Math.min(count, chosen.length));
  if (faulty.length === 0) return NO_FAULTS;
  const kind = random.pick(plan.kinds);
  const seed = random.int(0, 2 ** 31);
  if (kind === 'common_mode') {
    return {
      headers: [`common_mode ${faulty.join(',')} seed=${seed}`],
      faults: faulty.map(version => ({ version, kind })),
    };
  }
  const independent = plan.kinds.filter(candidate => candidate !== 'common_mode');
  const kinds = faulty.map((_, i) => (i === 0 ? kind : random.pick(independent)));
  return {
    headers: faulty.map((version, i) => {
      const each = kinds[i] as FaultKind;
      return `${each} ${version} seed=${seed + i}${each === 'delay' ? ` delay_ms=${plan.delayMs}` : ''}`;
    }),
    faults: faulty.map((version, i) => ({ version, kind: kinds[i] as string })),
  };
}

function escapeOf(
  outcome: CallOutcome,
  injected: readonly { version: string; kind: string }[],
): NonNullable<HistoryEntry['escape']> {
  const kindOf = new Map(injected.map(fault => [fault.version, fault.kind]));
  const agreeing = (outcome.report?.versions ?? []).filter(version => version.verdict === Verdict.VERDICT_AGREE);
  const kinds = agreeing.map(version => kindOf.get(version.version));
  const majority = Math.floor((outcome.report?.configuredVersions ?? 0) / 2) + 1;
  const corrupted = kinds.filter(kind => kind !== undefined && RESULT_FAULT_KINDS.has(kind as FaultKind));
  if (corrupted.length >= majority) {
    return corrupted.every(kind => kind === 'common_mode') ? 'common_mode' : 'identical_corruption';
  }
  return 'unexplained';
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
