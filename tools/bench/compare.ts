/**
 * Side-by-side throughput and latency of Sort served by (a) a plain grpc-js server that sorts
 * inline with one version and (b) the compiled nvote gateway in a process of its own, which runs
 * every version in its own worker pool and votes. Same client, same requests; rounds interleaved.
 *
 *   npm run bench -- --duration-ms 3000 --warmup-ms 1000 --concurrency 1,64 --values 16 --rounds 2
 */
import { cpus, loadavg, platform, arch } from 'node:os';
import { relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Client, credentials } from '@grpc/grpc-js';
import { unaryCall } from '../../client/index.js';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';
import { startGatewayProcess, type GatewayProcess } from '../campaign/gateway-process.js';
import type { LoadResult, LoadSpec } from './load-worker.js';
import { startPlainServer, type PlainServer } from './plain-server.js';

const USAGE = `usage: node dist/tools/bench/compare.js [--duration-ms N] [--warmup-ms N] [--concurrency N,N,...] [--values N] [--rounds N]
  --duration-ms  measured time per round and server (default 3000)
  --warmup-ms    unrecorded load before each measured round (default 1000)
  --concurrency  closed-loop callers in flight, comma-separated levels (default 1,64)
  --values       int64 values per Sort request (default 16)
  --rounds       rounds per server and level, in ABBA order; the best is reported (default 2)`;

const MAX_CHANNELS = 8;
const CALL_TIMEOUT_MS = 10_000;
const SEED = 20_240_601;
// Piscina starts its threads asynchronously; measuring while 16 of them boot would charge their
// start-up to whichever server happens to run first.
const GATEWAY_SETTLE_MS = 1_000;
const DRAIN_LIMIT_MS = 30_000;
// Both servers get the same message limit (the gateway's default), set here for both.
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
// The compiled gateway next to this compiled bench, met over gRPC like any client meets it.
const GATEWAY_MAIN = new URL('../../voter/main.js', import.meta.url).pathname;

interface Options {
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly concurrency: readonly number[];
  readonly values: number;
  readonly rounds: number;
}

type Side = 'plain' | 'nvote';
const LABEL: Readonly<Record<Side, string>> = { plain: '(a) plain', nvote: '(b) nvote' };

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      'duration-ms': { type: 'string', default: '3000' },
      'warmup-ms': { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '1,64' },
      values: { type: 'string', default: '16' },
      rounds: { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const integer = (flag: string, text: string | undefined, min: number, max: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`--${flag}: "${text ?? ''}" is not an integer from ${min} to ${max}`);
    }
    return value;
  };
  const levels = (values.concurrency ?? '').split(',').map(level => integer('concurrency', level.trim(), 1, 1_000));
  return {
    durationMs: integer('duration-ms', values['duration-ms'], 100, 600_000),
    warmupMs: integer('warmup-ms', values['warmup-ms'], 0, 600_000),
    concurrency: [...new Set(levels)],
    values: integer('values', values.values, 0, 100_000),
    rounds: integer('rounds', values.rounds, 1, 20),
  };
}

/** One measured round in a fresh worker; the watchdog keeps a wedged server from hanging the bench. */
function measure(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: spec });
    let outcome: { result: LoadResult } | { error: Error } | undefined;
    const watchdog = setTimeout(
      () => {
        outcome = { error: new Error(`load worker for ${spec.target} did not finish in time`) };
        void worker.terminate();
      },
      spec.warmupMs + spec.durationMs + CALL_TIMEOUT_MS + 20_000,
    );
    worker.on('message', (message: { kind: 'result'; result: LoadResult } | { kind: 'failed'; message: string }) => {
      outcome ??= message.kind === 'result' ? { result: message.result } : { error: new Error(message.message) };
    });
    worker.on('error', error => {
      outcome ??= { error };
    });
    // Waiting for exit, not just the message, means its channels are closed before the next round.
    worker.on('exit', code => {
      clearTimeout(watchdog);
      if (outcome === undefined) reject(new Error(`load worker exited with code ${code} and no result`));
      else if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.result);
    });
  });
}

