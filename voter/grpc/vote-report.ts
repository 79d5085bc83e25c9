import { Metadata } from '@grpc/grpc-js';
import { OUTCOME_TRAILER, REPORT_TRAILER } from '../../client/index.js';
import { Outcome as WireOutcome, Verdict as WireVerdict, VoteReport } from '../gen/nvote/v1/vote_report.js';
import type { VoteRecord } from '../pipeline/index.js';
import type { Verdict } from '../vote/index.js';
import type { Outcome } from '../vote/index.js';

// Spelled once, in the client library, so that the gateway and every client agree.
export { OUTCOME_TRAILER, REPORT_TRAILER };

const WIRE_OUTCOME: Readonly<Record<Outcome, WireOutcome>> = {
  unanimous: WireOutcome.OUTCOME_UNANIMOUS,
  majority: WireOutcome.OUTCOME_MAJORITY,
  weighted_majority: WireOutcome.OUTCOME_WEIGHTED_MAJORITY,
  no_majority: WireOutcome.OUTCOME_NO_MAJORITY,
  quorum_lost: WireOutcome.OUTCOME_QUORUM_LOST,
};

const WIRE_VERDICT: Readonly<Record<Verdict, WireVerdict>> = {
  agree: WireVerdict.VERDICT_AGREE,
  disagree: WireVerdict.VERDICT_DISAGREE,
  domain_error: WireVerdict.VERDICT_DOMAIN_ERROR,
  error: WireVerdict.VERDICT_ERROR,
  timeout: WireVerdict.VERDICT_TIMEOUT,
  crash: WireVerdict.VERDICT_CRASH,
  pending: WireVerdict.VERDICT_PENDING,
  cancelled: WireVerdict.VERDICT_CANCELLED,
  unconfirmed: WireVerdict.VERDICT_UNCONFIRMED,
};

/** The trailers every voted response carries: the outcome word and the serialized report. */
export function voteTrailers(method: string, requestId: string, record: VoteRecord<unknown>): Metadata {
  const report = VoteReport.encode({
    method,
    requestId,
    outcome: WIRE_OUTCOME[record.decision.outcome],
    configuredVersions: record.versions.filter(version => version.shadow !== true).length,
    agreeing: record.decision.agreeing,
    versions: record.versions.map(version => ({
      version: version.version,
      verdict: WIRE_VERDICT[version.verdict],
      durationSeconds: version.durationSeconds,
      domainReason: version.domainReason ?? '',
      injectedFault: version.injectedFault ?? '',
      shadow: version.shadow === true,
      attempts: version.attempts ?? 1,
    })),
  }).finish();
  const trailers = new Metadata();
  trailers.set(OUTCOME_TRAILER, record.decision.outcome);
  trailers.set(REPORT_TRAILER, Buffer.from(report));
  return trailers;
}
