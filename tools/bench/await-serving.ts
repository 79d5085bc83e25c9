import { setTimeout as sleep } from 'node:timers/promises';
import { credentials, Metadata } from '@grpc/grpc-js';
import { HealthCheckResponse_ServingStatus, HealthClient } from '../../voter/gen/grpc/health/v1/health.js';

const POLL_MS = 100;

/**
 * Waits until the gateway's health says `service` is SERVING (`nvote.v1.ComputeService`: every
 * method has a majority of working versions). Resolves with how long that took (ms).
 */
export async function awaitServing(address: string, service: string, limitMs: number): Promise<number> {
  const client = new HealthClient(address, credentials.createInsecure());
  const started = performance.now();
  try {
    for (;;) {
      const serving = await new Promise<boolean>(resolve => {
        client.check({ service }, new Metadata(), { deadline: Date.now() + 5_000 }, (error, reply) =>
          resolve(error === null && reply.status === HealthCheckResponse_ServingStatus.SERVING),
        );
      });
      if (serving) return performance.now() - started;
      if (performance.now() - started > limitMs) throw new Error(`health of ${service} was not SERVING within ${limitMs} ms`);
      await sleep(POLL_MS);
    }
  } finally {
    client.close();
  }
}
