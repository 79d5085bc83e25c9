import { Metadata, status, type Client } from '@grpc/grpc-js';
import type { VoteReport } from '../voter/gen/nvote/v1/vote_report.js';
import { collectUnary } from './collect-unary.js';
import { errorInfoOf } from './error-info-of.js';
import { outcomeOf } from './outcome-of.js';
import { voteReportOf } from './vote-report-of.js';

/** One unary RPC as the generated service definitions describe it (`ComputeServiceService.sort`). */
export interface UnaryMethod<TRequest, TResponse> {
  readonly path: string;
  requestSerialize(value: TRequest): Buffer;
  responseDeserialize(bytes: Buffer): TResponse;
}

export interface UnaryCallOptions {
  readonly metadata?: Metadata;
  /** The call's deadline, in milliseconds from now. */
  readonly deadlineMs?: number;
}

/** A finished call, decoded: nothing about it is left in raw metadata except `trailers`. */
export interface UnaryResult<TResponse> {
  readonly status: status;
  /** The status message; "" for OK. */
  readonly details: string;
  readonly response?: TResponse;
  /** The gateway's report of the vote; absent when no vote took place (refused, unreachable). */
  readonly report?: VoteReport;
  /** The vote's outcome word (`majority`, ...). */
  readonly outcome?: string;
  /** google.rpc.ErrorInfo.reason of a failed call (`INVALID_ARGUMENT` ..., `OVERLOADED`). */
  readonly errorReason?: string;
  /** google.rpc.ErrorInfo.domain of a failed call (`nvote`). */
  readonly errorDomain?: string;
  readonly trailers: Metadata;
}

/** Calls one unary method on any grpc-js client and resolves with everything it returned, never rejecting. */
export async function unaryCall<TRequest, TResponse>(
  client: Client,
  method: UnaryMethod<TRequest, TResponse>,
  request: TRequest,
  options: UnaryCallOptions = {},
): Promise<UnaryResult<TResponse>> {
  const callOptions = options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
  const { error, response, trailers } = await collectUnary<TResponse>(callback =>
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      options.metadata ?? new Metadata(),
      callOptions,
      callback,
    ),
  );
  const report = voteReportOf(trailers);
  const outcome = outcomeOf(trailers);
  const info = error === null ? undefined : errorInfoOf(trailers);
  return {
    status: error?.code ?? status.OK,
    details: error?.details ?? '',
    ...(error === null && response !== undefined ? { response } : {}),
    ...(report === undefined ? {} : { report }),
    ...(outcome === undefined ? {} : { outcome }),
    ...(info === undefined ? {} : { errorReason: info.reason, errorDomain: info.domain }),
    trailers,
  };
}
