/**
 * nvote's client library: calling the gateway and reading what it says about the vote. It
 * imports only @grpc/grpc-js and the generated code, so that any client (the tools, tests, a
 * user's program) and the gateway itself share one spelling of the trailers.
 */
export { collectUnary, type CollectedUnary, type UnaryCallback } from './collect-unary.js';
export { errorInfoOf } from './error-info-of.js';
export { outcomeOf } from './outcome-of.js';
export { OUTCOME_TRAILER, REPORT_TRAILER, STATUS_DETAILS_TRAILER } from './trailers.js';
export { unaryCall, type UnaryCallOptions, type UnaryMethod, type UnaryResult } from './unary-call.js';
export { voteReportOf } from './vote-report-of.js';
export { JOURNAL_FORMAT, type JournalCountsLine, type JournalLine, type JournalVersion, type JournalVoteLine, type OmittedValue } from './journal-line.js';
export { parseJournalLine, type ParsedJournalLine } from './parse-journal-line.js';
