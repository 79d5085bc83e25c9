#!/usr/bin/env node
/**
 * Container health probe: asks `grpc.health.v1.Health/Check` for the whole server (`""`) and
 * exits 0 only on SERVING. Self-contained on purpose: it must not load the gateway's config or
 * methods, which would make every probe pay the gateway's start-up cost.
 *
 * usage: healthcheck [HOST:PORT]   (else NVOTE_HEALTH_ADDRESS, else 127.0.0.1:50051)
 */
import { credentials, Metadata } from '@grpc/grpc-js';
import { HealthClient, healthCheckResponse_ServingStatusToJSON } from './gen/grpc/health/v1/health.js';

const DEFAULT_ADDRESS = '127.0.0.1:50051';
const DEADLINE_MS = 2_000;

function check(address: string): Promise<string> {
  const client = new HealthClient(address, credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.check({ service: '' }, new Metadata(), { deadline: Date.now() + DEADLINE_MS }, (error, response) => {
      // Closing the channel lets the process end on its own, so stdout is flushed before exit.
      client.close();
      if (error !== null) reject(error);
      else resolve(healthCheckResponse_ServingStatusToJSON(response.status));
    });
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
