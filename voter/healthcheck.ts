#!/usr/bin/env node
/**
 * Container health probe: asks `grpc.health.v1.Health/Check` for the whole server (`""`) and
 * exits 0 only on SERVING. Self-contained on purpose: it must not load the gateway's config or
 * methods, which would make every probe pay the gateway's start-up cost.
 *
 * usage: healthcheck [HOST:PORT]   (else NVOTE_HEALTH_ADDRESS, else 127.0.0.1:50051)
 */
import { Client, credentials, type MethodDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

interface HealthCheckRequest {
  service: string;
}

interface HealthCheckResponse {
  status?: string;
}

const DEFAULT_ADDRESS = '127.0.0.1:50051';
const DEADLINE_MS = 2_000;

function check(address: string): Promise<string> {
  // enums: String so the status prints as its proto name rather than a number.
  const definition = loadSync(protoPath, { enums: String, defaults: true });
  const service = definition['grpc.health.v1.Health'] as Record<string, MethodDefinition<HealthCheckRequest, HealthCheckResponse>> | undefined;
  const method = service?.['Check'];
  if (method === undefined) return Promise.reject(new Error(`no grpc.health.v1.Health/Check in ${protoPath}`));
  const client = new Client(address, credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      { service: '' },
      { deadline: Date.now() + DEADLINE_MS },
      (error: ServiceError | null, response?: HealthCheckResponse) => {
        // Closing the channel lets the process end on its own, so stdout is flushed before exit.
        client.close();
        if (error !== null) reject(error);
        else resolve(response?.status ?? 'UNKNOWN');
      },
    );
  });
}

const address = process.argv[2] || process.env['NVOTE_HEALTH_ADDRESS'] || DEFAULT_ADDRESS;
try {
  const status = await check(address);
  console.log(status);
  process.exitCode = status === 'SERVING' ? 0 : 1;
} catch (error) {
  console.error(`health check of ${address} failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
