import type { VoteObserver } from '../pipeline/index.js';
import { majorityOf } from '../vote/index.js';
import { createHealthTracker, evidenceOf, type Evidence, type HealthTracker } from './version-health.js';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

export interface MonitoredMethod {
  readonly name: string;
  readonly service: string;
  readonly versions: readonly string[];
  /**
   * Runs the method's known-answer case through every version, exactly as a call would run
   * (injected faults included), and says what each version's answer was worth. Absent for a
   * method without a known answer: its health then rests on real calls alone.
   */
  readonly probe?: () => Promise<ReadonlyMap<string, Evidence>>;
}

export interface HealthRules {
  /** Consecutive failed verdicts that make a version failing. */
  readonly failureThreshold: number;
  /** How often the monitor considers probing (ms). */
  readonly probeIntervalMs: number;
  /** A version that has given no evidence for this long is probed (ms). */
  readonly idleProbeAfterMs: number;
  /** Every method is probed at least this often, busy or not (ms): a latent fault in a path that traffic never takes still shows. */
  readonly selfTestIntervalMs: number;
}

export interface HealthMonitorOptions extends HealthRules {
  readonly methods: readonly MonitoredMethod[];
  /** Called only when a name's status changes, so that Watch streams send changes only. */
  readonly onChange: (name: string, status: ServingStatus) => void;
  readonly onProbeError: (method: string, error: unknown) => void;
  readonly now?: () => number;
}

export interface HealthMonitor extends VoteObserver {
  /** The versions are loaded: report from the evidence, and probe. */
  start(): void;
  /** Draining: every name NOT_SERVING, no more probes. */
  drain(): void;
  /** Every name the monitor reports: `""`, each service, each `service/Method`. */
  readonly names: readonly string[];
  /** Evidence from a self-test run outside the monitor's own schedule (an operator's, on demand). */
  recordProbe(method: string, evidence: ReadonlyMap<string, Evidence>): void;
  /** How many of a method's versions are failing now. */
  failingVersions(method: string): number;
  status(name: string): ServingStatus;
}

/** The health name of one voted method, as in `nvote.v1.ComputeService/Sort`. */
export function methodHealthName(service: string, method: string): string {
  return `${service}/${method}`;
}

/**
 * Health from what the versions actually do. A method is SERVING while enough of its versions
 * are not failing to form a strict majority of its configured N; a service while all its methods
 * are; the server (`""`) while any method is, and never while draining. Verdicts of real calls
 * are the evidence; a known-answer probe adds evidence where there is none (a version idle for
 * `idleProbeAfterMs`) or where it is bad (a version with a recent failure), so that a silent
 * version is noticed and a recovered one comes back.
 */
export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const now = options.now ?? (() => performance.now());
  const trackers = new Map<string, { method: MonitoredMethod; tracker: HealthTracker; probing: boolean; probedAt: number }>();
  for (const method of options.methods) {
    trackers.set(method.name, { method, tracker: createHealthTracker(method.versions, options.failureThreshold), probing: false, probedAt: -Infinity });
  }
  const services = [...new Set(options.methods.map(method => method.service))];
  const names = ['', ...services, ...options.methods.map(method => methodHealthName(method.service, method.name))];
  const reported = new Map<string, ServingStatus>(names.map(name => [name, 'NOT_SERVING']));
  let phase: 'starting' | 'serving' | 'draining' = 'starting';
  let timer: NodeJS.Timeout | undefined;

  const methodServes = (entry: { method: MonitoredMethod; tracker: HealthTracker }): boolean =>
    phase === 'serving' && entry.tracker.usable() >= majorityOf(entry.method.versions.length);

  const refresh = (): void => {
    const serving = new Map([...trackers.values()].map(entry => [entry.method, methodServes(entry)]));
    const next = new Map<string, ServingStatus>();
    next.set('', phase === 'serving' && [...serving.values()].some(Boolean) ? 'SERVING' : 'NOT_SERVING');
    for (const service of services) {
      const all = [...serving].filter(([method]) => method.service === service).every(([, serves]) => serves);
      next.set(service, all ? 'SERVING' : 'NOT_SERVING');
    }
    for (const [method, serves] of serving) next.set(methodHealthName(method.service, method.name), serves ? 'SERVING' : 'NOT_SERVING');
    for (const [name, status] of next) {
      if (reported.get(name) === status) continue;
      reported.set(name, status);
      options.onChange(name, status);
    }
  };

  const record = (methodName: string, evidence: ReadonlyMap<string, Evidence>): void => {
    const entry = trackers.get(methodName);
    if (entry === undefined) return;
    const at = now();
    const served = methodServes(entry);
    for (const [version, kind] of evidence) entry.tracker.record(version, kind, at);
    // Every name's status follows from the methods' own, so only a change of this one's can change
    // any: deriving them all again on every call was about 1% of the event loop under load.
    if (methodServes(entry) !== served) refresh();
  };

  const needsProbe = (tracker: HealthTracker, at: number): boolean =>
    tracker.versions.some(version => {
      const state = tracker.get(version);
      return state.consecutiveFailures > 0 || at - state.lastEvidenceAt >= options.idleProbeAfterMs;
    });

  const tick = (): void => {
    if (phase !== 'serving') return;
    const at = now();
    for (const entry of trackers.values()) {
      const { probe } = entry.method;
      if (probe === undefined || entry.probing) continue;
      if (!needsProbe(entry.tracker, at) && at - entry.probedAt < options.selfTestIntervalMs) continue;
      entry.probing = true;
      entry.probedAt = at;
      probe().then(
        evidence => {
          entry.probing = false;
          if (phase === 'serving') record(entry.method.name, evidence);
        },
        (error: unknown) => {
          entry.probing = false;
          options.onProbeError(entry.method.name, error);
        },
      );
    }
  };

  return {
    name: 'health',
    names,
    status: name => reported.get(name) ?? 'NOT_SERVING',
    recordProbe(method, evidence) {
      if (phase === 'serving') record(method, evidence);
    },
    failingVersions(method) {
      const entry = trackers.get(method);
      return entry === undefined ? 0 : entry.tracker.versions.length - entry.tracker.usable();
    },
    voteEnded({ method, end, probe }) {
      // Probe results arrive through probe(), judged against the known answer instead.
      if (probe || end.kind !== 'recorded') return;
      record(method, new Map(end.record.versions.map(version => [version.version, evidenceOf(version.verdict)])));
    },
    start() {
      if (phase !== 'starting') return;
      phase = 'serving';
      // Versions just loaded have given no evidence yet; they count as usable until they fail.
      const at = now();
      for (const entry of trackers.values()) {
        for (const version of entry.tracker.versions) entry.tracker.record(version, 'success', at);
        entry.probedAt = at;
      }
      refresh();
      timer = setInterval(tick, options.probeIntervalMs);
      timer.unref();
    },
    drain() {
      phase = 'draining';
      clearInterval(timer);
      refresh();
    },
  };
}
