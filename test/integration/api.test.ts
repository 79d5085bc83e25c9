import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';
import { checkHealth } from '../helpers/health.js';
import { reflect } from '../helpers/reflection.js';
import { call, errorInfoOf, outcomeOf, reportOf, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway.stop();
});

describe('ComputeService answers every RPC by vote', () => {
  it('sorts the full signed 64-bit range exactly', async () => {
    const values = [3n, -(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n + 1n];
    const result = await call(gateway.client.sort.bind(gateway.client), { values });
    expect(result.response?.values).toEqual([-(2n ** 63n), -1n, 0n, 3n, 2n ** 53n + 1n, 2n ** 63n - 1n]);
    expect(['unanimous', 'majority']).toContain(outcomeOf(result.trailers));
    const report = reportOf(result.trailers);
    expect(report.method).toBe('Sort');
    expect(report.configuredVersions).toBe(4);
    expect(report.agreeing).toBeGreaterThanOrEqual(3);
    expect(report.requestId).not.toBe('');
  });

  it('factorizes 2^64 - 1', async () => {
    const result = await call(gateway.client.factorize.bind(gateway.client), { n: 2n ** 64n - 1n });
    expect(result.response?.factors).toEqual([3n, 5n, 17n, 257n, 641n, 65537n, 6700417n]);
  });

  it('evaluates an expression with right-associative powers', async () => {
    const result = await call(gateway.client.evaluate.bind(gateway.client), { expression: '2^3^2 - -2^2 + sqrt(16)' });
    expect(result.response?.value).toBe(512 + 4 + 4);
  });

  it('finds a shortest path and returns a valid one', async () => {
    const result = await call(gateway.client.shortestPath.bind(gateway.client), {
      nodeCount: 4,
      edges: [
        { from: 0, to: 1, weight: 1 },
        { from: 1, to: 3, weight: 1 },
        { from: 0, to: 2, weight: 0.5 },
        { from: 2, to: 3, weight: 1.5 },
        { from: 0, to: 3, weight: 5 },
      ],
      source: 0,
      target: 3,
    });
    // Two paths tie; the voter returns one of those in the agreeing majority, chosen by a
    // fixed order (fewest nodes, then lexicographic), never by arrival.
    expect(result.response).toMatchObject({ reachable: true, distance: 2 });
    expect([[0, 1, 3], [0, 2, 3]]).toContainEqual(result.response?.path);
  });

  it('summarises a sample', async () => {
    const result = await call(gateway.client.statistics.bind(gateway.client), { values: [2, 4, 4, 4, 5, 5, 7, 9] });
    expect(result.response?.count).toBe(8n);
    expect(result.response?.mean).toBe(5);
    expect(result.response?.median).toBe(4.5);
    expect(result.response?.variance).toBeCloseTo(32 / 7, 12);
    expect(result.response?.min).toBe(2);
    expect(result.response?.max).toBe(9);
  });

  it.each([
    ['Evaluate', 'DIVISION_BY_ZERO', () => call(gateway.client.evaluate.bind(gateway.client), { expression: '1/0 + sqrt(-1)' })],
    ['Evaluate', 'SYNTAX_ERROR', () => call(gateway.client.evaluate.bind(gateway.client), { expression: '2 +' })],
    ['Factorize', 'OUT_OF_RANGE', () => call(gateway.client.factorize.bind(gateway.client), { n: 1n })],
    ['Statistics', 'EMPTY', () => call(gateway.client.statistics.bind(gateway.client), { values: [] })],
    ['Statistics', 'NON_FINITE', () => call(gateway.client.statistics.bind(gateway.client), { values: [1, Number.NaN] })],
    [
      'ShortestPath',
      'INVALID_GRAPH',
      () => call(gateway.client.shortestPath.bind(gateway.client), { nodeCount: 2, edges: [], source: 0, target: 5 }),
    ],
  ] as const)('%s rejects bad input with INVALID_ARGUMENT and the voted reason %s', async (_method, reason, run) => {
    const result = await run();
    expect(result.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(errorInfoOf(result.error!)).toMatchObject({ reason, domain: 'nvote' });
    expect(['unanimous', 'majority']).toContain(outcomeOf(result.trailers));
  });

  it('refuses a message over the size limit with RESOURCE_EXHAUSTED', async () => {
    const result = await call(gateway.client.statistics.bind(gateway.client), {
      values: new Array<number>(2_500_000).fill(1),
    });
    expect(result.error?.code).toBe(status.RESOURCE_EXHAUSTED);
  });
});

describe('the standard gRPC surface', () => {
  it('reports SERVING through grpc.health.v1 for the server, the service and each method', async () => {
    expect(await checkHealth(gateway.address, '')).toEqual({ status: 'SERVING' });
    expect(await checkHealth(gateway.address, 'nvote.v1.ComputeService')).toEqual({ status: 'SERVING' });
    // Every RPC of the generated service definition: a new RPC is checked with no list to extend.
    for (const { path } of Object.values(ComputeServiceService)) {
      expect(await checkHealth(gateway.address, path.slice(1))).toEqual({ status: 'SERVING' });
    }
    expect(await checkHealth(gateway.address, 'no.such.Service')).toEqual({ code: status.NOT_FOUND });
  });

  it('lists its services through server reflection, as grpcurl would, and not fault injection while disabled', async () => {
    const { services, files } = await reflect(gateway.address, 'nvote.v1.ComputeService');
    expect(services).toEqual([
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      'nvote.v1.ComputeService',
    ]);
    expect(files).toBeGreaterThan(0);
  });

  it('serves Prometheus metrics with zeroed label sets', async () => {
    const text = await gateway.metrics();
    expect(sample(text, 'nvote_votes_total', { method: 'Factorize', outcome: 'no_majority' })).toBe(0);
    expect(sample(text, 'nvote_pool_threads', { method: 'Sort', version: 'sort-radix' })).toBe(1);
    expect(text).toContain('grpc_server_handling_seconds_bucket');
    expect(text).toContain('nvote_version_duration_seconds_bucket');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
