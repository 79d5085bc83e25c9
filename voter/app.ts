import type { Server } from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import { createAdmission } from './dispatch/admission.js';
import { createVersionPool, type VersionPool } from './dispatch/version-pool.js';
import { createFaultRegistry } from './faults/fault-registry.js';
import type { FaultInjection } from './grpc/call-faults.js';
import { addFaultInjectionService, FAULT_INJECTION_SERVICE } from './grpc/fault-injection-service.js';
import { bindServer, createGrpcServer } from './grpc/create-grpc-server.js';
import { addHealth, addReflection, type Health } from './grpc/standard-services.js';
import { createVotedHandler } from './grpc/voted-handler.js';
import { createMetrics, type PoolGaugeSource } from './metrics/create-metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import { majorityOf } from './vote/decide.js';

const WARM_UP_LIMIT_MS = 30_000;

async function warmUpAll(pools: readonly VersionPool[]): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<boolean>(resolve => {
    timer = setTimeout(() => resolve(false), WARM_UP_LIMIT_MS);
  });
  try {
    const all = Promise.all(pools.map(pool => pool.warmUp())).then(results => results.every(Boolean));
    return await Promise.race([all, limit]);
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
}

export interface BoundAddresses {
  readonly grpc: string;
  readonly metrics: string;
}

export interface App {
  start(): Promise<BoundAddresses>;
  /** Health NOT_SERVING, refuse new calls, drain, force after the grace period, close the pools. */
  stop(): Promise<void>;
  readonly registry: Registry;
}

/** Wiring only: pools per version, a handler per method, the standard services, metrics. */
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
  const admission = createAdmission(config.maxInFlight);
  let server: Server | undefined;
  let health: Health | undefined;
  let metricsServer: MetricsServer | undefined;
  let shuttingDown = false;

  const updateHealth = (): void => {
    if (health === undefined) return;
    const serving =
      !shuttingDown &&
      config.methods.every(settings => {
        // Runs on every worker loss: a crash storm must not turn it into a hot loop (stats() costs
        // a histogram summary per pool).
        const alive = (pools.get(settings.method.name) ?? []).filter(pool => pool.aliveThreads() > 0).length;
        return alive >= majorityOf(settings.versions.length);
      });
    health.setAll(serving ? 'SERVING' : 'NOT_SERVING');
  };

  return {
    registry: metrics.registry,

    async start() {
      const grpcServer = createGrpcServer({ maxMessageBytes: config.maxMessageBytes });
      server = grpcServer;
      const definitions = new Map<string, Record<string, unknown>>();
      const implementations = new Map<string, Record<string, unknown>>();
      for (const settings of config.methods) {
        const { method } = settings;
        const methodPools = settings.versions.map(version =>
          createVersionPool({
            id: version.id,
            module: version.module,
            threads: settings.threads,
            maxOldGenerationMb: settings.maxOldGenerationMb,
            execArgv: options.workerExecArgv ?? [],
            onWorkerLost: () => {
              metrics.workerLost(method.name, version.id);
              // piscina replaces the worker right after this event, unless it cannot start at all.
              setImmediate(updateHealth);
            },
            onOrphanError: error => logger.error({ err: error, version: version.id }, 'worker error outside a task'),
          }),
        );
        pools.set(method.name, methodPools);
        for (const pool of methodPools) {
          gaugeSources.push({ method: method.name, version: pool.id, stats: () => pool.stats() });
        }
        const handler = createVotedHandler({
          settings,
          pools: methodPools,
          admission,
          metrics,
          logger,
          budget: {
            defaultTimeoutMs: settings.defaultTimeoutMs,
            maxTimeoutMs: config.maxTimeoutMs,
            deadlineMarginMs: config.deadlineMarginMs,
          },
          isShuttingDown: () => shuttingDown,
          stragglerGraceMs: config.stragglerGraceMs,
          ...(faultInjection === undefined ? {} : { faultInjection }),
        });
        const definition = definitions.get(method.service) ?? {};
        const implementation = implementations.get(method.service) ?? {};
        definition[method.name] = method.definition;
        implementation[method.name] = handler;
        definitions.set(method.service, definition);
        implementations.set(method.service, implementation);
      }
      for (const [service, definition] of definitions) {
        grpcServer.addService(definition as never, implementations.get(service) as never);
      }
      health = addHealth(grpcServer, services);
      // Never advertised, nor even served, unless enabled.
      if (faultInjection !== undefined) {
        addFaultInjectionService(grpcServer, faultInjection, logger);
        logger.warn({ tokenRequired: faultInjection.token !== undefined }, 'fault injection is enabled');
      }
      const listed = faultInjection === undefined ? services : [...services, FAULT_INJECTION_SERVICE];
      addReflection(grpcServer, listed, options.descriptorSets ?? []);

      const grpcAddress = await bindServer(grpcServer, config.listen.host, config.listen.port);
      metricsServer = await startMetricsServer(metrics.registry, config.metricsListen.host, config.metricsListen.port);
      logger.info(
        { grpc: grpcAddress, metrics: metricsServer.address, methods: config.methods.map(s => s.method.name) },
        'nvote gateway listening',
      );
      // SERVING only once the versions are loaded: before, a short-deadline call would fail for
      // want of a worker, not of a majority. A version that cannot load stays visibly down.
      const started = performance.now();
      const warm = await warmUpAll([...pools.values()].flat());
      if (shuttingDown) return { grpc: grpcAddress, metrics: metricsServer.address };
      if (warm) logger.info({ ms: Math.round(performance.now() - started) }, 'versions loaded; health SERVING');
      else logger.warn({ waitedMs: WARM_UP_LIMIT_MS }, 'some version workers did not start; health reflects the live ones');
      updateHealth();
      return { grpc: grpcAddress, metrics: metricsServer.address };
    },

    async stop() {
      shuttingDown = true;
      updateHealth();
      if (server !== undefined) {
        const draining = server;
        await new Promise<void>(resolve => {
          const force = setTimeout(() => {
            logger.warn({ graceMs: config.shutdownGraceMs }, 'drain timed out; cancelling in-flight calls');
            draining.forceShutdown();
            resolve();
          }, config.shutdownGraceMs);
          draining.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
      }
      await Promise.all([...pools.values()].flat().map(pool => pool.close()));
      await metricsServer?.close();
      logger.info('nvote gateway stopped');
    },
  };
}
