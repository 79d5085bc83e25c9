import type { Server } from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config, MethodSettings } from './config.js';
import { createAdmission } from './dispatch/admission.js';
import { createVersionPool, type VersionPool } from './dispatch/version-pool.js';
import { createDisagreementLog } from './engine/disagreement-log.js';
import { createInFlightCalls } from './engine/in-flight-calls.js';
import { runMethodVote } from './engine/run-method-vote.js';
import type { VoteObserver } from './engine/vote-observer.js';
import { createFaultRegistry } from './faults/fault-registry.js';
import { createAdmissionInterceptor, type CallGate } from './grpc/admission-interceptor.js';
import type { FaultInjection } from './grpc/call-faults.js';
import { addFaultInjectionService, FAULT_INJECTION_SERVICE } from './grpc/fault-injection-service.js';
import { bindServer, createGrpcServer } from './grpc/create-grpc-server.js';
import { withMeasuredRequests } from './grpc/request-size.js';
import { addHealth, addStandardReflection } from './grpc/standard-services.js';
import { createVotedEndpoint } from './grpc/voted-handler.js';
import { createHealthMonitor, type HealthMonitor, type MonitoredMethod } from './health/health-monitor.js';
import { evidenceOf, type Evidence } from './health/version-health.js';
import { createMetrics, type PoolGaugeSource } from './metrics/create-metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import { createVoteMetricsObserver } from './metrics/vote-metrics-observer.js';
import { ballotsAgree } from './vote/decide.js';

const WARM_UP_LIMIT_MS = 30_000;
// Once shutdown has answered the calls still in flight, this long for those answers to reach
// their clients before the connections are cut.
const SHUTDOWN_FLUSH_MS = 500;
// Worker threads are terminated, not waited for; this bounds a pool that still does not close.
const POOL_CLOSE_LIMIT_MS = 1_000;
// A probe is small; it gets this long, or the method's own default budget if shorter.
const PROBE_BUDGET_MS = 2_000;

async function warmUpAll(pools: readonly VersionPool[]): Promise<boolean> {
  return (await withinMs(Promise.all(pools.map(pool => pool.warmUp())).then(results => results.every(Boolean)), WARM_UP_LIMIT_MS)) ?? false;
}

