import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { credentials, status } from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ComputeServiceClient } from '../../voter/gen/nvote/v1/compute_service.js';
import { buildIfStale, ROOT } from '../helpers/compiled.js';
import { faultMetadata } from '../helpers/fault-admin.js';
import { call, errorInfoOf, sample, startGateway, TEST_FAULT_TOKEN, type CallResult } from '../helpers/start-gateway.js';

const GRACE_MS = 1_000;
// What the README promises beyond the grace: answering, flushing, closing pools and listeners.
const EXIT_BOUND_MS = 2_500;
const CALLS = 16;

/** Evaluate calls whose two of three versions are delayed 9 s: they cannot finish within the grace. */
function slowCalls(client: ComputeServiceClient): Promise<CallResult<unknown>>[] {
  return Array.from({ length: CALLS }, (_, i) => {
    const metadata = faultMetadata('delay evaluate-pratt,evaluate-shunting-yard delay_ms=9000');
    metadata.set('x-request-id', `slow-${i}`);
    return call(client.evaluate.bind(client), { expression: '1+2' }, { metadata, deadlineMs: 30_000 });
  });
}

function expectShutDown(results: readonly CallResult<unknown>[]): void {
  for (const result of results) {
    expect(result.error?.code).toBe(status.UNAVAILABLE);
    expect(errorInfoOf(result.error!).reason).toBe('SHUTTING_DOWN');
  }
}

describe('shutdown', () => {
  it('answers the calls still running after the grace with UNAVAILABLE SHUTTING_DOWN, within the grace plus its bound', async () => {
    const gw = await startGateway({ config: { faultInjection: { enabled: true }, shutdownGraceMs: GRACE_MS, defaultTimeoutMs: 20_000 } });
    const pending = slowCalls(gw.client);
    await expect.poll(async () => sample(await gw.metrics(), 'nvote_inflight_requests', {}), { timeout: 10_000 }).toBe(CALLS);
    const started = performance.now();
    await gw.stop();
    const took = performance.now() - started;
    expectShutDown(await Promise.all(pending));
    expect(took).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(took).toBeLessThan(GRACE_MS + EXIT_BOUND_MS);
  });

  describe('of the gateway process', () => {
    beforeAll(buildIfStale, 150_000);

    it('exits 0 on SIGTERM within the grace plus its bound, having answered every call in flight', async () => {
      const child = spawn(
        process.execPath,
        // A free admin port too: the default 50052 may be taken. Fault injection needs the token.
        [join(ROOT, 'dist/voter/main.js'), '--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--fault-injection'],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NVOTE_CONFIG: '', NVOTE_FAULT_INJECTION_TOKEN: TEST_FAULT_TOKEN } },
      );
      const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
      try {
        const address = await new Promise<{ grpc: string; metrics: string; admin?: string }>((resolve, reject) => {
          let buffered = '';
          child.stdout.on('data', (chunk: Buffer) => {
            buffered += chunk.toString();
            const line = buffered.split('\n').find(candidate => candidate.includes('versions loaded'));
            const listening = buffered.split('\n').find(candidate => candidate.includes('nvote gateway listening'));
            if (line !== undefined && listening !== undefined) resolve(JSON.parse(listening) as { grpc: string; metrics: string; admin?: string });
          });
          void exited.then(code => reject(new Error(`gateway exited ${code} before it was ready`)));
        });
        // The admin listener opened where it was told; the faults below travel on the compute calls.
        expect(address.admin).toMatch(/^127\.0\.0\.1:\d+$/);
        const client = new ComputeServiceClient(address.grpc, credentials.createInsecure());
        try {
          const pending = slowCalls(client);
          await expect
            .poll(async () => sample(await (await fetch(`http://${address.metrics}/metrics`)).text(), 'nvote_inflight_requests', {}), {
              timeout: 10_000,
            })
            .toBe(CALLS);
          const started = performance.now();
          child.kill('SIGTERM');
          // The default grace is 5 s; the process is bounded by it plus the margin.
          expect(await exited).toBe(0);
          const took = performance.now() - started;
          expect(took).toBeLessThan(5_000 + EXIT_BOUND_MS);
          expectShutDown(await Promise.all(pending));
        } finally {
          client.close();
        }
      } finally {
        child.kill('SIGKILL');
      }
    }, 60_000);
  });
});
