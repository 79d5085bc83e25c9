import { FAULT_KINDS } from './fault-kinds.js';
import type { HistoryEntry } from './history.js';
import {
  majorityFailureProbability,
  simplexFailureProbability,
  tmrFailureProbability,
  wilsonInterval,
} from './reliability-model.js';
import type { CampaignRun } from './run-campaign.js';

/** Confidence of each row's interval. */
export const CONFIDENCE = 0.99;
/**
 * The model check's family-wise confidence: with many rows, some 99% intervals miss by chance,
 * so the check judges the pooled rows (one per N and p) at a Bonferroni-corrected level.
 */
export const FAMILY_CONFIDENCE = 0.99;

export interface Tally {
  readonly requests: number;
  readonly correct: number;
  readonly wrong: number;
  /** Explicit errors and indeterminate calls: no answer reached the client. */
  readonly failed: number;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * One method at one p of an intermittent sweep, against the independent-fault model; or, with
 * `pooled`, every method with the same N at that p (what the model check judges).
 */
export interface ModelRow {
  readonly method: string;
  readonly pooled: boolean;
  /** The confidence of `low`..`high`. */
  readonly confidence: number;
  readonly versions: number;
  readonly p: number;
  /** The probability that a version's answer is wrong or missing (benign kinds excluded). */
  readonly pFaulty: number;
  /** The share of version executions that were in fact faulty (some corruptions are harmless). */
  readonly pObserved: number;
  readonly requests: number;
  readonly failures: number;
  readonly observed: number;
  readonly low: number;
  readonly high: number;
  /** Majority voter over `versions` independent versions. */
  readonly model: number;
  readonly simplex: number;
  readonly tmr: number;
  readonly consistent: boolean;
}

export interface Check {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** The campaign's own gateway process, sampled as the first phase starts and after the last. */
export interface GatewayFootprint {
  /** OS threads of the process (Linux), main and workers; bounded if pools replace, not accumulate. */
  readonly threadsBefore: number | undefined;
  readonly threadsAfter: number | undefined;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  /** Main-thread JS heap, without a forced collection. */
  readonly heapUsedBeforeMb: number;
  readonly heapUsedAfterMb: number;
  readonly workersReplaced: number;
  readonly workersReplacedPerMinute: number;
}

export interface CampaignSummary {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly plan: CampaignRun['plan'];
  readonly versionsByMethod: CampaignRun['versionsByMethod'];
  readonly totals: Tally & { readonly indeterminate: number };
  /** Admission refusals, each followed by a retry, and the calls refused at least once. */
  readonly refusals: { readonly total: number; readonly calls: number };
  /** Version executions that failed with no injected fault, by version. */
  readonly nativeFailures: Readonly<Record<string, number>>;
  /**
   * Requests with a faulty minority that got no answer, with no wrong one: healthy versions ran
   * out of budget while faulty workers were being replaced (resource coupling under load).
   */
  readonly unansweredWithMinority: number;
  /** By the number of faulty versions a request had. */
  readonly byFaulty: readonly (Tally & { readonly faulty: number; readonly minority: boolean })[];
  /** Requests that got no answer, by vote outcome (or status when no vote took place). */
  readonly failuresByOutcome: Readonly<Record<string, number>>;
  /** Per kind: versions that suffered it in a request with a faulty minority, and how many of those requests were answered right. */
  readonly maskedByKind: readonly { readonly kind: string; readonly injected: number; readonly masked: number }[];
  readonly escapes: readonly {
    readonly requestId: string;
    readonly method: string;
    readonly escape: string;
    readonly injected: HistoryEntry['injected'];
  }[];
  readonly latency: { readonly withoutFaults: LatencySummary; readonly withFaults: LatencySummary };
  readonly model: readonly ModelRow[];
  readonly checks: readonly Check[];
  /** Present when the campaign started its own gateway. */
  readonly gateway?: GatewayFootprint;
}

/** The most faulty versions a strict-majority voter over n versions can mask. */
export function tolerableFaults(versions: number): number {
  return Math.floor((versions - 1) / 2);
}

/** Everything the table, the JSON summary and the plot show, from the history alone. */
/**
 * `checkModel` false: the gateway re-ran or quarantined versions (time redundancy, quarantine),
 * so the independent-fault model of one run per version does not describe it: the model's rows
 * are still shown, for comparison, but not checked.
 */
export function summarize(run: CampaignRun, pFaultyOf: (p: number) => number, checkModel = true): CampaignSummary {
  const { history } = run;
  const byFaulty = new Map<number, { tally: MutableTally; minority: boolean }>();
  const failuresByOutcome: Record<string, number> = {};
  const masked = new Map<string, { injected: number; masked: number }>(FAULT_KINDS.map(kind => [kind, { injected: 0, masked: 0 }]));
  const latencyWith: number[] = [];
  const latencyWithout: number[] = [];
  const totals = { ...emptyTally(), indeterminate: 0 };

  for (const entry of history) {
    const minority = entry.faulty <= tolerableFaults(entry.versions);
    const group = byFaulty.get(entry.faulty) ?? { tally: emptyTally(), minority };
    byFaulty.set(entry.faulty, group);
    count(group.tally, entry);
    count(totals, entry);
    if (entry.type === 'info') totals.indeterminate += 1;
    if (!entry.correct && !entry.wrong) {
      const key = entry.outcome === '' ? entry.status.toLowerCase() : entry.outcome;
      failuresByOutcome[key] = (failuresByOutcome[key] ?? 0) + 1;
    }
    if (minority) {
      for (const fault of entry.injected) {
        const tally = masked.get(fault.kind);
        if (tally === undefined) continue;
        tally.injected += 1;
        if (entry.correct) tally.masked += 1;
      }
    }
    (entry.injected.length > 0 ? latencyWith : latencyWithout).push(entry.completeMs - entry.invokeMs);
  }

  const escapes = history
    .filter(entry => entry.wrong)
    .map(entry => ({ requestId: entry.requestId, method: entry.f, escape: entry.escape ?? 'unexplained', injected: entry.injected }));
  const model = modelRows(history, pFaultyOf);
  const groups = [...byFaulty.entries()]
    .sort(([a], [b]) => a - b)
    .map(([faulty, { tally, minority }]) => ({ faulty, minority, ...tally }));
  return {
    startedAt: run.startedAt,
    durationMs: Math.round(run.durationMs),
    plan: run.plan,
    versionsByMethod: run.versionsByMethod,
    totals,
    refusals: {
      total: history.reduce((sum, entry) => sum + (entry.refusals ?? 0), 0),
      calls: history.filter(entry => (entry.refusals ?? 0) > 0).length,
    },
    nativeFailures: history.reduce<Record<string, number>>((tally, entry) => {
      for (const version of entry.native ?? []) tally[version] = (tally[version] ?? 0) + 1;
      return tally;
    }, {}),
    byFaulty: groups,
    failuresByOutcome,
    maskedByKind: [...masked.entries()].filter(([, tally]) => tally.injected > 0).map(([kind, tally]) => ({ kind, ...tally })),
    escapes,
    latency: { withoutFaults: latencyOf(latencyWithout), withFaults: latencyOf(latencyWith) },
    model,
    unansweredWithMinority: history.filter(
      entry => entry.injected.length > 0 && entry.faulty <= tolerableFaults(entry.versions) && !entry.correct && !entry.wrong,
    ).length,
    checks: checksOf(run, checkModel ? model : []),
  };
}

interface MutableTally {
  requests: number;
  correct: number;
  wrong: number;
  failed: number;
}

function emptyTally(): MutableTally {
  return { requests: 0, correct: 0, wrong: 0, failed: 0 };
}

function count(tally: MutableTally, entry: HistoryEntry): void {
  tally.requests += 1;
  if (entry.correct) tally.correct += 1;
  else if (entry.wrong) tally.wrong += 1;
  else tally.failed += 1;
}

function latencyOf(samples: number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50Ms: 0, p99Ms: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest-rank percentiles: an observed latency, never an interpolation.
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
  return { count: sorted.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

function modelRows(history: readonly HistoryEntry[], pFaultyOf: (p: number) => number): ModelRow[] {
  const perMethod = tally(history, entry => entry.f, entry => entry.f);
  const pooled = tally(history, entry => `N=${entry.versions}`, entry => `all N=${entry.versions} methods`);
  const familyConfidence = 1 - (1 - FAMILY_CONFIDENCE) / Math.max(1, pooled.length);
  return [
    ...perMethod.map(group => rowOf(group, false, CONFIDENCE, pFaultyOf)),
    ...pooled.map(group => rowOf(group, true, familyConfidence, pFaultyOf)),
  ];
}

interface Group {
  method: string;
  versions: number;
  p: number;
  requests: number;
  failures: number;
  faulty: number;
}

function tally(history: readonly HistoryEntry[], keyOf: (entry: HistoryEntry) => string, nameOf: (entry: HistoryEntry) => string): Group[] {
  const groups = new Map<
    string,
    { method: string; versions: number; p: number; requests: number; failures: number; faulty: number }
  >();
  for (const entry of history) {
    if (entry.p === undefined) continue;
    const key = `${keyOf(entry)}\u0000${entry.p}`;
    const group = groups.get(key) ?? { method: nameOf(entry), versions: entry.versions, p: entry.p, requests: 0, failures: 0, faulty: 0 };
    groups.set(key, group);
    group.requests += 1;
    group.faulty += entry.faulty;
    if (!entry.correct) group.failures += 1;
  }
  return [...groups.values()];
}

function rowOf(group: Group, pooled: boolean, confidence: number, pFaultyOf: (p: number) => number): ModelRow {
  const { faulty, ...rest } = group;
  const pFaulty = pFaultyOf(group.p);
  const model = majorityFailureProbability(group.versions, pFaulty);
  const { low, high } = wilsonInterval(group.failures, group.requests, confidence);
  return {
    ...rest,
    pooled,
    confidence,
    pFaulty: round(pFaulty, 6),
    pObserved: round(faulty / (group.requests * group.versions), 4),
    observed: group.failures / group.requests,
    low,
    high,
    model,
    simplex: simplexFailureProbability(pFaulty),
    tmr: tmrFailureProbability(pFaulty),
    consistent: model >= low && model <= high,
  };
}

function checksOf(run: CampaignRun, model: readonly ModelRow[]): Check[] {
  const { history } = run;
  const minority = history.filter(entry => entry.faulty <= tolerableFaults(entry.versions));
  const wrongWithMinority = minority.filter(entry => entry.wrong);
  const faultedMinority = minority.filter(entry => entry.injected.length > 0);
  const unmasked = faultedMinority.filter(entry => !entry.correct);
  const unexplained = history.filter(entry => entry.wrong && entry.escape === 'unexplained');
  const checks: Check[] = [
    {
      name: 'no wrong answer with a faulty minority',
      passed: wrongWithMinority.length === 0,
      detail: `${wrongWithMinority.length} wrong of ${minority.length} requests with at most a minority faulty`,
    },
  ];
  // A per-call plan holds the faults to exactly K versions, so every miss is the gateway's. In a
  // sweep, a faulty minority may still lose healthy versions to load from the others' faults
  // (workers replaced, heaps exhausted); those count in the observed rate the model judges.
  if (run.plan.faults.mode === 'per_call') {
    checks.push({
      name: 'every fault in a faulty minority masked',
      passed: unmasked.length === 0,
      detail: `${faultedMinority.length - unmasked.length} of ${faultedMinority.length} requests with injected faults in a minority answered right`,
    });
  }
  checks.push(
    {
      name: 'every wrong answer explained by a common-mode or identical corruption',
      passed: unexplained.length === 0,
      detail: `${unexplained.length} unexplained of ${history.filter(entry => entry.wrong).length} wrong answers`,
    },
  );
  const judged = model.filter(row => row.pooled);
  const perMethod = model.filter(row => !row.pooled);
  const inside = perMethod.filter(row => row.consistent).length;
  if (judged.length > 0) {
    const off = judged.filter(row => !row.consistent);
    checks.push({
      name: `observed failure rates fit the model (pooled by N and p, ${FAMILY_CONFIDENCE * 100}% family-wise)`,
      passed: off.length === 0,
      detail:
        off.length === 0
          ? `${judged.length} of ${judged.length} pooled points; ${inside} of ${perMethod.length} per-method points inside their own 99% interval`
          : `outside: ${off.map(row => `${row.method} p=${row.p} (model ${row.model.toFixed(4)}, observed ${row.observed.toFixed(4)})`).join('; ')}`,
    });
  }
  return checks;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
