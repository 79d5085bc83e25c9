import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SortResponse } from '../../voter/gen/nvote/v1/compute_service.js';
import { sortMethod } from '../../voter/methods/sort.js';
import { sortWithFixtures } from '../fixtures/sort-with-fixtures.js';
import { faultMetadata } from '../helpers/fault-admin.js';
import { checkHealth } from '../helpers/health.js';
import { call, errorInfoOf, outcomeOf, sample, startGateway, type CallResult, type Gateway } from '../helpers/start-gateway.js';

const SORT_PATH = '/nvote.v1.ComputeService/Sort';
// A generous deadline on every call: a hang becomes DEADLINE_EXCEEDED, never a test timeout.
const DEADLINE_MS = 20_000;

interface RawResult {
  readonly response?: Buffer;
  readonly error?: ServiceError;
}

/** Sends bytes as they are to a method, bypassing every serializer, and returns the raw reply. */
function callRaw(client: Client, path: string, bytes: Uint8Array): Promise<RawResult> {
  const identity = (buffer: Buffer): Buffer => buffer;
  return new Promise(resolve => {
    client.makeUnaryRequest(
      path,
      identity,
      identity,
      Buffer.from(bytes),
      new Metadata(),
      { deadline: Date.now() + DEADLINE_MS },
      (error, response) => resolve(error ? { error } : response === undefined ? {} : { response }),
    );
  });
}

/** A normal call, to show the gateway still serves after whatever came before. */
async function expectSortStillWorks(gateway: Gateway): Promise<void> {
  const result = await call(gateway.client.sort.bind(gateway.client), { values: [3n, -1n, 2n] }, { deadlineMs: DEADLINE_MS });
  expect(result.error).toBeUndefined();
  expect(result.response?.values).toEqual([-1n, 2n, 3n]);
}

function expectDomainError(result: CallResult<unknown>, reason: string): void {
  expect(result.error?.code).toBe(status.INVALID_ARGUMENT);
  expect(errorInfoOf(result.error!)).toMatchObject({ reason, domain: 'nvote' });
  expect(['unanimous', 'majority']).toContain(outcomeOf(result.trailers));
}

async function healthOf(address: string, service: string): Promise<string> {
  const { status: serving, code } = await checkHealth(address, service);
  if (serving === undefined) throw new Error(`health check failed with code ${code}`);
  return serving;
}

