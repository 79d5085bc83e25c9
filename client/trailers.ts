/** The outcome of the vote in one word (`unanimous`, `majority`, `no_majority`, `quorum_lost`). */
export const OUTCOME_TRAILER = 'nvote-outcome';
/** The serialized nvote.v1.VoteReport; `-bin` makes gRPC carry it as binary. */
export const REPORT_TRAILER = 'nvote-report-bin';
/** The standard rich error: a serialized google.rpc.Status with its details. */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';
