import type { Verdict } from '../vote/index.js';

/** What one verdict says about a version's health: it answered right, it did not, or nothing. */
export type Evidence = 'success' | 'failure' | 'none';

/** A verdict as health evidence: only an agreeing answer is a success; cancelled, pending and unconfirmed say nothing. */
export function evidenceOf(verdict: Verdict): Evidence {
  switch (verdict) {
    case 'agree':
      return 'success';
    case 'disagree':
    case 'domain_error':
    case 'error':
    case 'timeout':
    case 'crash':
      return 'failure';
    case 'cancelled':
    case 'pending':
    case 'unconfirmed':
      return 'none';
  }
}

export interface VersionHealth {
  /** Consecutive failures since the last success. */
  readonly consecutiveFailures: number;
  /** When the version last gave evidence of either kind (ms, the tracker's clock); -Infinity if never. */
  readonly lastEvidenceAt: number;
}

/**
 * Per-version evidence for one method. A version is *failing* once its last `failureThreshold`
 * verdicts (real calls and probes alike) were all failures; one success clears it.
 */
export interface HealthTracker {
  record(version: string, evidence: Evidence, at: number): void;
  get(version: string): VersionHealth;
  isFailing(version: string): boolean;
  /** Versions not failing. */
  usable(): number;
  readonly versions: readonly string[];
}

export function createHealthTracker(versions: readonly string[], failureThreshold: number): HealthTracker {
  const states = new Map(versions.map(version => [version, { consecutiveFailures: 0, lastEvidenceAt: -Infinity }]));
  const stateOf = (version: string) => {
    const state = states.get(version);
    if (state === undefined) throw new Error(`unknown version ${version}`);
    return state;
  };
  const isFailing = (version: string): boolean => stateOf(version).consecutiveFailures >= failureThreshold;
  return {
    versions,
    record(version, evidence, at) {
      // A version the method does not count on (a shadow) says nothing about whether it can serve.
      const state = states.get(version);
      if (evidence === 'none' || state === undefined) return;
      state.lastEvidenceAt = at;
      state.consecutiveFailures = evidence === 'success' ? 0 : state.consecutiveFailures + 1;
    },
    get: version => ({ ...stateOf(version) }),
    isFailing,
    usable: () => versions.filter(version => !isFailing(version)).length,
  };
}
