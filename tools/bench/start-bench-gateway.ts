import { setTimeout as sleep } from 'node:timers/promises';
import { startGatewayProcess } from '../campaign/gateway-process.js';
import { awaitServing } from './await-serving.js';
import type { BenchContext, Server } from './bench-context.js';
import { MAX_MESSAGE_BYTES } from './bench-context.js';

// The compiled gateway next to this compiled bench, met over gRPC like any client meets it.
const GATEWAY_MAIN = new URL('../../voter/main.js', import.meta.url).pathname;
const SERVING_LIMIT_MS = 30_000;
// Piscina starts its threads asynchronously; measuring while they boot would charge their
// start-up to whichever server happens to run first.
const SETTLE_MS = 1_000;

export interface BenchGateway extends Server {
  readonly gateway: NonNullable<Server['gateway']>;
  /** How long from spawn to SERVING (ms). */
  readonly startMs: number;
}

/**
 * A compiled gateway in its own process with `config` (the message limit added), once its health
 * says every method is SERVING and its pools have had a moment to settle.
 */
export async function startBenchGateway(
  context: BenchContext,
  label: string,
  config: Readonly<Record<string, unknown>>,
  description: string,
): Promise<BenchGateway> {
  const started = performance.now();
  context.progress(`starting a gateway process (${description})`);
  const gateway = await startGatewayProcess({ main: GATEWAY_MAIN, waitForVersions: true, config: { maxMessageBytes: MAX_MESSAGE_BYTES, ...config } });
  try {
    await awaitServing(gateway.grpc, 'nvote.v1.ComputeService', SERVING_LIMIT_MS);
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  const startMs = performance.now() - started;
  context.progress(`  ${label} (${description}) on ${gateway.grpc} (pid ${gateway.pid}) SERVING after ${startMs.toFixed(0)} ms; settling ${SETTLE_MS} ms`);
  await sleep(SETTLE_MS);
  return { label, address: gateway.grpc, gateway, startMs };
}

/** Why a gateway did not start, in one line for a report row: its configuration problems when it listed them. */
export function whyNotStarted(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map(line => line.trim()).filter(line => line !== '');
  // The gateway lists every configuration problem as "  - field: problem" (exit 2).
  const problems = lines.filter(line => line.startsWith('- ')).map(line => line.slice(2));
  if (problems.length === 0) return lines[0] ?? 'unknown reason';
  // Several unknown versions repeat the same "(known: ...)" list: said once, at the end.
  const known = /\s\(known: [^)]*\)$/.exec(problems[0] ?? '')?.[0];
  const shared = known !== undefined && problems.every(problem => problem.endsWith(known));
  const listed = shared ? problems.map(problem => problem.slice(0, -known.length)) : problems;
  return `configuration refused: ${listed.join('; ')}${shared ? known : ''}`;
}
