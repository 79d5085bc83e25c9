import type { ServerUnaryCall } from '@grpc/grpc-js';

export interface CallSignal {
  readonly signal: AbortSignal;
  /** Stop following the call; needed before responding, because grpc-js also emits 'cancelled' after a normal status. */
  detach(): void;
}

/** An AbortSignal that fires when the call ends early: the client cancels or its deadline passes. */
export function followCall(call: ServerUnaryCall<unknown, unknown>): CallSignal {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (call.cancelled) abort();
  else call.once('cancelled', abort);
  return { signal: controller.signal, detach: () => call.off('cancelled', abort) };
}
