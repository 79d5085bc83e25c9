import { majorityOf } from '../vote/index.js';

export interface QuarantineRules {
  /** Verdicts kept per version: the sliding window the score is taken over. */
  readonly windowSize: number;
  /** Failures within the window that quarantine a version. */
  readonly failureThreshold: number;
  /** Consecutive passed known-answer probes that reinstate a quarantined version. */
  readonly reinstateAfterProbes: number;
}

export type Standing = 'voting' | 'quarantined';
/** Why a version changed standing. */
export type TransitionCause = 'score' | 'self-test' | 'probes' | 'operator' | 'restored';

export interface Transition {
  readonly method: string;
  readonly version: string;
  readonly to: Standing;
  readonly cause: TransitionCause;
  /** Failures in the window when it happened. */
  readonly failures: number;
}

export interface VersionStanding {
  readonly standing: Standing;
  /** Failures among the last `windowSize` verdicts. */
  readonly failures: number;
  /** Verdicts in the window (fewer than windowSize until it fills). */
  readonly verdicts: number;
  /** Consecutive passed probes while quarantined. */
  readonly passedProbes: number;
  /** Over the threshold but kept voting, because quarantine would leave too few for a majority. */
  readonly overThreshold: boolean;
}

/** What a checkpoint keeps of one version (the window itself, oldest first: true = failure). */
export interface VersionSnapshot {
  readonly standing: Standing;
  readonly window: readonly boolean[];
  readonly passedProbes: number;
}
export type QuarantineSnapshot = Readonly<Record<string, Readonly<Record<string, VersionSnapshot>>>>;

export type OperatorResult = { readonly ok: true; readonly transition?: Transition } | { readonly ok: false; readonly reason: string };

/**
 * The quarantine's state, pure: per version a sliding window of verdicts (success or failure),
 * quarantine once failures in it reach the threshold, reinstatement after enough consecutive
 * passed probes. A method never quarantines below a strict majority of its configured N: then
 * the version keeps voting and the method is degraded.
 */
export interface QuarantineBook {
  /** A client vote's verdict on a voting version; returns the transition it caused, if any. */
  record(method: string, version: string, failed: boolean): Transition | undefined;
  /**
   * A known-answer self-test's result on a version. For a voting one it is a verdict like any
   * other (a wrong known answer counts as a dissent); for a quarantined one, a step towards
   * reinstatement, or back to zero.
   */
  probed(method: string, version: string, passed: boolean): Transition | undefined;
  quarantine(method: string, version: string): OperatorResult;
  reinstate(method: string, version: string): OperatorResult;
  /** The quarantined versions of a method (they sit its calls out). */
  standingDown(method: string): ReadonlySet<string>;
  /** True while a version is over the threshold but cannot be quarantined. */
  degraded(method: string): boolean;
  standing(method: string, version: string): VersionStanding | undefined;
  snapshot(): QuarantineSnapshot;
  /** Takes a checkpoint's state for the versions still configured; returns the transitions to quarantine. */
  restore(snapshot: QuarantineSnapshot): Transition[];
}

interface Entry {
  standing: Standing;
  window: boolean[];
  failures: number;
  passedProbes: number;
}

