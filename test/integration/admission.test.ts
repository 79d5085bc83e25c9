import { credentials, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { ComputeServiceClient } from '../../voter/gen/nvote/v1/compute_service.js';
import { call, errorInfoOf, sample, startGateway, type CallResult, type Gateway } from '../helpers/start-gateway.js';

// What the README states: beside a flood, a light call is served or refused within this.
const LIGHT_CALL_BOUND_MS = 5_000;

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

describe('admission under overload', () => {
  it('refuses a flood before reading it, and serves or refuses a light call beside it within the bound', async () => {
    gateway = await startGateway({ config: { maxInFlight: 16 } });
    const gw = gateway;
    const values = Array.from({ length: 5_000 }, (_, i) => BigInt((i * 7_919) % 5_003));
    // Several channels, as a real flood would use: one HTTP/2 connection caps its streams.
    const channels = Array.from({ length: 4 }, () => new ComputeServiceClient(gw.address, credentials.createInsecure()));
    try {
      const flood = Array.from({ length: 600 }, (_, i) => {
        const client = channels[i % channels.length] as ComputeServiceClient;
        const started = performance.now();
        return call(client.sort.bind(client), { values }, { deadlineMs: 30_000 }).then(result => ({ result, ms: performance.now() - started }));
      });
      await expect.poll(async () => sample(await gw.metrics(), 'nvote_rejected_requests_total', { reason: 'overloaded' }), { timeout: 20_000 }).toBeGreaterThan(0);
      const lightStarted = performance.now();
      const light = await call(gw.client.sort.bind(gw.client), { values: [3n, 1n, 2n] }, { deadlineMs: 30_000 });
      const lightMs = performance.now() - lightStarted;
      expect(light.response?.values ?? light.error?.code).toEqual(light.response === undefined ? status.RESOURCE_EXHAUSTED : [1n, 2n, 3n]);
      expect(lightMs).toBeLessThan(LIGHT_CALL_BOUND_MS);

      const settled = await Promise.all(flood);
      const refused = settled.filter(({ result }) => result.error?.code === status.RESOURCE_EXHAUSTED);
      const answered = settled.filter(({ result }) => result.response !== undefined);
      expect(refused.length + answered.length).toBe(settled.length);
      expect(refused.length).toBeGreaterThan(0);
      expect(answered.length).toBeGreaterThan(0);
      for (const { result } of refused) expect(errorInfoOf(result.error!).reason).toBe('OVERLOADED');
      for (const { result } of answered) expect(result.response).toMatchObject({ values: [...values].sort((a, b) => (a < b ? -1 : 1)) });
    } finally {
      for (const channel of channels) channel.close();
    }
  });

  it('bounds the bytes held in flight: a burst of large requests is partly refused for memory, the rest answered', async () => {
    const values = Array.from({ length: 200_000 }, (_, i) => (i % 1_000) / 8);
    // About 1.8 MB on the wire each, so 9 MB charged with three versions: two fit in 20 MB.
    gateway = await startGateway({ config: { maxInFlightBytes: 20 * 1024 * 1024 } });
    const gw = gateway;
    const results: CallResult<unknown>[] = await Promise.all(
      Array.from({ length: 8 }, () => call(gw.client.statistics.bind(gw.client), { values }, { deadlineMs: 30_000 })),
    );
    const refused = results.filter(result => result.error?.code === status.RESOURCE_EXHAUSTED);
    const answered = results.filter(result => result.response !== undefined);
    expect(refused.length + answered.length).toBe(results.length);
    expect(answered.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    const metrics = await gw.metrics();
    expect(sample(metrics, 'nvote_rejected_requests_total', { reason: 'memory' })).toBe(refused.length);
    // Nothing is left charged once the calls are over.
    await expect.poll(async () => sample(await gw.metrics(), 'nvote_inflight_request_bytes', {}), { timeout: 10_000 }).toBe(0);
  });
});