/** The promise's value, or undefined if it has not settled within `ms`. */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<undefined>(resolve => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function faultInjectionOf(config: Config): FaultInjection | undefined {
  const settings = config.faultInjection;
  if (!settings.enabled) return undefined;
  return {
    registry: createFaultRegistry({ maxActiveFaults: settings.maxActiveFaults }),
    catalogue: new Map(config.methods.map(method => [method.method.name, method.versions.map(version => version.id)])),
    token: settings.token,
  };
}

export interface AppOptions {
  readonly config: Config;
  readonly logger?: Logger;
  /** Node flags for every worker; tests pass `['--import', 'tsx']` to run TypeScript versions. */
  readonly workerExecArgv?: readonly string[];
  /** FileDescriptorSets (`buf build` output) of extension services, for reflection. */
  readonly descriptorSets?: readonly Buffer[];
  /** Observers of every vote, after the built-in ones (metrics, disagreement log, health). */
  readonly observers?: readonly VoteObserver[];
}

export interface BoundAddresses {
  readonly grpc: string;
  readonly metrics: string;
}

export interface App {
  start(): Promise<BoundAddresses>;
  /**
   * Health NOT_SERVING, refuse new calls, drain; after the grace period answer the calls still
   * in flight with UNAVAILABLE (SHUTTING_DOWN); then close the connections and the pools.
   */
  stop(): Promise<void>;
  readonly registry: Registry;
  /** The health monitor's current status of a health name (`""`, a service, `service/Method`). */
  healthStatus(name: string): string;
}

/** Wiring only: pools per version, an endpoint per method, observers, health, the standard services. */
export function createApp(options: AppOptions): App {
  const { config } = options;
  const logger = options.logger ?? pino({ level: config.logLevel });
  const services = [...new Set(config.methods.map(settings => settings.method.service))];
  const pools = new Map<string, VersionPool[]>();
  const gaugeSources: PoolGaugeSource[] = [];
  const faultInjection = faultInjectionOf(config);
  const metrics = createMetrics(
    config.methods.map(settings => ({
      service: settings.method.service,
      method: settings.method.name,
      versions: settings.versions.map(version => version.id),
    })),
    () => gaugeSources,
    faultInjection === undefined
      ? undefined
      : { activeFaults: () => faultInjection.registry.list().length + faultInjection.registry.requestScopedInFlight() },
  );
  const admission = createAdmission({
    maxInFlight: config.maxInFlight,
    maxInFlightBytes: config.maxInFlightBytes,
    maxQueueWaitMs: config.maxQueueWaitMs,
  });
  const calls = createInFlightCalls();
  let server: Server | undefined;
  let metricsServer: MetricsServer | undefined;
  let shuttingDown = false;
  let stopping: Promise<void> | undefined;

  for (const settings of config.methods) {
    pools.set(
      settings.method.name,
      settings.versions.map(version =>
        createVersionPool({
          id: version.id,
          module: version.module,
          threads: settings.threads,
          maxOldGenerationMb: settings.maxOldGenerationMb,
          execArgv: options.workerExecArgv ?? [],
          onWorkerLost: () => metrics.workerLost(settings.method.name, version.id),
          onOrphanError: error => logger.error({ err: error, version: version.id }, 'worker error outside a task'),
        }),
      ),
    );
  }
  const poolsOf = (settings: MethodSettings): VersionPool[] => pools.get(settings.method.name) ?? [];

  let setHealth: (name: string, status: 'SERVING' | 'NOT_SERVING') => void = () => undefined;
  const health: HealthMonitor = createHealthMonitor({
    methods: config.methods.map(settings => monitoredMethod(settings, poolsOf(settings))),
    failureThreshold: config.health.failureThreshold,
    probeIntervalMs: config.health.probeIntervalMs,
    idleProbeAfterMs: config.health.idleProbeAfterMs,
    onChange: (name, status) => {
      logger.info({ name, status }, 'health changed');
      setHealth(name, status);
    },
    onProbeError: (method, error) => logger.error({ err: error, method }, 'health probe failed'),
  });
  const observers = [createVoteMetricsObserver(metrics), createDisagreementLog(logger), health, ...(options.observers ?? [])];

  function monitoredMethod(settings: MethodSettings, methodPools: readonly VersionPool[]): MonitoredMethod {
    const { method } = settings;
    const monitored = { name: method.name, service: method.service, versions: settings.versions.map(version => version.id) };
    const known = method.knownAnswer;
    const createVoter = method.voters[settings.voter];
    if (known === undefined || createVoter === undefined) return monitored;
    const voter = createVoter(settings.tolerance);
    const expected = { kind: 'value', value: known.expected } as const;
    let probes = 0;
    const probe = () =>
      new Promise<ReadonlyMap<string, Evidence>>((resolve, reject) => {
        const requestId = `probe:${method.name}:${++probes}`;
        // A probe suffers the faults a call would, so that a planted fault shows in health.
        const injections = faultInjection?.registry.plan(method.name, requestId, 'probe') ?? new Map();
        runMethodVote(settings, methodPools, {
          input: known.input,
          inputBytes: 0,
          injections,
          budgetMs: Math.min(PROBE_BUDGET_MS, settings.defaultTimeoutMs),
          stragglerGraceMs: config.stragglerGraceMs,
          callSignal: new AbortController().signal,
          onEnd: end => {
            if (end.kind === 'failed') {
              reject(end.error);
              return;
            }
            // Judged against the known answer, not the vote: a common-mode fault fails them all.
            const evidence = new Map<string, Evidence>();
            for (const version of end.record.versions) {
              const right = version.ballot !== undefined && ballotsAgree(version.ballot, expected, voter);
              evidence.set(version.version, version.ballot === undefined ? evidenceOf(version.verdict) : right ? 'success' : 'failure');
            }
            resolve(evidence);
          },
        }).catch(() => undefined);
      });
    return { ...monitored, probe };
  }

  return {
    registry: metrics.registry,
    healthStatus: name => health.status(name),

    async start() {
      const gates = new Map<string, CallGate>();
      const definitions = new Map<string, Record<string, unknown>>();
      const implementations = new Map<string, Record<string, unknown>>();
      for (const settings of config.methods) {
        const { method } = settings;
        const definition = withMeasuredRequests(method.definition);
        const endpoint = createVotedEndpoint({
          settings,
          pools: poolsOf(settings),
          admission,
          calls,
          observers,
          metrics,
          logger,
          budget: {
            defaultTimeoutMs: settings.defaultTimeoutMs,
            maxTimeoutMs: config.maxTimeoutMs,
            deadlineMarginMs: config.deadlineMarginMs,
          },
          isShuttingDown: () => shuttingDown,
          failingVersions: () => health.failingVersions(method.name),
          stragglerGraceMs: config.stragglerGraceMs,
          ...(faultInjection === undefined ? {} : { faultInjection }),
        });
        gates.set(definition.path, endpoint.gate);
        for (const version of settings.versions) {
          const pool = poolsOf(settings).find(candidate => candidate.id === version.id);
          if (pool !== undefined) gaugeSources.push({ method: method.name, version: pool.id, stats: () => pool.stats() });
        }
        const serviceDefinition = definitions.get(method.service) ?? {};
        const implementation = implementations.get(method.service) ?? {};
        serviceDefinition[method.name] = definition;
        implementation[method.name] = endpoint.handler;
        definitions.set(method.service, serviceDefinition);
        implementations.set(method.service, implementation);
      }
      const grpcServer = createGrpcServer({
        maxMessageBytes: config.maxMessageBytes,
        interceptors: [createAdmissionInterceptor(gates)],
      });
      server = grpcServer;
      for (const [service, definition] of definitions) {
        grpcServer.addService(definition as never, implementations.get(service) as never);
      }
      const healthService = addHealth(grpcServer, health.names);
      setHealth = healthService.set;
      // Never advertised, nor even served, unless enabled.
      if (faultInjection !== undefined) {
        addFaultInjectionService(grpcServer, faultInjection, logger);
        logger.warn({ tokenRequired: faultInjection.token !== undefined }, 'fault injection is enabled');
      }
      addStandardReflection(
        grpcServer,
        faultInjection === undefined ? services : [...services, FAULT_INJECTION_SERVICE],
        faultInjection === undefined ? [FAULT_INJECTION_SERVICE] : [],
        options.descriptorSets ?? [],
      );

      const grpcAddress = await bindServer(grpcServer, config.listen.host, config.listen.port);
      metricsServer = await startMetricsServer(metrics.registry, config.metricsListen.host, config.metricsListen.port);
      logger.info(
        { grpc: grpcAddress, metrics: metricsServer.address, methods: config.methods.map(s => s.method.name) },
        'nvote gateway listening',
      );
      // SERVING only once the versions are loaded: before, a short-deadline call would fail for
      // want of a worker, not of a majority.
      const started = performance.now();
      const warm = await warmUpAll([...pools.values()].flat());
      if (shuttingDown) return { grpc: grpcAddress, metrics: metricsServer.address };
      if (warm) logger.info({ ms: Math.round(performance.now() - started) }, 'versions loaded; health from their verdicts');
      else logger.warn({ waitedMs: WARM_UP_LIMIT_MS }, 'some version workers did not start; health from their verdicts');
      health.start();
      return { grpc: grpcAddress, metrics: metricsServer.address };
    },

    stop() {
      stopping ??= stopApp();
      return stopping;
    },
  };

  async function stopApp(): Promise<void> {
    shuttingDown = true;
    health.drain();
    const started = performance.now();
    if (server !== undefined) {
      const draining = server;
      // GOAWAY to every connection; it calls back once their calls have ended and they closed.
      const closed = new Promise<void>(resolve => draining.tryShutdown(() => resolve()));
      const drained = await withinMs(closed.then(() => true), config.shutdownGraceMs);
      if (drained === undefined) {
        const ended = calls.shutDownAll();
        logger.warn({ graceMs: config.shutdownGraceMs, ended }, 'drain timed out; calls in flight answered UNAVAILABLE (SHUTTING_DOWN)');
        await withinMs(closed, SHUTDOWN_FLUSH_MS);
        draining.forceShutdown();
      }
    }
    // Running tasks are abandoned: versions have no side effects to finish.
    await withinMs(Promise.all([...pools.values()].flat().map(pool => pool.close())), POOL_CLOSE_LIMIT_MS);
    await metricsServer?.close();
    logger.info({ ms: Math.round(performance.now() - started) }, 'nvote gateway stopped');
  }
}
