import type { Logger } from 'pino';
import type { VoteObserver } from '../pipeline/index.js';

/** One log line per client vote in which any version did not agree: the evidence, never payloads. */
export function createDisagreementLog(logger: Logger): VoteObserver {
  return {
    name: 'disagreement-log',
    voteEnded({ method, requestId, end, probe, call }) {
      if (probe || end.kind !== 'recorded') return;
      const { record } = end;
      if (record.versions.every(version => version.verdict === 'agree' || version.verdict === 'pending')) return;
      logger.warn(
        {
          requestId,
          method,
          outcome: record.endedEarly ? 'cancelled' : record.decision.outcome,
          agreeing: record.decision.agreeing,
          // What plug-ins found out about the call (fault injection: the faults' effect).
          ...Object.fromEntries(call.annotations),
          versions: record.versions.map(({ version, verdict, durationSeconds, domainReason, detail, injectedFault }) => ({
            version,
            verdict,
            ms: Math.round(durationSeconds * 1000),
            ...(domainReason === undefined ? {} : { reason: domainReason }),
            ...(detail === undefined ? {} : { detail: detail.slice(0, 200) }),
            ...(injectedFault === undefined ? {} : { injectedFault }),
          })),
        },
        'versions disagreed',
      );
    },
  };
}
