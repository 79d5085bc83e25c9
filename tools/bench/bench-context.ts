import type { GatewayProcess } from '../campaign/gateway-process.js';
import type { BenchOptions } from './bench-options.js';
import { drainGateway } from './drain-gateway.js';
import type { LoadResult, Pacing, Workload } from './load-worker.js';
import { summarize } from './format.js';
import { measureLoad } from './measure-load.js';

export const SEED = 20_240_601;
// Both servers get the same message limit (the gateway's default), set here for both and for the
// clients: a Statistics request of 1,000,000 doubles is 8 MB.
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const MAX_CHANNELS = 8;
const CALL_TIMEOUT_MS = 10_000;
// Generous: 8 MB each way, three versions and a vote on two busy cores.
const LARGE_CALL_TIMEOUT_MS = 60_000;
const LARGE_REQUEST_VALUES = 100_000;

/** A server under measurement: the plain baseline, or a gateway process (drained after each round). */
export interface Server {
  readonly label: string;
  readonly address: string;
  readonly gateway?: GatewayProcess;
}

export interface BenchContext {
  readonly options: BenchOptions;
  readonly plain: Server;
  progress(text: string): void;
  /** The longest a gateway took to settle its stragglers after a round (ms). */
  longestDrainMs: number;
}

export const SORT_16: Workload = { method: 'Sort', values: 16 };

// A closed-loop window lasts --duration-ms and then until two cycles of the concurrency have
// completed in it, at most this many times --duration-ms.
const WINDOW_CYCLES = 2;
const WINDOW_STRETCH = 3;

export function closedLoop(options: BenchOptions, concurrency: number): Pacing {
  return {
    kind: 'closed',
    concurrency,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    minCompletions: WINDOW_CYCLES * concurrency,
    maxDurationMs: WINDOW_STRETCH * options.durationMs,
  };
}

export const CLOSED_WINDOW_RULE = `a closed-loop window lasts the duration, then until ${WINDOW_CYCLES} x concurrency calls completed in it (at most ${WINDOW_STRETCH}x the duration)`;

/**
 * One round against one server with the same seeded requests every server gets; a gateway is
 * then drained, so that its stragglers do not land on the next round.
 */
export async function measureRound(context: BenchContext, server: Server, workload: Workload, pacing: Pacing): Promise<LoadResult> {
  const concurrency = pacing.kind === 'closed' ? pacing.concurrency : pacing.kind === 'open' ? MAX_CHANNELS : 1;
  const result = await measureLoad({
    target: server.address,
    workload,
    pacing,
    channels: Math.min(concurrency, MAX_CHANNELS),
    seed: SEED,
    callTimeoutMs: workload.values >= LARGE_REQUEST_VALUES ? LARGE_CALL_TIMEOUT_MS : CALL_TIMEOUT_MS,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    // A gateway's CPU is its whole process (event loop and version threads); the plain server's
    // is the bench's main thread, where it runs (the generator has a thread of its own).
    serverCpu: server.gateway === undefined ? { pid: process.pid, tid: process.pid } : { pid: server.gateway.pid },
  });
  if (server.gateway !== undefined) context.longestDrainMs = Math.max(context.longestDrainMs, await drainGateway(server.gateway));
  return result;
}

/** ABBA: whichever side goes second in one round goes first in the next, so slow drift in the machine's load favours neither. */
export function abba<T>(round: number, first: T, second: T): readonly [T, T] {
  return round % 2 === 0 ? [first, second] : [second, first];
}

/** Every round of each side, in the order measured. */
export interface PairedRounds {
  readonly plain: readonly LoadResult[];
  readonly nvote: readonly LoadResult[];
}

/** `--rounds` rounds of the same load against the plain server and `nvote`, ABBA, with progress under `label`. */
export async function measurePair(context: BenchContext, nvote: Server, workload: Workload, pacing: Pacing, label: string): Promise<PairedRounds> {
  const plain: LoadResult[] = [];
  const voted: LoadResult[] = [];
  for (let round = 0; round < context.options.rounds; round++) {
    for (const server of abba(round, context.plain, nvote)) {
      context.progress(`${label}, round ${round + 1}/${context.options.rounds}: ${server.label} ...`);
      const result = await measureRound(context, server, workload, pacing);
      (server === context.plain ? plain : voted).push(result);
      context.progress(`  ${summarize(result)}`);
    }
  }
  return { plain, nvote: voted };
}

/** The round with the highest throughput. */
export function best(results: readonly LoadResult[]): LoadResult {
  const [first, ...rest] = results;
  if (first === undefined) throw new RangeError('no rounds measured');
  return rest.reduce((top, result) => (result.requestsPerSecond > top.requestsPerSecond ? result : top), first);
}

/**
 * Unrecorded load on a server just started (twice the warm-up): its first measured round would
 * otherwise also pay for JIT compilation in every worker, and that round may be either side's.
 */
export async function prime(context: BenchContext, server: Server): Promise<void> {
  const durationMs = 2 * context.options.warmupMs;
  if (durationMs === 0) return;
  context.progress(`priming ${server.label} with ${durationMs} ms of unrecorded load`);
  await measureRound(context, server, SORT_16, { kind: 'closed', concurrency: 16, warmupMs: 0, durationMs, minCompletions: 0, maxDurationMs: durationMs });
}
