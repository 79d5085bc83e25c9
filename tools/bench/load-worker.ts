/**
 * The load generator, run as a worker thread so that encoding, decoding and bookkeeping on the
 * client side never share an event loop with the server being measured.
 *
 * Closed loop: `concurrency` loops, each sending its next request as soon as the previous one
 * answered, spread over `channels` separate HTTP/2 connections.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import * as hdr from 'hdr-histogram-js';
import { ComputeServiceClient, type SortRequest } from '../../voter/gen/nvote/v1/compute_service.js';

export interface LoadSpec {
  readonly target: string;
  readonly concurrency: number;
  readonly channels: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly values: number;
  /** Same seed for both servers, so both sort exactly the same requests in the same order. */
  readonly seed: number;
  readonly callTimeoutMs: number;
}

export interface LoadResult {
  /** Successful responses that completed inside the measured window. */
  readonly ok: number;
  /** Failures inside the measured window by gRPC status name (BAD_RESPONSE: wrong length). */
  readonly errors: Readonly<Record<string, number>>;
  readonly requestsPerSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

// Cycled through, so that generating values never lands inside the measured loop.
const DISTINCT_REQUESTS = 512;

/** splitmix64: reproducible int64 values over the full signed range. */
function* int64s(seed: number): Generator<bigint, never> {
  let state = BigInt(seed);
  for (;;) {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    yield BigInt.asIntN(64, z ^ (z >> 31n));
  }
}

function makeRequests(spec: LoadSpec): SortRequest[] {
  const source = int64s(spec.seed);
  return Array.from({ length: DISTINCT_REQUESTS }, () => ({
    values: Array.from({ length: spec.values }, () => source.next().value),
  }));
}

function waitForReady(client: ComputeServiceClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + timeoutMs, error => (error ? reject(error) : resolve()));
  });
}

/** Resolves with the failure's name, or undefined on a plausible response; never rejects. */
function sortOnce(client: ComputeServiceClient, request: SortRequest, timeoutMs: number): Promise<string | undefined> {
  return new Promise(resolve => {
    client.sort(request, new Metadata(), { deadline: Date.now() + timeoutMs }, (error: ServiceError | null, response) => {
      if (error !== null) resolve(status[error.code] ?? `CODE_${error.code}`);
      else resolve(response.values.length === request.values.length ? undefined : 'BAD_RESPONSE');
    });
  });
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const requests = makeRequests(spec);
  // grpc-js shares one connection among clients to the same target unless each has its own
  // subchannel pool; several connections are what a real fleet of callers looks like.
  const clients = Array.from(
    { length: spec.channels },
    () => new ComputeServiceClient(spec.target, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }),
  );
  try {
    await Promise.all(clients.map(client => waitForReady(client, 10_000)));

    const histogram = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 60_000_000,
      numberOfSignificantValueDigits: 3,
    });
    const errors: Record<string, number> = {};
    let ok = 0;
    const measureFrom = performance.now() + spec.warmupMs;
    const measureTo = measureFrom + spec.durationMs;

    // Throughput counts completions inside the window, whenever they were sent: in a closed loop
    // that is the server's rate, without losing the calls that straddle a boundary.
    const loop = async (index: number): Promise<void> => {
      const client = clients[index % clients.length] as ComputeServiceClient;
      let next = index;
      while (performance.now() < measureTo) {
        const request = requests[next % requests.length] as SortRequest;
        next += spec.concurrency;
        const sent = performance.now();
        const failure = await sortOnce(client, request, spec.callTimeoutMs);
        const done = performance.now();
        if (done < measureFrom || done > measureTo) continue;
        if (failure === undefined) {
          ok++;
          histogram.recordValue(Math.max(1, Math.round((done - sent) * 1000)));
        } else {
          errors[failure] = (errors[failure] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, (_, index) => loop(index)));

    const result: LoadResult = {
      ok,
      errors,
      requestsPerSecond: ok / (spec.durationMs / 1000),
      p50Us: ok > 0 ? histogram.getValueAtPercentile(50) : Number.NaN,
      p99Us: ok > 0 ? histogram.getValueAtPercentile(99) : Number.NaN,
      maxUs: ok > 0 ? histogram.maxValue : Number.NaN,
    };
    histogram.destroy();
    return result;
  } finally {
    for (const client of clients) client.close();
  }
}

if (parentPort !== null) {
  const port = parentPort;
  run(workerData as LoadSpec).then(
    result => port.postMessage({ kind: 'result', result }),
    (error: unknown) => port.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
}
