import type { Metadata } from '@grpc/grpc-js';
import { VoteReport } from '../voter/gen/nvote/v1/vote_report.js';
import { REPORT_TRAILER } from './trailers.js';

/** The vote report a voted call carries in its trailers; undefined when no vote took place. */
export function voteReportOf(trailers: Metadata): VoteReport | undefined {
  const [bytes] = trailers.get(REPORT_TRAILER);
  return bytes instanceof Buffer ? VoteReport.decode(bytes) : undefined;
}
