import {
  ResponderBuilder,
  ServerInterceptingCall,
  ServerListenerBuilder,
  type Deadline,
  type ServerInterceptor,
  type StatusObject,
} from '@grpc/grpc-js';

/** Answers a call from its path and deadline alone: a status to refuse it with, or undefined to let it in. */
export type CallGate = (deadline: Deadline) => StatusObject | undefined;

/**
 * Refuses calls on their metadata, before their message is read: the request's stream is never
 * resumed, so a flood costs headers only, and the refusal does not wait behind the decoding of
 * the flood's own messages.
 */
export function createAdmissionInterceptor(gates: ReadonlyMap<string, CallGate>): ServerInterceptor {
  return (methodDescriptor, call) => {
    const gate = gates.get(methodDescriptor.path);
    if (gate === undefined) return new ServerInterceptingCall(call);
    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const refusal = gate(call.getDeadline());
        if (refusal === undefined) next(metadata);
        else call.sendStatus(refusal);
      })
      .build();
    return new ServerInterceptingCall(call, new ResponderBuilder().withStart(next => next(listener)).build());
  };
}