/** Runs `count` tasks with at most `concurrency` at once; stops after the count. */
async function runBounded(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** OS threads of this process: the main thread, V8 and libuv helpers, and every worker thread. */
function osThreads(): number {
  const match = /^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (match?.[1] === undefined) throw new Error('no Threads: line in /proc/self/status');
  return Number(match[1]);
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('malformed and unusual protobuf on the wire', () => {
  let gateway: Gateway;
  let raw: Client;
  beforeAll(async () => {
    gateway = await startGateway({ methods: [sortMethod] });
    raw = new Client(gateway.address, credentials.createInsecure());
  });
  afterAll(async () => {
    raw.close();
    await gateway.stop();
  });

  it.each([
    ['a truncated varint', [0x08, 0xff, 0xff]],
    ['a varint longer than ten bytes', [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    ['wire type 7 (no such wire type)', [0x0f, 0x01]],
    ['a packed field longer than the message', [0x0a, 0x05, 0x02]],
    ['an unknown length-delimited field longer than the message', [0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x02]],
  ])('refuses %s with INTERNAL, then keeps serving', async (_case, bytes) => {
    const result = await callRaw(raw, SORT_PATH, Uint8Array.from(bytes));
    // grpc-js parses the request before any handler runs and reports the failure as INTERNAL.
    expect(result.error?.code).toBe(status.INTERNAL);
    expect(result.error?.details).toMatch(/deserializ/i);
    await expectSortStillWorks(gateway);
  });

  // Both are invalid protobuf (protobuf-es, Go, Java and C++ reject them). Taking them for the end
  // of the message would sort a prefix of the request and return it as the answer.
  it.each([
    ['field number 0', [0x08, 0x02, 0x00, 0x08, 0x04]],
    ['a stray end-group tag', [0x08, 0x02, 0x0c, 0x08, 0x04]],
  ])('refuses %s with INTERNAL rather than silently dropping the rest of the message', async (_case, bytes) => {
    const result = await callRaw(raw, SORT_PATH, Uint8Array.from(bytes));
    const answer = result.response === undefined ? undefined : SortResponse.decode(result.response).values;
    expect(result.error?.code, `answered [${String(answer)}] for values [1, 2]`).toBe(status.INTERNAL);
    expect(result.error?.details).toMatch(/deserializ/i);
    await expectSortStillWorks(gateway);
  });

  it('answers an empty message as an empty list', async () => {
    const result = await callRaw(raw, SORT_PATH, new Uint8Array());
    expect(result.error).toBeUndefined();
    expect(SortResponse.decode(result.response!).values).toEqual([]);
  });

  it('ignores unknown fields of every wire type, as protobuf requires', async () => {
    const bytes = [
      [0x08, 0x04], // values: 2 (zigzag)
      [0x10, 0x07], // field 2, varint
      [0x1a, 0x02, 0x61, 0x62], // field 3, length-delimited
      [0x25, 0x01, 0x02, 0x03, 0x04], // field 4, fixed32
      [0x29, 1, 2, 3, 4, 5, 6, 7, 8], // field 5, fixed64
      [0xf8, 0xff, 0xff, 0xff, 0x0f, 0x01], // field 536870911 (the largest), varint
      [0x08, 0x01], // values: -1 (zigzag)
    ].flat();
    const result = await callRaw(raw, SORT_PATH, Uint8Array.from(bytes));
    expect(result.error).toBeUndefined();
    expect(SortResponse.decode(result.response!).values).toEqual([-1n, 2n]);
  });
});

describe('absurd values at the gRPC boundary get an explicit answer', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(async () => {
    await gateway.stop();
  });
  const options = { deadlineMs: DEADLINE_MS };

  it('refuses 100,001 values to Sort with INVALID_ARGUMENT and the voted reason TOO_LARGE', async () => {
    const values = Array.from({ length: 100_001 }, (_, index) => BigInt(100_001 - index));
    expectDomainError(await call(gateway.client.sort.bind(gateway.client), { values }, options), 'TOO_LARGE');
    await expectSortStillWorks(gateway);
  });

  it('refuses a ShortestPath node count of 4,294,967,295 with TOO_LARGE, without allocating for it', async () => {
    const request = { nodeCount: 4_294_967_295, edges: [{ from: 4_294_967_294, to: 0, weight: 1 }], source: 0, target: 4_294_967_294 };
    expectDomainError(await call(gateway.client.shortestPath.bind(gateway.client), request, options), 'TOO_LARGE');
    await expectSortStillWorks(gateway);
  });

  it.each([
    ['NaN', [1, Number.NaN, 3]],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['-Infinity', [0, Number.NEGATIVE_INFINITY]],
  ])('refuses Statistics of %s with NON_FINITE', async (_case, values) => {
    expectDomainError(await call(gateway.client.statistics.bind(gateway.client), { values }, options), 'NON_FINITE');
    await expectSortStillWorks(gateway);
  });

  it('refuses Factorize of 0 with OUT_OF_RANGE', async () => {
    expectDomainError(await call(gateway.client.factorize.bind(gateway.client), { n: 0n }, options), 'OUT_OF_RANGE');
    await expectSortStillWorks(gateway);
  });

  it('factorizes 2^64 - 1, the largest uint64', async () => {
    const result = await call(gateway.client.factorize.bind(gateway.client), { n: 2n ** 64n - 1n }, options);
    expect(result.error).toBeUndefined();
    expect(result.response?.factors).toEqual([3n, 5n, 17n, 257n, 641n, 65537n, 6700417n]);
    await expectSortStillWorks(gateway);
  });
});

describe('the message size limit', () => {
  const LIMIT_BYTES = 64 * 1024;
  // 2^62 encodes as a 10-byte zigzag varint, so the size of a request is easy to steer.
  const requestOf = (bytes: number) => ({ values: new Array<bigint>(Math.floor(bytes / 10)).fill(2n ** 62n) });

  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway({ methods: [sortMethod], config: { maxMessageBytes: LIMIT_BYTES } });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('refuses a request over maxMessageBytes with RESOURCE_EXHAUSTED, then keeps serving', async () => {
    const result = await call(gateway.client.sort.bind(gateway.client), requestOf(2 * LIMIT_BYTES), { deadlineMs: DEADLINE_MS });
    expect(result.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    await expectSortStillWorks(gateway);
  });

  it('serves a request just under maxMessageBytes', async () => {
    const request = requestOf(LIMIT_BYTES - 1_000);
    const result = await call(gateway.client.sort.bind(gateway.client), request, { deadlineMs: DEADLINE_MS });
    expect(result.error).toBeUndefined();
    expect(result.response?.values).toEqual(request.values);
  });
});

describe('a storm of crashing workers', () => {
  const VERSIONS = ['sort-merge', 'sort-heap', 'fixture-exits'];
  const THREADS_PER_VERSION = 2;
  const CONCURRENCY = 8;
  const request = { values: [5n, -3n, 0n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n] };
  const sorted = [-9_223_372_036_854_775_808n, -3n, 0n, 5n, 9_223_372_036_854_775_807n];
  const crashing = { method: 'Sort', version: 'fixture-exits' };

  const startStormGateway = (budgets: { defaultTimeoutMs: number; stragglerGraceMs: number }): Promise<Gateway> =>
    startGateway({
      methods: [sortWithFixtures],
      config: {
        // Fixed pools: what is checked is that every lost worker is replaced, up to the size.
        threadsPerVersion: THREADS_PER_VERSION,
        minThreadsPerVersion: THREADS_PER_VERSION,
        // These tests are about fault containment, not admission.
        maxInFlight: 1_000,
        // Each planned crash counts against the active-fault cap until its run has settled.
        faultInjection: { enabled: true, maxActiveFaults: 10_000 },
        ...budgets,
        methods: { Sort: { versions: VERSIONS } },
      },
    });

  /** Sorts once and returns what went wrong, if anything. Without a deadline, each version's budget is defaultTimeoutMs. */
  async function sortOnce(gateway: Gateway, deadlineMs?: number, metadata?: Metadata): Promise<string | undefined> {
    const result = await call(gateway.client.sort.bind(gateway.client), request, {
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
      ...(metadata === undefined ? {} : { metadata }),
    });
    if (result.error !== undefined) return result.error.message;
    return result.response?.values.join() === sorted.join() ? undefined : `wrong answer ${String(result.response?.values)}`;
  }

  /** One sample; NaN when absent, so that a missing series fails every comparison. */
  const count = (text: string, name: string, labels: Record<string, string>): number => sample(text, name, labels) ?? Number.NaN;

  /** The metrics once every straggler has settled and been counted. */
  async function settled(gateway: Gateway, onPoll: () => void = () => {}): Promise<string> {
    let text = '';
    await vi.waitFor(
      async () => {
        onPoll();
        text = await gateway.metrics();
        expect(sample(text, 'nvote_inflight_requests', {}), 'calls in flight').toBe(0);
        expect(sample(text, 'nvote_settling_requests', {}), 'calls with stragglers still running').toBe(0);
      },
      { timeout: 20_000, interval: 50 },
    );
    return text;
  }

  it('answers 300 calls correctly while one version crashes its worker on every task', { timeout: 60_000 }, async () => {
    const WARM_UP_CALLS = 50;
    const STORM_CALLS = 300;
    const HEAP_GROWTH_LIMIT_BYTES = 20 * 1024 * 1024;
    // Measured before the storm, every worker is counted. Beyond them, a pool slot can hold one
    // worker being terminated (after an aborted task) while its replacement starts: a worker's
    // thread is gone before piscina hears that it exited, so crashes add nothing. The slack
    // covers helper threads that Node may start lazily (libuv pool, V8 platform).
    const THREAD_SLACK = 3;
    const threadBound = (before: number): number => before + VERSIONS.length * THREADS_PER_VERSION + THREAD_SLACK;

    // A straggler grace as long as the budget, so that the crashing version's tasks wait for a
    // worker and crash it instead of being stopped as stragglers: as many crashes as can be had.
    await using gateway = await startStormGateway({ defaultTimeoutMs: 4_000, stragglerGraceMs: 4_000 });
    const failures: string[] = [];
    let threadsDuring = 0;
    const sampleThreads = (): void => {
      threadsDuring = Math.max(threadsDuring, osThreads());
    };
    // A crash planned on every call: a straggler not yet started when its vote is decided is
    // dropped (it would cost nothing, and crash nothing), a fault the call's metadata plants always runs.
    const crashPlanned = faultMetadata('crash fixture-exits');
    const sortAndSample = async (): Promise<void> => {
      const failure = await sortOnce(gateway, undefined, crashPlanned);
      if (failure !== undefined) failures.push(failure);
      sampleThreads();
    };

    await runBounded(WARM_UP_CALLS, CONCURRENCY, sortAndSample);
    const warm = await settled(gateway, sampleThreads);
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const threadsBefore = osThreads();
    threadsDuring = threadsBefore;
    const lostBefore = count(warm, 'nvote_worker_restarts_total', crashing);
    const crashesBefore = count(warm, 'nvote_version_results_total', { ...crashing, verdict: 'crash' });

    const stormStarted = performance.now();
    await runBounded(STORM_CALLS, CONCURRENCY, sortAndSample);
    const after = await settled(gateway, sampleThreads);
    const stormSeconds = (performance.now() - stormStarted) / 1000;
    const threadsAfter = osThreads();
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    const lost = count(after, 'nvote_worker_restarts_total', crashing);
    const crashes = count(after, 'nvote_version_results_total', { ...crashing, verdict: 'crash' });
    const timeouts = count(after, 'nvote_version_results_total', { ...crashing, verdict: 'timeout' });
    const crashesInStorm = crashes - crashesBefore;
    const figures =
      `threads before/during/after the storm ${threadsBefore}/${threadsDuring}/${threadsAfter} ` +
      `(bound ${threadBound(threadsBefore)}), heap growth ${(heapGrowth / 1024 / 1024).toFixed(2)} MB, ` +
      `${crashesInStorm} crashes (${lost - lostBefore} workers lost) in ${stormSeconds.toFixed(1)} s = ` +
      `${Math.round((crashesInStorm * 60) / stormSeconds)} crashes per minute`;

    expect(failures, figures).toEqual([]);
    expect(threadsDuring, figures).toBeLessThanOrEqual(threadBound(threadsBefore));
    expect(threadsAfter, figures).toBeLessThanOrEqual(threadBound(threadsBefore));
    expect(heapGrowth, figures).toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);

    // Each task of the crashing version either ran and took its worker down (crash) or gave up
    // waiting for a replacement (timeout). Every crash is a lost worker; so is a timeout that
    // aborts a task already handed to a worker, hence at least, not exactly.
    const total = WARM_UP_CALLS + STORM_CALLS;
    expect(crashes + timeouts, figures).toBe(total);
    expect(crashesInStorm, figures).toBeGreaterThan(0);
    expect(lost, figures).toBeGreaterThanOrEqual(crashes);
    expect(lost, figures).toBeLessThanOrEqual(total);
    for (const healthy of ['sort-merge', 'sort-heap']) {
      expect(count(after, 'nvote_version_results_total', { method: 'Sort', version: healthy, verdict: 'agree' })).toBe(total);
      expect(count(after, 'nvote_worker_restarts_total', { method: 'Sort', version: healthy })).toBe(0);
    }
    expect(count(after, 'nvote_votes_total', { method: 'Sort', outcome: 'majority' })).toBe(total);

    expect(await healthOf(gateway.address, '')).toBe('SERVING');
    expect(await healthOf(gateway.address, 'nvote.v1.ComputeService')).toBe('SERVING');
    await expectSortStillWorks(gateway);
  });

  it('replaces every lost worker, storm after storm', { timeout: 60_000 }, async () => {
    // Budgets that can end while a worker is still starting, so that some tasks are aborted on a
    // worker that never became ready. (piscina 5.3.2 then sets `workerFailsDuringBootstrap` and
    // from there on replaces a dead worker only when a task is queued, so an idle pool shrinks
    // with every crash.) Only the pool matters here: with such budgets, the first calls of a
    // storm may lose their quorum while the healthy versions start.
    await using gateway = await startStormGateway({ defaultTimeoutMs: 1_000, stragglerGraceMs: 1_000 });
    for (let storm = 1; storm <= 4; storm++) {
      await runBounded(100, CONCURRENCY, async () => {
        await sortOnce(gateway);
      });
      await settled(gateway);
      // Then one crash on a quiet pool, with a deadline (and so a budget) that the healthy
      // versions cannot miss.
      expect(await sortOnce(gateway, DEADLINE_MS)).toBeUndefined();
      await settled(gateway);
      await vi.waitFor(
        async () => {
          const alive = count(await gateway.metrics(), 'nvote_pool_threads', crashing);
          expect(alive, `fixture-exits workers alive after storm ${storm}`).toBe(THREADS_PER_VERSION);
        },
        { timeout: 8_000, interval: 50 },
      );
    }
  });
});
