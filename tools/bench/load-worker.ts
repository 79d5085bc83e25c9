/**
 * The load generator, run as a worker thread so that encoding, decoding and bookkeeping on the
 * client side never share an event loop with the server being measured.
 *
 * - closed: `concurrency` loops, each sending its next request as soon as the previous one
 *   answered; throughput is the server's rate.
 * - open: requests sent at fixed intended times whatever the answers, latency measured from the
 *   intended send time (so queueing shows, coordinated omission cannot hide it), and the
 *   generator's own lag behind its schedule reported.
 * - sequential: one call at a time, a fixed number of them (for requests that take long).
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import * as hdr from 'hdr-histogram-js';
import { ComputeServiceClient, type SortRequest, type StatisticsRequest } from '../../voter/gen/nvote/v1/compute_service.js';
import { doubleValues, int64Values } from './seeded-values.js';
import { cpuMsOf, currentThread, type CpuSubject } from './thread-cpu.js';

export type Workload = { readonly method: 'Sort'; readonly values: number } | { readonly method: 'Statistics'; readonly values: number };

export type Pacing =
  | {
      readonly kind: 'closed';
      readonly concurrency: number;
      readonly warmupMs: number;
      readonly durationMs: number;
      /** The window goes on past durationMs until this many calls completed in it... */
      readonly minCompletions: number;
      /** ...but never past this (ms). */
      readonly maxDurationMs: number;
    }
  | { readonly kind: 'open'; readonly ratePerSecond: number; readonly warmupMs: number; readonly durationMs: number }
  | { readonly kind: 'sequential'; readonly warmupCalls: number; readonly calls: number };

export interface LoadSpec {
  readonly target: string;
  readonly workload: Workload;
  readonly pacing: Pacing;
  readonly channels: number;
  /** Same seed for both servers, so both serve exactly the same requests in the same order. */
  readonly seed: number;
  readonly callTimeoutMs: number;
  readonly maxMessageBytes: number;
  /** The server's process or thread, whose CPU time over a closed loop's window is reported. */
  readonly serverCpu?: CpuSubject;
}

export interface Latency {
  /** Microseconds; NaN without a successful call. */
  readonly p50Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
}

/** How well an open-loop generator kept its schedule. */
export interface Schedule {
  readonly targetPerSecond: number;
  /** Requests whose intended send time fell in the measured window. */
  readonly intended: number;
  /** Requests actually sent during the measured window, per second. */
  readonly sentPerSecond: number;
  /** How late sends were against their intended times, over the measured window. */
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
}

export interface LoadResult {
  /** Successful calls measured (closed: completed in the window; open: intended in the window). */
  readonly ok: number;
  /** Failures measured, by gRPC status name (BAD_RESPONSE: an answer of the wrong size). */
  readonly errors: Readonly<Record<string, number>>;
  /** Successful responses per second: completed in the window (closed, open), or over the calls (sequential). */
  readonly requestsPerSecond: number;
  /** Of successful calls only; from the intended send time in an open loop. */
  readonly latency: Latency;
  /** The measured window (ms); a closed loop's may be longer than asked (Pacing). */
  readonly measuredMs: number;
  /** CPU time over a closed loop's window (ms): the server's (spec.serverCpu) and this generator's own thread. */
  readonly cpu?: { readonly serverMs: number; readonly generatorMs: number };
  readonly schedule?: Schedule;
}

// Requests are generated before the clock starts and cycled through; at most this many values in
// all, so that 100,000-value sorts do not hold gigabytes of BigInts.
const DISTINCT_REQUESTS = 512;
const VALUE_BUDGET = 1_000_000;
const HISTOGRAM = { lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 } as const;

type Call = (client: ComputeServiceClient, index: number) => Promise<string | undefined>;