/**
 * The gateway answers on an early majority and lets slower versions run on, so its work outlives
 * the round that caused it. Waiting for `nvote_inflight_requests` to reach 0 keeps that leftover
 * work from landing on the next round, which may belong to the other server.
 */
async function drainGateway(gateway: GatewayProcess): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < DRAIN_LIMIT_MS) {
    const inFlight = await gateway.metricSum('nvote_inflight_requests');
    if (inFlight === undefined) throw new Error('the gateway has no nvote_inflight_requests gauge on its /metrics');
    if (inFlight === 0) return performance.now() - started;
    await sleep(20);
  }
  throw new Error(`the gateway still had calls in flight ${DRAIN_LIMIT_MS} ms after the clients stopped`);
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function formatMs(us: number): string {
  return Number.isNaN(us) ? '-' : (us / 1000).toFixed(3);
}

function formatErrors(results: readonly LoadResult[]): string {
  const total = new Map<string, number>();
  for (const result of results) {
    for (const [name, count] of Object.entries(result.errors)) total.set(name, (total.get(name) ?? 0) + count);
  }
  return total.size === 0 ? '0' : [...total].map(([name, count]) => `${name}:${count}`).join(' ');
}

function best(results: readonly LoadResult[]): LoadResult {
  const [first, ...rest] = results;
  if (first === undefined) throw new RangeError('no rounds measured');
  return rest.reduce((top, result) => (result.requestsPerSecond > top.requestsPerSecond ? result : top), first);
}

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map(row => (row[column] ?? '').length))) ?? [];
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return rightAligned.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const [header, ...body] = rows;
  if (header === undefined) return '';
  const rule = widths.map(width => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

function commandLine(): string {
  const quote = (word: string): string => (/^[\w./,:=@-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
  const args = process.argv.slice(2);
  const script = relative(process.cwd(), process.argv[1] ?? '');
  const direct = ['node', ...process.execArgv, script, ...args].map(quote).join(' ');
  if (process.env['npm_lifecycle_event'] !== 'bench') return direct;
  const npm = ['npm', 'run', 'bench', ...(args.length > 0 ? ['--', ...args] : [])].map(quote).join(' ');
  return `${npm}   (runs: ${direct})`;
}

function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const [cpu] = cpus();
  const loadAtStart = loadavg().map(load => load.toFixed(2)).join(' ');

  let gateway: GatewayProcess | undefined;
  let plain: PlainServer | undefined;
  const results = new Map<string, LoadResult[]>();
  let longestDrainMs = 0;
  let sortVersions: number | string = '?';
  try {
    progress('starting the compiled nvote gateway (a pool per version of every built-in method)');
    gateway = await startGatewayProcess({ main: GATEWAY_MAIN, waitForVersions: true, config: { maxMessageBytes: MAX_MESSAGE_BYTES } });
    sortVersions = await sortVersionsOf(gateway.grpc);
    plain = await startPlainServer('127.0.0.1', MAX_MESSAGE_BYTES);
    const targets: Readonly<Record<Side, string>> = { plain: plain.address, nvote: gateway.grpc };
    progress(`(a) plain on ${plain.address}, (b) nvote on ${gateway.grpc} (pid ${gateway.pid}); settling ${GATEWAY_SETTLE_MS} ms`);
    await sleep(GATEWAY_SETTLE_MS);

    for (const concurrency of options.concurrency) {
      for (let round = 0; round < options.rounds; round++) {
        // ABBA: whichever side goes second in a pair gets it first in the next, so slow drift in
        // the machine's load does not favour one side.
        const order: readonly Side[] = round % 2 === 0 ? ['plain', 'nvote'] : ['nvote', 'plain'];
        for (const side of order) {
          progress(`concurrency ${concurrency}, round ${round + 1}/${options.rounds}: ${LABEL[side]} ...`);
          const result = await measure({
            target: targets[side],
            concurrency,
            channels: Math.min(concurrency, MAX_CHANNELS),
            warmupMs: options.warmupMs,
            durationMs: options.durationMs,
            values: options.values,
            seed: SEED,
            callTimeoutMs: CALL_TIMEOUT_MS,
          });
          const key = `${concurrency}/${side}`;
          results.set(key, [...(results.get(key) ?? []), result]);
          const drainMs = side === 'nvote' ? await drainGateway(gateway) : 0;
          longestDrainMs = Math.max(longestDrainMs, drainMs);
          progress(
            `  ${formatCount(result.requestsPerSecond)} req/s, p50 ${formatMs(result.p50Us)} ms, ` +
              `p99 ${formatMs(result.p99Us)} ms, errors ${formatErrors([result])}` +
              (side === 'nvote' ? `; straggler versions drained ${drainMs.toFixed(0)} ms after the clients stopped` : ''),
          );
        }
      }
    }
  } finally {
    progress('stopping');
    await plain?.stop();
    await gateway?.stop();
  }

  const rows: string[][] = [
    ['concurrency', 'server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'req/s of each round', '(b)/(a) req/s'],
  ];
  for (const concurrency of options.concurrency) {
    const plainRounds = results.get(`${concurrency}/plain`) ?? [];
    const nvoteRounds = results.get(`${concurrency}/nvote`) ?? [];
    const bestPlain = best(plainRounds);
    const bestNvote = best(nvoteRounds);
    const ratio = bestPlain.requestsPerSecond > 0 ? bestNvote.requestsPerSecond / bestPlain.requestsPerSecond : Number.NaN;
    for (const [side, rounds, top] of [
      ['plain', plainRounds, bestPlain],
      ['nvote', nvoteRounds, bestNvote],
    ] as const) {
      rows.push([
        side === 'plain' ? String(concurrency) : '',
        LABEL[side],
        formatCount(top.requestsPerSecond),
        formatMs(top.p50Us),
        formatMs(top.p99Us),
        formatMs(top.maxUs),
        formatErrors(rounds),
        rounds.map(result => formatCount(result.requestsPerSecond)).join(' / '),
        side === 'nvote' ? `${ratio.toFixed(3)}x` : '',
      ]);
    }
  }

  const out = [
    '',
    `nvote bench: Sort of ${options.values} random int64 values, closed-loop gRPC clients on ` +
      `min(concurrency, ${MAX_CHANNELS}) channels to 127.0.0.1`,
    `(a) plain grpc-js server, versions/sort/merge inline on the main thread; ` +
      `(b) nvote gateway in a process of its own, ${sortVersions} Sort versions in worker pools, exact vote`,
    `each round: ${options.warmupMs} ms warm-up (not recorded) + ${options.durationMs} ms measured; ` +
      `${options.rounds} rounds per server and level in ABBA order`,
    `req/s, p50, p99, max: the round with the higher throughput (best of ${options.rounds}); ` +
      `errors: summed over all rounds; latencies of successful calls only`,
    '',
    table(rows, new Set([0, 2, 3, 4, 5, 8])),
    '',
    `(b) answers once a majority of its versions agree; slower versions run on after the reply. ` +
      `After each (b) round the bench waited for them (longest: ${longestDrainMs.toFixed(0)} ms) before the next round.`,
    `command: ${commandLine()}`,
    `node ${process.version} on ${platform()} ${arch()}, ${cpus().length} CPUs (${cpu?.model.trim() ?? 'unknown'}), ` +
      `load average at start ${loadAtStart}; (a) runs in the bench's process, (b) in its own; ` +
      `the load generator runs in a worker thread of the bench`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

/** How many Sort versions the gateway votes over, from the report of one call. */
async function sortVersionsOf(address: string): Promise<number> {
  const client = new Client(address, credentials.createInsecure());
  try {
    const result = await unaryCall(client, ComputeServiceService.sort, { values: [2n, 1n] }, { deadlineMs: CALL_TIMEOUT_MS });
    if (result.report === undefined) throw new Error(`the gateway did not vote on a Sort (${result.status} ${result.details})`);
    return result.report.configuredVersions;
  } finally {
    client.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
