import type { Metadata } from '@grpc/grpc-js';
import { ErrorInfo } from '../voter/gen/google/rpc/error_details.js';
import { Status } from '../voter/gen/google/rpc/status.js';
import { STATUS_DETAILS_TRAILER } from './trailers.js';

const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';

/**
 * The google.rpc.ErrorInfo (reason and domain) of a failed call, from the rich error in its
 * trailers; undefined when the error carries none (errors from grpc-js itself, INTERNAL).
 */
export function errorInfoOf(trailers: Metadata): ErrorInfo | undefined {
  const [bytes] = trailers.get(STATUS_DETAILS_TRAILER);
  if (!(bytes instanceof Buffer)) return undefined;
  const detail = Status.decode(bytes).details.find(any => any.typeUrl === ERROR_INFO_TYPE);
  return detail === undefined ? undefined : ErrorInfo.decode(detail.value);
}
