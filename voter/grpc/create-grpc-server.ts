import { Server, ServerCredentials, type ServerInterceptor, type ServerOptions } from '@grpc/grpc-js';
import { raiseReceiveWindows } from './receive-window.js';

// Enough for a large request to arrive in a few round trips; the connection window bounds what a
// client can send ahead on one connection before the gateway reads it.
const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
const CONNECTION_WINDOW_BYTES = 16 * 1024 * 1024;

export interface GrpcServerLimits {
  readonly maxMessageBytes: number;
  readonly interceptors?: readonly ServerInterceptor[];
}

/**
 * A grpc-js server with explicit limits: grpc-js sets no keepalive, no stream limit and an
 * unlimited send size by default.
 */
export function createGrpcServer(limits: GrpcServerLimits): Server {
  const options: ServerOptions = {
    'grpc.max_receive_message_length': limits.maxMessageBytes,
    'grpc.max_send_message_length': limits.maxMessageBytes,
    // Rapid-reset hygiene: bound concurrent streams per connection.
    'grpc.max_concurrent_streams': 256,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.max_connection_idle_ms': 300_000,
    // Channelz retains per-session state that has leaked under load in grpc-js.
    'grpc.enable_channelz': 0,
    interceptors: [...(limits.interceptors ?? [])],
  };
  const server = new Server(options);
  raiseReceiveWindows(server, { streamBytes: STREAM_WINDOW_BYTES, connectionBytes: CONNECTION_WINDOW_BYTES });
  return server;
}

/** Binds `host:port` (port 0 picks one) with the given credentials (plaintext unless given) and returns the bound `host:port`. */
export function bindServer(server: Server, host: string, port: number, credentials: ServerCredentials = ServerCredentials.createInsecure()): Promise<string> {
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(target, credentials, (error, bound) => {
      if (error) reject(error);
      else resolve(host.includes(':') ? `[${host}]:${bound}` : `${host}:${bound}`);
    });
  });
}