export function createQuarantineBook(methods: ReadonlyMap<string, readonly string[]>, rules: QuarantineRules): QuarantineBook {
  const book = new Map<string, Map<string, Entry>>();
  const away = new Map<string, Set<string>>();
  for (const [method, versions] of methods) {
    book.set(method, new Map(versions.map(version => [version, { standing: 'voting', window: [], failures: 0, passedProbes: 0 }])));
    away.set(method, new Set());
  }
  const entryOf = (method: string, version: string): Entry | undefined => book.get(method)?.get(version);
  // Quarantining one more must leave at least a strict majority of the configured N voting, so
  // that an answer still needs as many agreeing versions as the configuration promised at least.
  const mayQuarantine = (method: string): boolean => {
    const versions = book.get(method);
    if (versions === undefined) return false;
    const voting = versions.size - (away.get(method)?.size ?? 0);
    return voting - 1 >= majorityOf(versions.size);
  };
  const move = (method: string, version: string, entry: Entry, to: Standing, cause: TransitionCause): Transition => {
    entry.standing = to;
    entry.passedProbes = 0;
    const failures = entry.failures;
    if (to === 'quarantined') away.get(method)?.add(version);
    else {
      away.get(method)?.delete(version);
      // A reinstated version starts afresh: its old failures were the fault that was repaired.
      entry.window = [];
      entry.failures = 0;
    }
    return { method, version, to, cause, failures };
  };
  const push = (entry: Entry, failed: boolean): void => {
    entry.window.push(failed);
    if (failed) entry.failures += 1;
    if (entry.window.length > rules.windowSize && entry.window.shift() === true) entry.failures -= 1;
  };

  return {
    record(method, version, failed) {
      const entry = entryOf(method, version);
      if (entry === undefined || entry.standing !== 'voting') return undefined;
      push(entry, failed);
      if (entry.failures >= rules.failureThreshold && mayQuarantine(method)) return move(method, version, entry, 'quarantined', 'score');
      return undefined;
    },
    probed(method, version, passed) {
      const entry = entryOf(method, version);
      if (entry === undefined) return undefined;
      if (entry.standing === 'voting') {
        push(entry, !passed);
        return entry.failures >= rules.failureThreshold && mayQuarantine(method) ? move(method, version, entry, 'quarantined', 'self-test') : undefined;
      }
      entry.passedProbes = passed ? entry.passedProbes + 1 : 0;
      return entry.passedProbes >= rules.reinstateAfterProbes ? move(method, version, entry, 'voting', 'probes') : undefined;
    },
    quarantine(method, version) {
      const entry = entryOf(method, version);
      if (entry === undefined) return { ok: false, reason: `no version "${version}" of method "${method}"` };
      if (entry.standing === 'quarantined') return { ok: true };
      if (!mayQuarantine(method)) {
        return { ok: false, reason: `quarantining "${version}" would leave ${method} fewer voting versions than a strict majority of its ${book.get(method)?.size ?? 0}` };
      }
      return { ok: true, transition: move(method, version, entry, 'quarantined', 'operator') };
    },
    reinstate(method, version) {
      const entry = entryOf(method, version);
      if (entry === undefined) return { ok: false, reason: `no version "${version}" of method "${method}"` };
      if (entry.standing === 'voting') return { ok: true };
      return { ok: true, transition: move(method, version, entry, 'voting', 'operator') };
    },
    standingDown: method => away.get(method) ?? new Set(),
    degraded(method) {
      const versions = book.get(method);
      if (versions === undefined) return false;
      return [...versions.values()].some(entry => entry.standing === 'voting' && entry.failures >= rules.failureThreshold);
    },
    standing(method, version) {
      const entry = entryOf(method, version);
      if (entry === undefined) return undefined;
      return {
        standing: entry.standing,
        failures: entry.failures,
        verdicts: entry.window.length,
        passedProbes: entry.passedProbes,
        overThreshold: entry.standing === 'voting' && entry.failures >= rules.failureThreshold,
      };
    },
    snapshot() {
      return Object.fromEntries(
        [...book].map(([method, versions]) => [
          method,
          Object.fromEntries(
            [...versions].map(([version, entry]) => [version, { standing: entry.standing, window: [...entry.window], passedProbes: entry.passedProbes }]),
          ),
        ]),
      );
    },
    restore(snapshot) {
      const transitions: Transition[] = [];
      for (const [method, versions] of Object.entries(snapshot)) {
        for (const [version, saved] of Object.entries(versions)) {
          const entry = entryOf(method, version);
          if (entry === undefined) continue;
          entry.window = saved.window.slice(-rules.windowSize);
          entry.failures = entry.window.filter(Boolean).length;
          entry.passedProbes = 0;
          if (saved.standing === 'quarantined' && entry.standing === 'voting' && mayQuarantine(method)) {
            transitions.push(move(method, version, entry, 'quarantined', 'restored'));
          }
        }
      }
      return transitions;
    },
  };
}
