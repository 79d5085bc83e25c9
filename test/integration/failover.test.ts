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

type Phase = 'before' | 'kill' | 'replacement' | 'sigterm';

interface Tally {
  answered: number;
  wrong: number;
  /** Failed calls by the step they failed in, then by status and details. */
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

/**
 * 16 callers through `target` while one replica is killed with SIGKILL, a replacement is started
 * on its address, and the other replica is stopped with SIGTERM. The steps wait for calls, not
 * for time: each happens once enough calls have settled.
 */
async function failoverUnderLoad(first: GatewayProcess, second: GatewayProcess, target: string): Promise<Tally> {
  let replacement: GatewayProcess | undefined;
  const client = new ComputeServiceClient(target, credentials.createInsecure(), { 'grpc.service_config': SERVICE_CONFIG });
  const tally: Tally = { answered: 0, wrong: 0, failed: new Map() };
  let waiters: { atLeast: number; resolve: () => void }[] = [];
  const total = (): number => tally.answered + tally.wrong + [...tally.failed.values()].reduce((sum, n) => sum + n, 0);
  const settled = (): void => {
    const done = total();
    waiters = waiters.filter(waiter => (done >= waiter.atLeast ? (waiter.resolve(), false) : true));
  };
  const moreCalls = (count: number): Promise<void> => new Promise(resolve => waiters.push({ atLeast: total() + count, resolve }));
  let running = true;
  let phase: Phase = 'before';
  const caller = async (index: number): Promise<void> => {
    for (let round = 0; running; round++) {
      const values = Array.from({ length: 12 }, (_, i) => BigInt(((index + 1) * 7_919 * (round + 1) + i * 104_729) % 10_007) - 5_000n);
      const expected = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      try {
        const response = await sortOnce(client, values);
        if (response.values.length === expected.length && response.values.every((value, i) => value === expected[i])) tally.answered += 1;
        else tally.wrong += 1;
      } catch (error) {
        const key = `${phase}: ${(error as ServiceError).code} ${(error as ServiceError).details}`;
        tally.failed.set(key, (tally.failed.get(key) ?? 0) + 1);
      }
      settled();
    }
  };
  const callers = Array.from({ length: CALLERS }, (_, index) => caller(index));
  try {
    await moreCalls(CALLS_PER_STEP);
    phase = 'kill';
    process.kill(first.pid, 'SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await moreCalls(CALLS_PER_STEP);
    phase = 'replacement';
    replacement = await replica(first.grpc);
    // The client finds the replacement on its own (subchannel backoff); the second replica is
    // stopped only once the replacement serves, or every call would wait for it.
    const servedBefore = await handled(replacement);
    for (;;) {
      await moreCalls(CALLERS);
      if ((await handled(replacement)) > servedBefore) break;
    }
    phase = 'sigterm';
    await second.stop();
    await moreCalls(CALLS_PER_STEP);
  } finally {
    running = false;
    await Promise.all(callers);
    client.close();
    await Promise.all(
      [first, second, replacement].map(async gateway => {
        if (gateway !== undefined) await gateway.stop();
      }),
    );
  }
  return tally;
}

// A call whose answer was already on its way when the process died (its message received, its
// trailers not) is committed: gRPC retries never re-send it (grpc-js traced: 'state=COMMITTED').
// Five runs here lost 0, 3, 0, 4 and 0 such calls at the kill; without the retry policy the same
// run lost 12 (every call in flight on the killed replica). Half the callers would be a policy
// that did not work.
const MOST_COMMITTED_AT_KILL = CALLERS / 2 - 1;

function expectOnlyCommittedCallsLost(tally: Tally): void {
  const failed = [...tally.failed];
  expect(failed.filter(([key]) => !key.startsWith('kill: 14 ')), 'calls lost other than in flight at the kill').toEqual([]);
  expect(failed.reduce((sum, [, count]) => sum + count, 0)).toBeLessThanOrEqual(MOST_COMMITTED_AT_KILL);
  expect(tally.wrong).toBe(0);
  expect(tally.answered).toBeGreaterThanOrEqual(4 * CALLS_PER_STEP);
}

describe('two gateway replicas behind a client with the shipped service config', () => {
  beforeAll(buildIfStale, 150_000);

  it('loses no call to a replacement or to SIGTERM, and at kill -9 only calls whose answer was already on the wire', { timeout: 120_000 }, async () => {
    const [first, second] = await Promise.all([replica(), replica()]);
    // round_robin over both; the replacement comes back on the first one's address.
    expectOnlyCommittedCallsLost(await failoverUnderLoad(first, second, `ipv4:${first.grpc},${second.grpc}`));
  });
});
