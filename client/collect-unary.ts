import { Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';

/** What a unary call ended with: the response or the error, and the trailers either way. */
export interface CollectedUnary<TResponse> {
  readonly error: ServiceError | null;
  readonly response?: TResponse;
  readonly trailers: Metadata;
}

export type UnaryCallback<TResponse> = (error: ServiceError | null, response?: TResponse) => void;

/**
 * Starts a unary call with a callback and resolves once both the callback and the trailers are
 * in, never rejecting. grpc-js hands the response to the callback but the trailers only to the
 * call's `status` event (a failed call also carries them on the error).
 */
export function collectUnary<TResponse>(
  start: (callback: UnaryCallback<TResponse>) => { on(event: 'status', listener: (status: StatusObject) => void): unknown },
): Promise<CollectedUnary<TResponse>> {
  return new Promise(resolve => {
    let answer: { error: ServiceError | null; response?: TResponse } | undefined;
    let trailers: Metadata | undefined;
    const settle = (): void => {
      if (answer !== undefined && trailers !== undefined) resolve({ ...answer, trailers });
    };
    const call = start((error, response) => {
      answer = error !== null || response === undefined ? { error } : { error, response };
      if (error !== null) trailers ??= error.metadata ?? new Metadata();
      settle();
    });
    call.on('status', status => {
      trailers = status.metadata;
      settle();
    });
  });
}
