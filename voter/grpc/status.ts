import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { ErrorInfo } from '../gen/google/rpc/error_details.js';
import { Status } from '../gen/google/rpc/status.js';
import type { ErrorCode, NvoteError } from '../errors.js';

export const ERROR_DOMAIN = 'nvote';

/** The one mapping from nvote's failures to gRPC status codes. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, status>> = {
  // Bad input is a voted answer: the versions agreed the request cannot be computed.
  DOMAIN_ERROR: status.INVALID_ARGUMENT,
  // All the evidence is in, and it conflicts: retrying the same versions will not help.
  NO_MAJORITY: status.INTERNAL,
  // Too many versions failed to answer; a retry may find them healthy again.
  QUORUM_LOST: status.UNAVAILABLE,
  OVERLOADED: status.RESOURCE_EXHAUSTED,
  SHUTTING_DOWN: status.UNAVAILABLE,
  // A fault the gateway cannot inject as written; the message lists every problem.
  INVALID_FAULT: status.INVALID_ARGUMENT,
  // Like Envoy's max_active_faults: a mistaken campaign must not take the service down.
  FAULT_LIMIT: status.RESOURCE_EXHAUSTED,
  FAULT_NOT_FOUND: status.NOT_FOUND,
  // An operator named a method or version the gateway does not run.
  VERSION_NOT_FOUND: status.NOT_FOUND,
  // Quarantining it would leave too few versions for a majority, or quarantine is off.
  QUARANTINE_REFUSED: status.FAILED_PRECONDITION,
  // Strict mode: an answer won, but not every version agreed; the report says which did not.
  DISSENT: status.FAILED_PRECONDITION,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  INTERNAL: status.INTERNAL,
};

/**
 * A gRPC error carrying `google.rpc.Status` with an `ErrorInfo` (reason, domain `nvote`) in
 * `grpc-status-details-bin`, plus any trailers the caller adds. INTERNAL errors never carry
 * their cause's message to the client.
 */
export function toServiceError(error: NvoteError, trailers: Metadata = new Metadata()): Partial<StatusObject> & ServiceError {
  const code = STATUS_BY_CODE[error.code];
  const details = error.code === 'INTERNAL' ? 'internal error' : error.message;
  const info = ErrorInfo.encode({ reason: error.reason, domain: ERROR_DOMAIN, metadata: {} }).finish();
  const rich = Status.encode({
    code,
    message: details,
    details: [{ typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo', value: Buffer.from(info) }],
  }).finish();
  const metadata = trailers.clone();
  metadata.set('grpc-status-details-bin', Buffer.from(rich));
  // grpc-js reads code, details and metadata; a stack here would be the gateway's, never sent.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return Object.assign(new Error(details), { code, details, metadata });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
