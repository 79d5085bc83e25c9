import type { Http2Server, Http2Session, ServerOptions as Http2ServerOptions } from 'node:http2';
import type { Server } from '@grpc/grpc-js';

/** HTTP/2 receive windows: per stream (SETTINGS_INITIAL_WINDOW_SIZE) and per connection. */
export interface ReceiveWindows {
  readonly streamBytes: number;
  readonly connectionBytes: number;
}

// What grpc-js 1.14 keeps private and this reaches: the options every http2 server is created
// with, and the function that creates one per bound port.
interface ServerInternals {
  commonServerOptions?: Http2ServerOptions;
  createHttp2Server?: (credentials: unknown) => Http2Server;
}

/**
 * Raises the windows grpc-js leaves at Node's 64 KB (grpc-node PR #3058 adds the option to the
 * server; 1.14 has only the client side). With 64 KB, every 64 KB of a large request waits for a
 * WINDOW_UPDATE that the gateway's event loop sends only when it gets round to it: under load an
 * 8 MB request took over 15 s to arrive, and its call missed its deadline with every version
 * healthy. Must be called before the server binds; fails loudly if grpc-js changed underneath.
 */
export function raiseReceiveWindows(server: Server, windows: ReceiveWindows): void {
  const internals = server as unknown as ServerInternals;
  const { commonServerOptions, createHttp2Server } = internals;
  if (commonServerOptions === undefined || typeof createHttp2Server !== 'function') {
    throw new Error('this @grpc/grpc-js no longer has the internals raiseReceiveWindows relies on; see voter/grpc/receive-window.ts');
  }
  commonServerOptions.settings = { ...commonServerOptions.settings, initialWindowSize: windows.streamBytes };
  internals.createHttp2Server = credentials => {
    const http2Server = createHttp2Server.call(server, credentials);
    http2Server.on('session', (session: Http2Session) => session.setLocalWindowSize(windows.connectionBytes));
    return http2Server;
  };
}
