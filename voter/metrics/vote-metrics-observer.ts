import type { VoteObserver } from '../engine/vote-observer.js';
import type { Metrics } from './create-metrics.js';

/** Counts each client vote's outcome, each version's verdict and duration, and fault effects. */
export function createVoteMetricsObserver(metrics: Metrics): VoteObserver {
  return {
    name: 'metrics',
    voteEnded({ method, end, probe }) {
      if (probe || end.kind !== 'recorded') return;
      const { record } = end;
      // The response may have gone out on an early majority; once every version has agreed, the
      // vote was in fact unanimous, and that is what the metric records.
      const unanimous = record.versions.every(version => version.verdict === 'agree');
      metrics.voteFinished(method, record.endedEarly ? 'cancelled' : unanimous ? 'unanimous' : record.decision.outcome);
      if (record.faultEffect !== undefined) metrics.faultEffect(method, record.faultEffect);
      for (const version of record.versions) {
        if (version.verdict !== 'pending') metrics.versionSettled(method, version.version, version.verdict, version.durationSeconds);
      }
    },
  };
}
