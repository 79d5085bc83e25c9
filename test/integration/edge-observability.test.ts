import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth } from '../helpers/health.js';
import { call, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

/** Every log line the gateway writes, parsed. */
function capturedLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('the edge counts every service and says what it runs', () => {
  let gateway: Gateway;
  const { logger, lines } = capturedLogger();
  beforeAll(async () => {
    gateway = await startGateway({
      logger,
      config: { methods: { Sort: { versions: ['sort-merge', 'sort-heap', { id: 'sort-remote', address: '127.0.0.1:9' }] } } },
    });
  });
  afterAll(async () => gateway?.stop());

  it('logs its effective configuration once at start: methods, versions and where they run, limits', () => {
    const listening = lines.filter(line => line['msg'] === 'nvote gateway listening');
    expect(listening).toHaveLength(1);
    const [line] = listening as [Record<string, unknown>];
    const methods = line['methods'] as Record<string, { versions: string[]; voter: string }>;
    expect(Object.keys(methods)).toEqual(['Sort', 'Factorize', 'Evaluate', 'ShortestPath', 'Statistics']);
    expect(methods['Sort']?.versions).toEqual(['sort-merge', 'sort-heap', 'sort-remote (remote 127.0.0.1:9, 64 in flight)']);
    expect(methods['Sort']?.voter).toBe('exact');
    expect(line['limits']).toMatchObject({ maxInFlight: 256, stragglerGraceMs: 250 });
    expect(line['faultInjection']).toEqual({ enabled: false });
    // Fault management as the defaults have it: quarantine and one re-run on, no files written.
    expect(line['quarantine']).toEqual({ enabled: true, windowSize: 20, failureThreshold: 8, reinstateAfterProbes: 3 });
    expect(line['retry']).toEqual({ attempts: 1, minRemainingMs: 100 });
    expect([line['stateFile'], line['journal']]).toEqual(['off', 'off']);
    expect(line['operator']).toEqual({ enabled: false });
    // Neither admin service is on, so no admin listener is opened, nor named.
    expect(line).not.toHaveProperty('admin');
    expect(gateway.admin).toBeUndefined();
  });

  it('counts health checks in the gRPC server metrics like voted calls', async () => {
    await checkHealth(gateway.address, '');
    await checkHealth(gateway.address, 'no.such.Service');
    await call(gateway.client.sort.bind(gateway.client), { values: [2n, 1n] }, { deadlineMs: 5_000 });
    const metrics = await gateway.metrics();
    const health = { grpc_type: 'unary', grpc_service: 'grpc.health.v1.Health', grpc_method: 'Check' };
    expect(sample(metrics, 'grpc_server_started_total', health)).toBe(2);
    expect(sample(metrics, 'grpc_server_handled_total', { ...health, grpc_code: 'OK' })).toBe(1);
    expect(sample(metrics, 'grpc_server_handled_total', { ...health, grpc_code: 'NOT_FOUND' })).toBe(1);
    expect(
      sample(metrics, 'grpc_server_handled_total', { grpc_type: 'unary', grpc_service: 'nvote.v1.ComputeService', grpc_method: 'Sort', grpc_code: 'OK' }),
    ).toBe(1);
  });
});

describe('the edge says where its admin listener is', () => {
  it('names the admin listener and what it serves when fault injection and the operator service are on', async () => {
    const { logger, lines } = capturedLogger();
    await using gateway = await startGateway({ logger, config: { faultInjection: { enabled: true }, operator: { enabled: true } } });
    // Tools that start the gateway find the admin address in this line, as they find the others.
    const [line] = lines.filter(entry => entry['msg'] === 'nvote gateway listening');
    expect(line?.['admin']).toBe(gateway.admin);
    expect(line?.['admin']).not.toBe(gateway.address);
    expect(line?.['faultInjection']).toMatchObject({ enabled: true, tokenRequired: true });
    // On loopback the operator service needs no token.
    expect(line?.['operator']).toEqual({ enabled: true, tokenRequired: false });
    const opened = lines.find(entry => entry['msg'] === 'the admin listener is enabled');
    expect(opened).toMatchObject({ admin: gateway.admin, services: ['nvote.v1.FaultInjectionService', 'nvote.v1.OperatorService'] });
  });
});
