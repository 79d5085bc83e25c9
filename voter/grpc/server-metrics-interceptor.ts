import {
  ResponderBuilder,
  ServerInterceptingCall,
  ServerListenerBuilder,
  status,
  type Deadline,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import type { GrpcType } from '../metrics/index.js';

/** Where the interceptor reports (the gateway's metrics). */
export interface ServerMetricsSink {
  callStarted(type: GrpcType, service: string, method: string): void;
  callHandled(type: GrpcType, service: string, method: string, code: number, seconds: number): void;
}

/**
 * grpc_server_started/handled/handling for every call on the server, whatever the service:
 * voted methods, health, reflection and the fault admin service alike. Outermost, so that a call
 * refused on its metadata is counted too.
 */
export function createServerMetricsInterceptor(sink: ServerMetricsSink): ServerInterceptor {
  return (descriptor, call) => {
    const [service = '', method = ''] = descriptor.path.slice(1).split('/');
    const type = grpcTypeOf(descriptor.requestStream, descriptor.responseStream);
    const started = performance.now();
    let handled = false;
    const handle = (code: status): void => {
      if (handled) return;
      handled = true;
      sink.callHandled(type, service, method, code, (performance.now() - started) / 1000);
    };
    sink.callStarted(type, service, method);
    const listener = new ServerListenerBuilder()
      .withOnCancel(() => {
        // No status was sent: the client went away, or its deadline passed first.
        handle(deadlinePassed(call.getDeadline()) ? status.DEADLINE_EXCEEDED : status.CANCELLED);
      })
      .build();
    const responder = new ResponderBuilder()
      .withStart(next => next(listener))
      .withSendStatus((statusObject, next) => {
        handle(statusObject.code);
        next(statusObject);
      })
      .build();
    return new ServerInterceptingCall(call, responder);
  };
}

function grpcTypeOf(requestStream: boolean, responseStream: boolean): GrpcType {
  if (requestStream) return responseStream ? 'bidi_stream' : 'client_stream';
  return responseStream ? 'server_stream' : 'unary';
}

function deadlinePassed(deadline: Deadline): boolean {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) && at <= Date.now();
}
