import type { VoteObserver } from '../pipeline/index.js';
import type { Metrics } from './create-metrics.js';

/** Counts each client vote's outcome, and each version's verdict and duration. */
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
      for (const version of record.versions) {
        if (version.verdict !== 'pending') metrics.versionSettled(method, version.version, version.verdict, version.durationSeconds);
      }
    },
  };
}
