import type { ServerUnaryCall } from '@grpc/grpc-js';

/** Whether the call ended early, and how to stop following it. */
export interface FollowedCall {
  /** True once the client cancelled or its deadline passed. */
  readonly ended: () => boolean;
  /** Stop following the call; needed before responding, because grpc-js also emits 'cancelled' after a normal status. */
  detach(): void;
}

/** Calls `onEnd` once if the call ends early: the client cancels or its deadline passes. */
export function followCall(call: ServerUnaryCall<unknown, unknown>, onEnd: () => void): FollowedCall {
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  if (call.cancelled) end();
  else call.once('cancelled', end);
  return { ended: () => ended, detach: () => call.off('cancelled', end) };
}
