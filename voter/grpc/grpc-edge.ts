import type { Server, ServerCredentials, StatusObject } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { NvoteError } from '../errors.js';
import type { Metrics } from '../metrics/index.js';
import type { VotePipeline } from '../pipeline/index.js';
import { createAdmissionInterceptor, type CallGate } from './admission-interceptor.js';
import { callBudgetMs } from './call-budget.js';
import { bindServer, createGrpcServer } from './create-grpc-server.js';
import { FAULT_INJECTION_SERVICE } from './fault-injection-service.js';
import { OPERATOR_SERVICE } from './operator-service.js';
import { createInFlightCalls } from './in-flight-calls.js';
import { pathOf, serverDefinitionOf } from './method-definitions.js';
import { createServerMetricsInterceptor } from './server-metrics-interceptor.js';
import { addHealth, addStandardReflection, type ServingStatus } from './standard-services.js';
import { toServiceError } from './status.js';
import { createVotedEndpoint } from './voted-endpoint.js';

export interface GrpcEdgeOptions {
  readonly config: Config;
  readonly pipelineOf: (method: string) => VotePipeline | undefined;
  /** A refusal for a call from its method and budget alone, before its message is read. */
  readonly screen: (method: string, budgetMs: number) => NvoteError | undefined;
  readonly healthNames: readonly string[];
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly descriptorSets: readonly Buffer[];
  /** TLS (tls-credentials.ts) when configured; plaintext otherwise. */
  readonly credentials?: ServerCredentials;
}

/**
 * The compute port: the voted methods, health and reflection. The admin services are never
 * served nor described here (admin-edge.ts).
 */
export interface GrpcEdge {
  listen(): Promise<string>;
  /** The services of the voted methods, as reflection lists them. */
  readonly services: readonly string[];
  setHealth(name: string, status: ServingStatus): void;
  /** GOAWAY to every connection; resolves once their calls have ended and they closed. */
  drain(): Promise<void>;
  /** Answers every voted call still in flight with UNAVAILABLE (SHUTTING_DOWN); returns how many. */
  answerInFlight(): number;
  forceClose(): void;
}

export function createGrpcEdge(options: GrpcEdgeOptions): GrpcEdge {
  const { config, metrics, logger } = options;
  const calls = createInFlightCalls();
  const gates = new Map<string, CallGate>();
  const services = new Map<string, { definition: Record<string, unknown>; implementation: Record<string, unknown> }>();
  for (const settings of config.methods) {
    const { method } = settings;
    const pipeline = options.pipelineOf(method.name);
    if (pipeline === undefined) throw new Error(`no pipeline for ${method.name}`);
    const budget = { defaultTimeoutMs: settings.defaultTimeoutMs, maxTimeoutMs: config.maxTimeoutMs, deadlineMarginMs: config.deadlineMarginMs };
    const budgetOf = (deadline: Date | number): number => callBudgetMs(deadline, budget);
    gates.set(pathOf(method), deadline => {
      const refusal = options.screen(method.name, budgetOf(deadline));
      if (refusal === undefined) return undefined;
      const { code, details, metadata } = toServiceError(refusal);
      return { code, details, metadata } satisfies StatusObject;
    });
    const handler = createVotedEndpoint({
      method,
      pipeline,
      calls,
      budgetOf,
      onContained: (stage, error, requestId) => {
        metrics.internalError(method.name, stage);
        logger.error({ err: error, requestId, method: method.name, stage }, 'internal error contained');
      },
    });
    const service = services.get(method.service) ?? { definition: {}, implementation: {} };
    service.definition[method.name] = serverDefinitionOf(method);
    service.implementation[method.name] = handler;
    services.set(method.service, service);
  }

  const server: Server = createGrpcServer({
    maxMessageBytes: config.maxMessageBytes,
    // Metrics outermost: a call refused on its metadata is counted too.
    interceptors: [createServerMetricsInterceptor(metrics), createAdmissionInterceptor(gates)],
  });
  for (const { definition, implementation } of services.values()) server.addService(definition as never, implementation as never);
  const health = addHealth(server, options.healthNames);
  addStandardReflection(server, [...services.keys()], [FAULT_INJECTION_SERVICE, OPERATOR_SERVICE], options.descriptorSets);

  let closed: Promise<void> | undefined;
  return {
    listen: () => bindServer(server, config.listen.host, config.listen.port, options.credentials),
    services: [...services.keys()],
    setHealth: (name, status) => health.set(name, status),
    drain() {
      closed ??= new Promise<void>(resolve => server.tryShutdown(() => resolve()));
      return closed;
    },
    answerInFlight: () => calls.shutDownAll(),
    forceClose: () => server.forceShutdown(),
  };
}
