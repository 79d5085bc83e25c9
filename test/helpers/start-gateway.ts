import { credentials, Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { createApp, type App } from '../../voter/app.js';
import { resolveConfig, type ConfigInput } from '../../voter/config.js';
import * as nvoteClient from '../../client/index.js';
import type { ErrorInfo } from '../../voter/gen/google/rpc/error_details.js';
import { ComputeServiceClient } from '../../voter/gen/nvote/v1/compute_service.js';
import type { VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';
import { builtInMethods } from '../../voter/methods/built-in.js';
import type { AnyVotedMethod } from '../../voter/methods/voted-method.js';
import type { VoteObserver } from '../../voter/pipeline/index.js';

export interface GatewayOptions {
  readonly config?: ConfigInput;
  readonly methods?: readonly AnyVotedMethod[];
  readonly logger?: Logger;
  readonly descriptorSets?: readonly Buffer[];
  readonly observers?: readonly VoteObserver[];
}

/** The fault-injection token test gateways get unless a test sets its own (one is always required). */
export const TEST_FAULT_TOKEN = 'test-fault-token';
/** The authorization metadata value that carries TEST_FAULT_TOKEN. */
export const FAULT_AUTHORIZATION = `Bearer ${TEST_FAULT_TOKEN}`;

export interface Gateway extends AsyncDisposable {
  readonly address: string;
  /** The admin listener (fault injection, operator service), when one of them is enabled. */
  readonly admin: string | undefined;
  readonly app: App;
  readonly metricsUrl: string;
  readonly client: InstanceType<typeof ComputeServiceClient>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** A real gateway on 127.0.0.1:0 with TypeScript versions loaded through tsx in the workers. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const input = { ...options.config };
  if (input.faultInjection?.enabled === true && input.faultInjection.token === undefined) {
    input.faultInjection = { ...input.faultInjection, token: TEST_FAULT_TOKEN };
  }
  const config = resolveConfig(
    // One worker per version keeps the suite's start-up short; tests that need more say so.
    { listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', adminListen: '127.0.0.1:0', logLevel: 'silent', threadsPerVersion: 1, ...input },
    options.methods ?? builtInMethods,
  );
  const app = createApp({
    config,
    logger: options.logger ?? pino({ level: 'silent' }),
    workerExecArgv: ['--import', 'tsx'],
    descriptorSets: options.descriptorSets ?? [],
    observers: options.observers ?? [],
  });
  const bound = await app.start();
  const client = new ComputeServiceClient(bound.grpc, credentials.createInsecure());
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client.close();
    await app.stop();
  };
  return {
    address: bound.grpc,
    admin: bound.admin,
    app,
    metricsUrl: `http://${bound.metrics}/metrics`,
    client,
    metrics: async () => (await fetch(`http://${bound.metrics}/metrics`)).text(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

export interface CallResult<TResponse> {
  readonly response?: TResponse;
  readonly error?: ServiceError;
  readonly trailers: Metadata;
}

type UnaryMethod<TRequest, TResponse> = (
  request: TRequest,
  metadata: Metadata,
  options: { deadline?: number },
  callback: (error: ServiceError | null, response?: TResponse) => void,
) => { on(event: 'status', listener: (status: StatusObject) => void): unknown };

/** Calls a unary method and resolves with the response or error and the trailers, never rejecting. */
export async function call<TRequest, TResponse>(
  method: UnaryMethod<TRequest, TResponse>,
  request: TRequest,
  options: { deadlineMs?: number; metadata?: Metadata } = {},
): Promise<CallResult<TResponse>> {
  const callOptions = options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
  const { error, response, trailers } = await nvoteClient.collectUnary<TResponse>(callback =>
    method(request, options.metadata ?? new Metadata(), callOptions, callback),
  );
  return { ...(error === null ? {} : { error }), ...(response === undefined ? {} : { response }), trailers };
}

export function reportOf(trailers: Metadata): VoteReport {
  const report = nvoteClient.voteReportOf(trailers);
  if (report === undefined) throw new Error(`no ${nvoteClient.REPORT_TRAILER} trailer`);
  return report;
}

export function outcomeOf(trailers: Metadata): string | undefined {
  return nvoteClient.outcomeOf(trailers);
}

export function errorInfoOf(error: ServiceError): ErrorInfo {
  const info = nvoteClient.errorInfoOf(error.metadata);
  if (info === undefined) throw new Error(`no ErrorInfo in ${nvoteClient.STATUS_DETAILS_TRAILER}`);
  return info;
}

/** The value of one sample in a Prometheus text exposition, or undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const open = line.indexOf('{');
    const close = line.lastIndexOf('}');
    const labelText = open === -1 ? '' : line.slice(open + 1, close);
    const found = new Map([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(m => [m[1], m[2]]));
    if (wanted.every(([key, value]) => found.get(key) === value) && (open === -1 ? 0 : found.size) === wanted.length) {
      return Number(line.slice((close === -1 ? line.indexOf(' ') : close + 1)).trim());
    }
  }
  return undefined;
}
