import { NOT_EVIDENCE, type VoteObserver } from '../pipeline/index.js';
import type { Verdict, WeightedRule } from '../vote/index.js';

export interface WeightedMethod {
  readonly versions: readonly string[];
  /** Versions that must agree at the least (the configured agreement rule). */
  readonly minAgreement: number;
}

/** A version's history, as a checkpoint keeps it: its recent verdicts, oldest first (true = failed). */
export type WeightSnapshot = Readonly<Record<string, Readonly<Record<string, readonly boolean[]>>>>;

export interface WeightedVoting {
  /** Feeds the reliability history from clients' votes. */
  readonly observer: VoteObserver;
  /** The method's rule, reading the weights as they are when the vote is decided; undefined when the method votes plainly. */
  ruleFor(method: string): WeightedRule | undefined;
  weightOf(method: string, version: string): number;
  snapshot(): WeightSnapshot;
  restore(snapshot: WeightSnapshot): void;
}

// Before any history, a version is taken to be right nine times in ten (weight ln 9 ≈ 2.2): all
// versions start equal, and one no better than chance (weight 0) has no say.
const PRIOR_RIGHT = 9;
const PRIOR_WRONG = 1;
// A version that has never been wrong in its window must not outweigh all others forever.
const MAX_WEIGHT = 6;
const FAILURES: ReadonlySet<Verdict> = new Set<Verdict>(['disagree', 'domain_error', 'error', 'timeout', 'crash']);

/**
 * History-weighted (adaptive) voting: each version's weight is the log-odds of its observed
 * reliability over its last `windowSize` verdicts, the weights that are optimal for independent
 * voters (Nitzan and Paroush). Calls with planted per-call faults are no evidence, as for quarantine.
 */
export function createWeightedVoting(methods: ReadonlyMap<string, WeightedMethod>, windowSize: number): WeightedVoting {
  const windows = new Map<string, Map<string, boolean[]>>();
  for (const [method, { versions }] of methods) windows.set(method, new Map(versions.map(version => [version, []])));
  const weightOf = (method: string, version: string): number => {
    const window = windows.get(method)?.get(version);
    if (window === undefined) return 0;
    const wrong = window.filter(Boolean).length;
    const right = window.length - wrong;
    const reliability = (right + PRIOR_RIGHT) / (window.length + PRIOR_RIGHT + PRIOR_WRONG);
    return Math.min(MAX_WEIGHT, Math.max(0, Math.log(reliability / (1 - reliability))));
  };
  const push = (window: boolean[], failed: boolean): void => {
    window.push(failed);
    if (window.length > windowSize) window.shift();
  };
  return {
    observer: {
      name: 'weighted-voting',
      voteEnded({ method, probe, end, call }) {
        const versions = windows.get(method);
        if (versions === undefined || probe || end.kind !== 'recorded' || call.attributes.get(NOT_EVIDENCE) === true) return;
        for (const { version, verdict } of end.record.versions) {
          const window = versions.get(version);
          if (window === undefined) continue;
          if (verdict === 'agree') push(window, false);
          else if (FAILURES.has(verdict)) push(window, true);
        }
      },
    },
    ruleFor(method) {
      const settings = methods.get(method);
      return settings === undefined ? undefined : { minAgreement: settings.minAgreement, weightOf: version => weightOf(method, version) };
    },
    weightOf,
    snapshot: () => Object.fromEntries([...windows].map(([method, versions]) => [method, Object.fromEntries([...versions].map(([version, window]) => [version, [...window]]))])),
    restore(snapshot) {
      for (const [method, versions] of Object.entries(snapshot)) {
        for (const [version, window] of Object.entries(versions)) {
          const current = windows.get(method);
          if (current?.has(version) === true) current.set(version, window.slice(-windowSize));
        }
      }
    },
  };
}