/** One call per index, cycling through the pre-built requests; resolves with the failure's name, never rejects. */
function callsOf(spec: LoadSpec): Call {
  const { workload, seed } = spec;
  const distinct = Math.max(1, Math.min(DISTINCT_REQUESTS, Math.floor(VALUE_BUDGET / Math.max(1, workload.values))));
  const deadline = (): { deadline: number } => ({ deadline: Date.now() + spec.callTimeoutMs });
  const failure = (error: ServiceError): string => status[error.code] ?? `CODE_${error.code}`;
  if (workload.method === 'Sort') {
    const values = int64Values(seed, workload.values * distinct);
    const requests: SortRequest[] = Array.from({ length: distinct }, (_, i) => ({
      values: values.slice(i * workload.values, (i + 1) * workload.values),
    }));
    return (client, index) => {
      const request = requests[index % requests.length] as SortRequest;
      return new Promise(resolve => {
        client.sort(request, new Metadata(), deadline(), (error, response) => {
          if (error !== null) resolve(failure(error));
          else resolve(response.values.length === request.values.length ? undefined : 'BAD_RESPONSE');
        });
      });
    };
  }
  const values = doubleValues(seed, workload.values * distinct);
  const requests: StatisticsRequest[] = Array.from({ length: distinct }, (_, i) => ({
    values: values.slice(i * workload.values, (i + 1) * workload.values),
  }));
  return (client, index) => {
    const request = requests[index % requests.length] as StatisticsRequest;
    return new Promise(resolve => {
      client.statistics(request, new Metadata(), deadline(), (error, response) => {
        if (error !== null) resolve(failure(error));
        else resolve(response.count === BigInt(request.values.length) ? undefined : 'BAD_RESPONSE');
      });
    });
  };
}

function waitForReady(client: ComputeServiceClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + timeoutMs, error => (error ? reject(error) : resolve()));
  });
}

/** Successes' latencies and failures' names, for whatever the pacing counts as measured. */
class Tally {
  readonly histogram = hdr.build(HISTOGRAM);
  readonly errors: Record<string, number> = {};
  ok = 0;

  record(failure: string | undefined, latencyMs: number): void {
    if (failure === undefined) {
      this.ok++;
      this.histogram.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
    } else {
      this.errors[failure] = (this.errors[failure] ?? 0) + 1;
    }
  }

  latency(): Latency {
    const at = (percentile: number): number => (this.ok > 0 ? this.histogram.getValueAtPercentile(percentile) : Number.NaN);
    return { p50Us: at(50), p99Us: at(99), p999Us: at(99.9), maxUs: this.ok > 0 ? this.histogram.maxValue : Number.NaN };
  }
}

async function closedLoop(
  pacing: Extract<Pacing, { kind: 'closed' }>,
  clients: readonly ComputeServiceClient[],
  call: Call,
  serverCpu: CpuSubject | undefined,
): Promise<LoadResult> {
  const tally = new Tally();
  const measureFrom = performance.now() + pacing.warmupMs;
  const cpu = cpuWindow(serverCpu);
  const cpuStart = setTimeout(cpu.start, pacing.warmupMs);
  const minEnd = measureFrom + pacing.durationMs;
  const maxEnd = measureFrom + Math.max(pacing.durationMs, pacing.maxDurationMs);
  // Throughput counts completions inside the window, whenever they were sent: in a closed loop
  // that is the server's rate, without losing the calls that straddle a boundary. When calls take
  // about as long as the window, completions come in bursts of `concurrency`, and a fixed window
  // would count zero, one or two bursts by chance: it lasts until whole cycles have completed.
  let measureTo = Infinity;
  let completions = 0;
  const endWindow = (at: number): void => {
    if (measureTo === Infinity) cpu.stop();
    measureTo = Math.min(measureTo, at);
  };
  const cap = setTimeout(() => endWindow(maxEnd), maxEnd - performance.now());
  const loop = async (index: number): Promise<void> => {
    const client = clients[index % clients.length] as ComputeServiceClient;
    for (let next = index; performance.now() < measureTo; next += pacing.concurrency) {
      const sent = performance.now();
      const failure = await call(client, next);
      const done = performance.now();
      if (done < measureFrom || done > measureTo) continue;
      tally.record(failure, done - sent);
      completions++;
      if ((done >= minEnd && completions >= pacing.minCompletions) || done >= maxEnd) endWindow(done);
    }
  };
  await Promise.all(Array.from({ length: pacing.concurrency }, (_, index) => loop(index)));
  clearTimeout(cap);
  clearTimeout(cpuStart);
  const measuredMs = Math.min(measureTo, maxEnd) - measureFrom;
  const used = cpu.used();
  const result: LoadResult = {
    ok: tally.ok,
    errors: tally.errors,
    requestsPerSecond: tally.ok / (measuredMs / 1000),
    latency: tally.latency(),
    measuredMs,
    ...(used === undefined ? {} : { cpu: used }),
  };
  tally.histogram.destroy();
  return result;
}

