import { status, type handleUnaryCall } from '@grpc/grpc-js';
import mergeSort from '../../versions/sort/merge.js';
import { ComputeServiceService, type SortRequest, type SortResponse } from '../../voter/gen/nvote/v1/compute_service.js';
import { bindServer, createGrpcServer } from '../../voter/grpc/create-grpc-server.js';

export interface PlainServer {
  /** `host:port` as bound. */
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * The baseline: Sort computed inline on the event loop by one version, with no pool, no vote, no
 * metrics. It is built with the gateway's own server options so that the comparison measures what
 * nvote adds per call, not a difference in HTTP/2 settings or channelz.
 */
export async function startPlainServer(host: string, maxMessageBytes: number): Promise<PlainServer> {
  const server = createGrpcServer({ maxMessageBytes });
  const sort: handleUnaryCall<SortRequest, SortResponse> = (call, callback) => {
    const result = mergeSort({ values: call.request.values });
    if (result.kind === 'value') callback(null, { values: result.value });
    else callback({ code: status.INVALID_ARGUMENT, details: result.reason });
  };
  server.addService({ sort: ComputeServiceService.sort }, { sort });
  const address = await bindServer(server, host, 0);
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
