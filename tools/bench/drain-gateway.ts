import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayProcess } from '../campaign/gateway-process.js';
import { metricSamples } from './metric-samples.js';

const DRAIN_LIMIT_MS = 30_000;
const POLL_MS = 20;

/**
 * The gateway answers on an early majority and lets slower versions run on, so its work outlives
 * the round that caused it. Waiting for `nvote_inflight_requests` (undecided calls) and
 * `nvote_settling_requests` (decided calls whose stragglers still run) to reach 0 keeps that
 * leftover work from landing on the next round, which may belong to the other server. Resolves
 * with how long that took (ms).
 */
export async function drainGateway(gateway: GatewayProcess): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < DRAIN_LIMIT_MS) {
    const inFlight = await gateway.metricSum('nvote_inflight_requests');
    const settling = await gateway.metricSum('nvote_settling_requests');
    if (inFlight === undefined || settling === undefined) {
      throw new Error('the gateway has no nvote_inflight_requests or nvote_settling_requests gauge on its /metrics');
    }
    if (inFlight === 0 && settling === 0) return performance.now() - started;
    await sleep(POLL_MS);
  }
  throw new Error(`the gateway still had calls in flight ${DRAIN_LIMIT_MS} ms after the clients stopped`);
}

/**
 * Waits until every version pool has at least the live workers it had before (`threadsBefore`,
 * by version): a hung version's workers are terminated and replaced, and a round started while
 * they boot would pay for their start-up. Resolves with the pools still short when the limit
 * passed (empty when all are back).
 */
export async function awaitFullPools(gateway: GatewayProcess, threadsBefore: ReadonlyMap<string, number>, limitMs: number): Promise<string[]> {
  const started = performance.now();
  for (;;) {
    const short = (await metricSamples(gateway.metrics, 'nvote_pool_threads'))
      .filter(sample => sample.value < (threadsBefore.get(sample.labels['version'] ?? '') ?? 0))
      .map(sample => sample.labels['version'] ?? '?');
    if (short.length === 0 || performance.now() - started > limitMs) return short;
    await sleep(POLL_MS * 5);
  }
}