/** The CPU the server and this thread use between start() and stop(); undefined unless both were read. */
function cpuWindow(server: CpuSubject | undefined) {
  const generator = currentThread();
  let startedAt: { server: number; generator: number } | undefined;
  let used: { serverMs: number; generatorMs: number } | undefined;
  const read = (): { server: number; generator: number } | undefined => {
    const serverMs = server === undefined ? undefined : cpuMsOf(server);
    const generatorMs = generator === undefined ? undefined : cpuMsOf(generator);
    return serverMs === undefined || generatorMs === undefined ? undefined : { server: serverMs, generator: generatorMs };
  };
  return {
    start: (): void => {
      startedAt = read();
    },
    stop: (): void => {
      const now = read();
      if (startedAt !== undefined && now !== undefined) used = { serverMs: now.server - startedAt.server, generatorMs: now.generator - startedAt.generator };
    },
    used: () => used,
  };
}

async function openLoop(pacing: Extract<Pacing, { kind: 'open' }>, clients: readonly ComputeServiceClient[], call: Call): Promise<LoadResult> {
  const tally = new Tally();
  const lag = hdr.build(HISTOGRAM);
  const intervalMs = 1000 / pacing.ratePerSecond;
  const start = performance.now();
  const measureFrom = start + pacing.warmupMs;
  const measureTo = measureFrom + pacing.durationMs;
  const total = Math.ceil((pacing.warmupMs + pacing.durationMs) / intervalMs);
  const inFlight: Promise<void>[] = [];
  let intended = 0;
  let sentInWindow = 0;
  let completedInWindow = 0;
  let lagMaxMs = 0;

  const send = (index: number, intendedAt: number): Promise<void> => {
    const sentAt = performance.now();
    const measured = intendedAt >= measureFrom && intendedAt < measureTo;
    if (sentAt >= measureFrom && sentAt < measureTo) sentInWindow++;
    if (measured) {
      intended++;
      lag.recordValue(Math.max(1, Math.round((sentAt - intendedAt) * 1000)));
      lagMaxMs = Math.max(lagMaxMs, sentAt - intendedAt);
    }
    return call(clients[index % clients.length] as ComputeServiceClient, index).then(failure => {
      const done = performance.now();
      if (failure === undefined && done >= measureFrom && done < measureTo) completedInWindow++;
      if (measured) tally.record(failure, done - intendedAt);
    });
  };

  // Timers, not a busy loop: on two cores a spinning generator would take a core from the server.
  // Every request due by now is sent at once, so a late timer delays sends but never drops them.
  await new Promise<void>(resolve => {
    let next = 0;
    const tick = (): void => {
      while (next < total && start + next * intervalMs <= performance.now()) {
        inFlight.push(send(next, start + next * intervalMs));
        next++;
      }
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);

  const result: LoadResult = {
    ok: tally.ok,
    errors: tally.errors,
    requestsPerSecond: completedInWindow / (pacing.durationMs / 1000),
    latency: tally.latency(),
    measuredMs: pacing.durationMs,
    schedule: {
      targetPerSecond: pacing.ratePerSecond,
      intended,
      sentPerSecond: sentInWindow / (pacing.durationMs / 1000),
      lagP99Ms: intended > 0 ? lag.getValueAtPercentile(99) / 1000 : Number.NaN,
      lagMaxMs,
    },
  };
  tally.histogram.destroy();
  lag.destroy();
  return result;
}

async function sequential(pacing: Extract<Pacing, { kind: 'sequential' }>, client: ComputeServiceClient, call: Call): Promise<LoadResult> {
  const tally = new Tally();
  let measuredMs = 0;
  for (let index = 0; index < pacing.warmupCalls + pacing.calls; index++) {
    const sent = performance.now();
    const failure = await call(client, index);
    const elapsed = performance.now() - sent;
    if (index < pacing.warmupCalls) continue;
    tally.record(failure, elapsed);
    measuredMs += elapsed;
  }
  const result = { ok: tally.ok, errors: tally.errors, requestsPerSecond: tally.ok / (measuredMs / 1000), latency: tally.latency(), measuredMs };
  tally.histogram.destroy();
  return result;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const call = callsOf(spec);
  // grpc-js shares one connection among clients to the same target unless each has its own
  // subchannel pool; several connections are what a real fleet of callers looks like.
  const clients = Array.from(
    { length: spec.channels },
    () =>
      new ComputeServiceClient(spec.target, credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
        'grpc.max_send_message_length': spec.maxMessageBytes,
        'grpc.max_receive_message_length': spec.maxMessageBytes,
      }),
  );
  try {
    await Promise.all(clients.map(client => waitForReady(client, 10_000)));
    const { pacing } = spec;
    if (pacing.kind === 'closed') return await closedLoop(pacing, clients, call, spec.serverCpu);
    if (pacing.kind === 'open') return await openLoop(pacing, clients, call);
    return await sequential(pacing, clients[0] as ComputeServiceClient, call);
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
