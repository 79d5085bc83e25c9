import { NOT_EVIDENCE, STANDING_DOWN, type VoteInterceptor, type VoteObserver } from '../pipeline/index.js';
import type { Verdict } from '../vote/index.js';
import {
  createQuarantineBook,
  type OperatorResult,
  type QuarantineBook,
  type QuarantineRules,
  type QuarantineSnapshot,
  type Transition,
} from './quarantine-book.js';

/** Where quarantine reports (the gateway's metrics). */
export interface QuarantineSink {
  standing(method: string, version: string, quarantined: boolean): void;
  transition(method: string, version: string, to: Transition['to']): void;
  degraded(method: string, degraded: boolean): void;
}

export interface QuarantinePluginOptions {
  /** Every method's version ids. */
  readonly methods: ReadonlyMap<string, readonly string[]>;
  readonly rules: QuarantineRules;
  readonly sink: QuarantineSink;
  /** Told of every change of standing, after it took effect: the gateway logs it and restarts a quarantined version. */
  readonly onTransition: (transition: Transition) => void;
}

/**
 * Value-aware quarantine as a plug-in of both seams: an observer scores every version on the
 * verdicts of clients' votes (a wrong answer counts like a crash), an interceptor makes the
 * quarantined versions sit calls out, and known-answer probe results bring them back.
 */
export interface QuarantinePlugin {
  readonly interceptor: VoteInterceptor;
  readonly observer: VoteObserver;
  /** A known-answer probe's results, per version: true when its answer was the known one. */
  probed(method: string, passed: ReadonlyMap<string, boolean>): void;
  quarantine(method: string, version: string): OperatorResult;
  reinstate(method: string, version: string): OperatorResult;
  readonly book: QuarantineBook;
  snapshot(): QuarantineSnapshot;
  restore(snapshot: QuarantineSnapshot): void;
}

// Verdicts that speak against a version. `unconfirmed`, `pending` and `cancelled` say nothing.
const FAILURES: ReadonlySet<Verdict> = new Set<Verdict>(['disagree', 'domain_error', 'error', 'timeout', 'crash']);

export function createQuarantinePlugin(options: QuarantinePluginOptions): QuarantinePlugin {
  const book = createQuarantineBook(options.methods, options.rules);
  const { sink } = options;
  const degraded = new Map<string, boolean>();
  for (const [method, versions] of options.methods) {
    for (const version of versions) sink.standing(method, version, false);
    sink.degraded(method, false);
    degraded.set(method, false);
  }
  const applied = (transition: Transition | undefined): void => {
    if (transition === undefined) return;
    sink.standing(transition.method, transition.version, transition.to === 'quarantined');
    sink.transition(transition.method, transition.version, transition.to);
    options.onTransition(transition);
  };
  const refreshDegraded = (method: string): void => {
    const now = book.degraded(method);
    if (degraded.get(method) === now) return;
    degraded.set(method, now);
    sink.degraded(method, now);
  };

  return {
    book,
    interceptor: {
      name: 'quarantine',
      intercept(call, next) {
        const away = book.standingDown(call.method);
        if (!call.probe && away.size > 0) call.attributes.set(STANDING_DOWN, new Set(away));
        return next(call);
      },
    },
    observer: {
      name: 'quarantine',
      voteEnded({ method, probe, end, call }) {
        if (probe || end.kind !== 'recorded' || call.attributes.get(NOT_EVIDENCE) === true) return;
        const { versions } = end.record;
        // Timeouts shared by several versions of one call have a common cause more likely than
        // two faults: the machine or the gateway fell behind (overload). They are not held against
        // the versions; a version that really hangs still fails its self-tests, which count.
        const sharedTimeout = versions.filter(version => version.verdict === 'timeout').length >= 2;
        for (const { version, verdict } of versions) {
          if (verdict === 'agree') applied(book.record(method, version, false));
          else if (FAILURES.has(verdict) && !(sharedTimeout && verdict === 'timeout')) applied(book.record(method, version, true));
        }
        refreshDegraded(method);
      },
    },
    probed(method, passed) {
      for (const [version, ok] of passed) applied(book.probed(method, version, ok));
      refreshDegraded(method);
    },
    quarantine(method, version) {
      const result = book.quarantine(method, version);
      if (result.ok) applied(result.transition);
      refreshDegraded(method);
      return result;
    },
    reinstate(method, version) {
      const result = book.reinstate(method, version);
      if (result.ok) applied(result.transition);
      refreshDegraded(method);
      return result;
    },
    snapshot: () => book.snapshot(),
    restore(snapshot) {
      for (const transition of book.restore(snapshot)) applied(transition);
      for (const method of options.methods.keys()) refreshDegraded(method);
    },
  };
}
