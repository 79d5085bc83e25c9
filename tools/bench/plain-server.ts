import { Server, ServerCredentials, status, type handleUnaryCall } from '@grpc/grpc-js';
// The one import of a version outside the gateway's worker pools: the baseline is one version,
// computing inline. Tools otherwise import only generated code, client/ and tools/.
import mergeSort from '../../versions/sort/merge.js';
import { ComputeServiceService, type SortRequest, type SortResponse } from '../../voter/gen/nvote/v1/compute_service.js';

export interface PlainServer {
  /** `host:port` as bound. */
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * The baseline: Sort computed inline on the event loop by one version, with no pool, no vote, no
 * metrics. It has the gateway's server options (voter/grpc/create-grpc-server.ts, restated here
 * because the bench meets the gateway only over gRPC) so that the comparison measures what nvote
 * adds per call, not a difference in HTTP/2 settings or channelz. The gateway's larger receive
 * windows are left out: the bench's requests are a few hundred bytes, far inside the default.
 */
export async function startPlainServer(host: string, maxMessageBytes: number): Promise<PlainServer> {
  const server = new Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    'grpc.max_concurrent_streams': 256,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.max_connection_idle_ms': 300_000,
    'grpc.enable_channelz': 0,
  });
  const sort: handleUnaryCall<SortRequest, SortResponse> = (call, callback) => {
    const result = mergeSort({ values: call.request.values });
    if (result.kind === 'value') callback(null, { values: result.value });
    else callback({ code: status.INVALID_ARGUMENT, details: result.reason });
  };
  server.addService({ sort: ComputeServiceService.sort }, { sort });
  const address = await new Promise<string>((resolve, reject) => {
    server.bindAsync(`${host}:0`, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(`${host}:${port}`)));
  });
  return {
    address,
    stop: () =>
      new Promise<void>(resolve => {
        // The bench closes its clients first, so this only fires if a call is somehow stuck.
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
