import { readFileSync } from 'node:fs';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ComputeServiceClient, type SortResponse } from '../../voter/gen/nvote/v1/compute_service.js';
import { startGatewayProcess, type GatewayProcess } from '../../tools/campaign/gateway-process.js';
import { buildIfStale, ROOT } from '../helpers/compiled.js';

// What users are told to use (README, "Replicas and failover"): this test keeps it true.
const SERVICE_CONFIG = readFileSync(new URL('../../deploy/client/service-config.json', import.meta.url), 'utf8');
const GATEWAY_MAIN = `${ROOT}dist/voter/main.js`;
const CALLERS = 16;
// Calls answered between the steps: enough that every step happens under full load.
const CALLS_PER_STEP = 150;
const CALL_DEADLINE_MS = 10_000;

interface Tally {
  answered: number;
  wrong: number;
  failed: Map<string, number>;
}

async function replica(listen = '127.0.0.1:0'): Promise<GatewayProcess> {
  // One thread per version: three gateways share two cores here.
  return startGatewayProcess({ main: GATEWAY_MAIN, waitForVersions: true, config: { listen, logLevel: 'info', threadsPerVersion: 1 } });
}

function sortOnce(client: ComputeServiceClient, values: bigint[]): Promise<SortResponse> {
  return new Promise((resolve, reject) => {
    client.sort({ values }, new Metadata(), { deadline: Date.now() + CALL_DEADLINE_MS }, (error: ServiceError | null, response) => (error ? reject(error) : resolve(response)));
  });
}

async function handled(gateway: GatewayProcess): Promise<number> {
  return (await gateway.metricSum('grpc_server_handled_total')) ?? 0;
}

describe('two gateway replicas behind a client with the shipped service config', () => {
  beforeAll(buildIfStale, 150_000);

  it('loses no call to kill -9 of one replica, its replacement, and SIGTERM of the other', { timeout: 120_000 }, async () => {
    const [first, second] = await Promise.all([replica(), replica()]);
    let replacement: GatewayProcess | undefined;
    // round_robin over both; the replacement comes back on the first one's address.
    const client = new ComputeServiceClient(`ipv4:${first.grpc},${second.grpc}`, credentials.createInsecure(), { 'grpc.service_config': SERVICE_CONFIG });
    const tally: Tally = { answered: 0, wrong: 0, failed: new Map() };
    // The steps wait for calls, not for time: each happens once enough calls have settled.
    let waiters: { atLeast: number; resolve: () => void }[] = [];
    const total = (): number => tally.answered + tally.wrong + [...tally.failed.values()].reduce((sum, n) => sum + n, 0);
    const settled = (): void => {
      const done = total();
      waiters = waiters.filter(waiter => (done >= waiter.atLeast ? (waiter.resolve(), false) : true));
    };
    const moreCalls = (count: number): Promise<void> => new Promise(resolve => waiters.push({ atLeast: total() + count, resolve }));
    let running = true;
    const caller = async (index: number): Promise<void> => {
      for (let round = 0; running; round++) {
        const values = Array.from({ length: 12 }, (_, i) => BigInt(((index + 1) * 7_919 * (round + 1) + i * 104_729) % 10_007) - 5_000n);
        const expected = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        try {
          const response = await sortOnce(client, values);
          if (response.values.length === expected.length && response.values.every((value, i) => value === expected[i])) tally.answered += 1;
          else tally.wrong += 1;
        } catch (error) {
          const key = `${(error as ServiceError).code} ${(error as ServiceError).details}`;
          tally.failed.set(key, (tally.failed.get(key) ?? 0) + 1);
        }
        settled();
      }
    };
    const callers = Array.from({ length: CALLERS }, (_, index) => caller(index));
    try {
      await moreCalls(CALLS_PER_STEP);
      process.kill(first.pid, 'SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      await moreCalls(CALLS_PER_STEP);
      replacement = await replica(first.grpc);
      // The client reconnects to the replacement on its own (subchannel backoff); the second
      // replica is stopped only once the replacement serves, or every call would wait for it.
      const servedBefore = await handled(replacement);
      for (;;) {
        await moreCalls(CALLERS);
        if ((await handled(replacement)) > servedBefore) break;
      }
      await second.stop();
      await moreCalls(CALLS_PER_STEP);
    } finally {
      running = false;
      await Promise.all(callers);
      client.close();
      await Promise.all([first, second, replacement].map(async gateway => {
        if (gateway !== undefined) await gateway.stop();
      }));
    }
    expect(Object.fromEntries(tally.failed), 'calls that failed despite the retry policy').toEqual({});
    expect(tally.wrong).toBe(0);
    expect(tally.answered).toBeGreaterThanOrEqual(4 * CALLS_PER_STEP);
  });
});
