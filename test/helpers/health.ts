import { credentials, Metadata, type ClientReadableStream } from '@grpc/grpc-js';
import {
  HealthClient,
  healthCheckResponse_ServingStatusToJSON,
  type HealthCheckResponse,
} from '../../voter/gen/grpc/health/v1/health.js';

/** `grpc.health.v1.Health/Check` of one name: the status word, or the gRPC error code. */
export async function checkHealth(address: string, service: string): Promise<{ status?: string; code?: number }> {
  const client = new HealthClient(address, credentials.createInsecure());
  try {
    return await new Promise(resolve => {
      client.check({ service }, new Metadata(), { deadline: Date.now() + 5_000 }, (error, reply) =>
        resolve(error === null ? { status: healthCheckResponse_ServingStatusToJSON(reply.status) } : { code: error.code }),
      );
    });
  } finally {
    client.close();
  }
}

export interface HealthWatch {
  /** Every status the stream has sent so far, in order. */
  readonly statuses: string[];
  close(): void;
}

/** A `Watch` stream recording what the server sends. */
export function watchHealth(address: string, service: string): HealthWatch {
  const client = new HealthClient(address, credentials.createInsecure());
  const statuses: string[] = [];
  const stream: ClientReadableStream<HealthCheckResponse> = client.watch({ service });
  stream.on('data', (reply: HealthCheckResponse) => statuses.push(healthCheckResponse_ServingStatusToJSON(reply.status)));
  stream.on('error', () => undefined);
  return {
    statuses,
    close() {
      stream.cancel();
      client.close();
    },
  };
}
