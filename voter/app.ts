import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { cachedMachineBacklog, createAdmission, createAdmissionPlugin, createConcurrencyLimit, createEventLoopLag, type MethodLoad } from './admission/index.js';
import type { Config, MethodSettings, VersionSource } from './config.js';
import { createFaultInjectionPlugin, type FaultInjectionPlugin } from './faults/index.js';
import { createAdminEdge, createGrpcEdge, createRemoteCodec, createTlsCredentials, type AdminEdge, type GrpcEdge, type TlsCredentials, type TlsLoad } from './grpc/index.js';
import { createHealthMonitor, createKnownAnswerProbes, createSelfTestHistory, type Evidence, type SelfTestReading, type HealthMonitor, type MonitoredMethod } from './health/index.js';
import { createHealthMetrics, createMetrics, createQuarantineMetrics, createRetryMetrics, createSelfTestMetrics, createWeightMetrics, createVoteMetricsObserver, startMetricsServer, type MetricsServer, type PoolGaugeSource } from './metrics/index.js';
import { createCoFailureMetrics, createDisagreementJournal, type DisagreementJournal } from './journal/index.js';
import { createDisagreementLog } from './observers/index.js';
import { createVotePipeline, type ContainedStage, type VoteEvent, type VoteObserver, type VotePipeline } from './pipeline/index.js';
import { createQuarantinePlugin, type QuarantinePlugin } from './quarantine/index.js';
import { createStrictMode } from './strict/index.js';
import { createWeightedVoting } from './weighting/index.js';
import { createRemoteRunner, createWorkerRunner, type VersionRunner } from './runners/index.js';
import { majorityOf } from './vote/index.js';
import { describeConfig } from './describe-config.js';
import { createFaultStateKeeper, faultStateIdentity, type FaultStateKeeper } from './fault-state.js';
import { createOperatorControl } from './operator-control.js';

const WARM_UP_LIMIT_MS = 30_000;
// Once shutdown has answered the calls still in flight, this long for those answers to reach
// their clients before the connections are cut.
const SHUTDOWN_FLUSH_MS = 500;
// Worker threads are terminated, not waited for; this bounds a runner that still does not close.
const RUNNER_CLOSE_LIMIT_MS = 1_000;

export interface AppOptions {
  readonly config: Config;
  readonly logger?: Logger;
  /** Node flags for every worker; tests pass `['--import', 'tsx']` to run TypeScript versions. */
  readonly workerExecArgv?: readonly string[];
  /** FileDescriptorSets (`buf build` output) of extension services, for reflection. */
  readonly descriptorSets?: readonly Buffer[];
  /** Observers of every client's vote (not health probes), after the built-in ones (metrics, disagreement log, health). */
  readonly observers?: readonly VoteObserver[];
}

export interface BoundAddresses {
  readonly grpc: string;
  readonly metrics: string;
  /** The admin listener, when fault injection or the operator service is enabled. */
  readonly admin?: string;
}

export interface App {
  start(): Promise<BoundAddresses>;
  /**
   * Health NOT_SERVING, refuse new calls, drain; after the grace period answer the calls still
   * in flight with UNAVAILABLE (SHUTTING_DOWN); then close the connections and the runners.
   */
  stop(): Promise<void>;
  readonly registry: Registry;
  /** The health monitor's current status of a health name (`""`, a service, `service/Method`). */
  healthStatus(name: string): string;
  /**
   * Reads the TLS files again (SIGHUP): new connections get the new certificate; on any problem
   * the one in use stays. Undefined when TLS is not configured.
   */
  reloadTls(): TlsLoad | undefined;
}

/**
 * Wiring only: a runner per version, a pipeline per method with its plug-ins (admission, fault
 * injection) and observers (fault effects, metrics, disagreement log, health), the gRPC edge.
 */
export function createApp(options: AppOptions): App {
  const { config } = options;
  const logger = options.logger ?? pino({ level: config.logLevel });
  const gaugeSources: PoolGaugeSource[] = [];
  let faults: FaultInjectionPlugin | undefined;
  const methodLabels = config.methods.map(settings => ({
    service: settings.method.service,
    method: settings.method.name,
    versions: settings.versions.map(version => version.id),
  }));
  const metrics = createMetrics(
    methodLabels,
    () => gaugeSources,
    config.faultInjection.enabled ? { activeFaults: () => faults?.activeFaults() ?? 0 } : undefined,
  );
  if (config.faultInjection.enabled) {
    faults = createFaultInjectionPlugin({
      maxActiveFaults: config.faultInjection.maxActiveFaults,
      token: config.faultInjection.token,
      catalogue: new Map(config.methods.map(settings => [settings.method.name, settings.versions.map(version => version.id)])),
      sink: metrics,
    });
  }
  let shuttingDown = false;
  const loopLag = config.maxEventLoopLagMs === undefined ? undefined : createEventLoopLag();
  let stopping: Promise<void> | undefined;
  let edge: GrpcEdge | undefined;
  let adminEdge: AdminEdge | undefined;
  let tls: TlsCredentials | undefined;
  let metricsServer: MetricsServer | undefined;

  const runnersByMethod = new Map<string, readonly VersionRunner[]>();
  for (const settings of config.methods) {
    const runners = settings.versions.map(version => {
      const runner = createRunner(settings, version);
      if (version.transport === 'worker') {
        gaugeSources.push({ method: settings.method.name, version: version.id, stats: () => statsOf(runner) });
      }
      return faults === undefined ? runner : faults.decorate(runner, settings.method);
    });
    runnersByMethod.set(settings.method.name, runners);
  }
  const runnersOf = (method: string): readonly VersionRunner[] => runnersByMethod.get(method) ?? [];
  const allRunners = [...runnersByMethod.values()].flat();

  function createRunner(settings: MethodSettings, version: VersionSource): VersionRunner {
    if (version.transport === 'remote') {
      return createRemoteRunner({
        id: version.id,
        address: version.address,
        codec: createRemoteCodec(settings.method),
        maxConcurrentCalls: version.maxConcurrentCalls,
        maxMessageBytes: config.maxMessageBytes,
      });
    }
    return createWorkerRunner({
      id: version.id,
      module: version.module,
      minThreads: settings.minThreads,
      maxThreads: settings.threads,
      maxOldGenerationMb: settings.maxOldGenerationMb,
      execArgv: options.workerExecArgv ?? [],
      onWorkerLost: () => metrics.workerLost(settings.method.name, version.id),
      onOrphanError: error => logger.error({ err: error, version: version.id }, 'worker error outside a task'),
    });
  }

  const versionsByMethod = new Map(config.methods.map(settings => [settings.method.name, settings.versions.map(version => version.id)]));
  // Shadows run and are compared, but neither vote, nor count towards a majority, nor get quarantined.
  const votingIds = (settings: MethodSettings): string[] => settings.versions.filter(version => !version.shadow).map(version => version.id);
  const votingByMethod = new Map(config.methods.map(settings => [settings.method.name, votingIds(settings)]));
  const weighted = createWeightedVoting(
    new Map(
      config.methods.flatMap(settings =>
        settings.weighted === undefined ? [] : [[settings.method.name, { versions: votingIds(settings), minAgreement: settings.weighted.minAgreement }] as const],
      ),
    ),
    config.weightWindowSize,
  );
  createWeightMetrics(
    metrics.registry,
    methodLabels.filter(labels => config.methods.some(settings => settings.method.name === labels.method && settings.weighted !== undefined)),
    (method, version) => weighted.weightOf(method, version),
  );
  const quarantine: QuarantinePlugin | undefined = config.quarantine.enabled
    ? createQuarantinePlugin({
        methods: votingByMethod,
        rules: config.quarantine,
        sink: createQuarantineMetrics(metrics.registry, methodLabels),
        onTransition: transition => {
          const { method, version, to, cause, failures } = transition;
          logger.warn({ method, version, cause, failures, window: config.quarantine.windowSize }, to === 'quarantined' ? 'version quarantined' : 'version reinstated');
          // A fresh start clears what a fault may have left in the version's threads or connection.
          if (to === 'quarantined' && cause !== 'restored') {
            const runner = runnersOf(method).find(candidate => candidate.id === version);
            void runner?.restart?.().catch((error: unknown) => logger.error({ err: error, method, version }, 'restart of a quarantined version failed'));
          }
        },
      })
    : undefined;

  let setHealth: (name: string, status: 'SERVING' | 'NOT_SERVING') => void = () => undefined;
  const pipelines = new Map<string, VotePipeline>();
  const selfTests = createSelfTestMetrics(metrics.registry, methodLabels);
  const selfTestHistory = createSelfTestHistory(versionsByMethod);
  const probes = createKnownAnswerProbes(
    method => pipelines.get(method),
    (method, version, result) => {
      selfTests.selfTested(method, version, result);
      selfTestHistory.record(method, version, result, Date.now());
    },
  );
  const faultState: FaultStateKeeper | undefined =
    config.stateFile === undefined
      ? undefined
      : createFaultStateKeeper({
          path: config.stateFile,
          intervalMs: config.checkpointIntervalMs,
          identity: faultStateIdentity(config),
          logger,
          collect: () => ({ quarantine: quarantine?.snapshot() ?? {}, selfTests: selfTestHistory.snapshot(), weights: weighted.snapshot() }),
          apply: state => {
            quarantine?.restore(state.quarantine);
            weighted.restore(state.weights);
            for (const { method, version, entry } of selfTestHistory.restore(state.selfTests)) {
              if (entry.lastSuccessAt !== undefined) selfTests.lastSucceededAt(method, version, entry.lastSuccessAt);
            }
          },
        });
  // Known-answer self-tests feed quarantine (a failed one counts like a dissent, passed ones bring
  // a quarantined version back) and health (through the monitor's probe, or recordProbe).
  const selfTestRuns = new Map<string, () => Promise<ReadonlyMap<string, SelfTestReading>>>();
  for (const settings of config.methods) {
    const { probe } = probes.of(settings, config.health.selfTestWatchdogMs);
    if (probe === undefined) continue;
    selfTestRuns.set(settings.method.name, async () => {
      const readings = await probe();
      const passed = new Map([...readings].filter(([, reading]) => reading.result !== 'none').map(([version, reading]) => [version, reading.result === 'pass']));
      quarantine?.probed(settings.method.name, passed);
      return readings;
    });
  }
  const evidenceOfReadings = (readings: ReadonlyMap<string, SelfTestReading>): ReadonlyMap<string, Evidence> =>
    new Map([...readings].map(([version, reading]) => [version, reading.evidence]));
  const probeOf = (settings: MethodSettings): { probe?: () => Promise<ReadonlyMap<string, Evidence>> } => {
    const run = selfTestRuns.get(settings.method.name);
    return run === undefined ? {} : { probe: async () => evidenceOfReadings(await run()) };
  };
  const healthMetrics = createHealthMetrics(metrics.registry);
  const health: HealthMonitor = createHealthMonitor({
    methods: config.methods.map((settings): MonitoredMethod => ({
      name: settings.method.name,
      service: settings.method.service,
      versions: votingIds(settings),
      ...probeOf(settings),
    })),
    failureThreshold: config.health.failureThreshold,
    probeIntervalMs: config.health.probeIntervalMs,
    idleProbeAfterMs: config.health.idleProbeAfterMs,
    selfTestIntervalMs: config.health.selfTestIntervalMs,
    onChange: (name, status) => {
      logger.info({ name, status }, 'health changed');
      healthMetrics.serving(name, status === 'SERVING');
      setHealth(name, status);
    },
    onProbeError: (method, error) => logger.error({ err: error, method }, 'health probe failed'),
  });
  for (const name of health.names) healthMetrics.serving(name, false);

  const admission = createAdmissionPlugin({
    admission: createAdmission(
      {
        maxInFlight: config.maxInFlight,
        maxInFlightBytes: config.maxInFlightBytes,
        maxQueueWaitMs: config.maxQueueWaitMs,
        maxEventLoopLagMs: config.maxEventLoopLagMs,
      },
      () => loopLag?.lagMs() ?? 0,
      cachedMachineBacklog(allRunners),
      createConcurrencyLimit({ initial: config.initialInFlight, max: config.maxInFlight }),
    ),
    loadOf: (method): MethodLoad => {
      const runners = runnersOf(method);
      return { runners, majority: majorityOf(votingByMethod.get(method)?.length ?? runners.length), failing: () => health.failingVersions(method) };
    },
    isShuttingDown: () => shuttingDown,
    sink: {
      rejected: reason => metrics.rejected(reason),
      inFlight: (calls, bytes, limit) => metrics.setInFlight(calls, bytes, limit),
      settling: calls => metrics.setSettling(calls),
    },
  });

  const journalPath = config.journal.path;
  const journal: DisagreementJournal | undefined =
    journalPath === undefined ? undefined : createDisagreementJournal({ settings: { ...config.journal, path: journalPath }, logger });
  // Fault effects first: they annotate the call that the disagreement log then writes out.
  const observers: VoteObserver[] = [
    ...(faults === undefined ? [] : [faults.observer]),
    createVoteMetricsObserver(metrics),
    createDisagreementLog(logger),
    ...(journal === undefined ? [] : [journal]),
    createCoFailureMetrics(metrics.registry, methodLabels),
    createRetryMetrics(metrics.registry, methodLabels),
    health,
    ...(quarantine === undefined ? [] : [quarantine.observer]),
    weighted.observer,
    probes.observer,
    // Probes are the gateway's own business: an extension's observers hear of clients' votes.
    ...(options.observers ?? []).map(observer => ({
      name: observer.name,
      voteEnded: (event: VoteEvent) => (event.probe ? undefined : observer.voteEnded(event)),
    })),
  ];
  const interceptors = [
    admission.interceptor,
    ...(quarantine === undefined ? [] : [quarantine.interceptor]),
    ...(faults === undefined ? [] : [faults.interceptor]),
    // Innermost: it judges the record the vote itself produced.
    createStrictMode(new Set(config.methods.filter(settings => settings.strict).map(settings => settings.method.name))),
  ];
  const contained = (method: string) => (stage: ContainedStage, error: unknown, call: { requestId: string; probe: boolean }, plugin?: string) => {
    // The metric counts what clients' calls met; a probe's trouble is logged, and health reports it.
    if (!call.probe) metrics.internalError(method, stage === 'interceptor' ? 'dispatch' : stage === 'settled' ? 'observer' : stage);
    logger.error({ err: error, requestId: call.requestId, method, stage, ...(plugin === undefined ? {} : { plugin }) }, 'internal error contained');
  };
  const weightedOf = (method: string) => {
    const rule = weighted.ruleFor(method);
    return rule === undefined ? {} : { weighted: rule };
  };
  for (const settings of config.methods) {
    const { method } = settings;
    const createVoter = method.voters[settings.voter];
    if (createVoter === undefined) throw new Error(`no voter ${settings.voter} for ${method.name}`);
    pipelines.set(
      method.name,
      createVotePipeline({
        method: method.name,
        runners: runnersOf(method.name),
        voter: createVoter(settings.tolerance),
        isValue: method.isValue,
        stragglerGraceMs: config.stragglerGraceMs,
        ...(config.retry.attempts > 0 ? { retry: config.retry } : {}),
        shadows: new Set(settings.versions.filter(version => version.shadow).map(version => version.id)),
        ...weightedOf(method.name),
        interceptors,
        observers,
        onContained: contained(method.name),
      }),
    );
  }

  const operator = !config.operator.enabled
    ? undefined
    : createOperatorControl({
        token: config.operator.token,
        versionsByMethod,
        quarantine,
        selfTestHistory,
        selfTestRuns,
        onSelfTest: (method, readings) => health.recordProbe(method, evidenceOfReadings(readings)),
      });

  return {
    registry: metrics.registry,
    healthStatus: name => health.status(name),
    reloadTls() {
      const loaded = tls?.reload();
      if (loaded?.ok === true) logger.info({ certificateValidTo: loaded.notAfter }, 'TLS certificate reloaded');
      else if (loaded !== undefined) logger.error({ problems: loaded.problems }, 'TLS reload refused; the certificate in use stays');
      return loaded;
    },

    async start() {
      // Before any call: a version quarantined when the gateway stopped sits out the first call too.
      await faultState?.restore();
      faultState?.start();
      // Before binding anything: unusable TLS files stop the start, with every problem listed.
      if (config.tls !== undefined) tls = createTlsCredentials(config.tls);
      const credentials = tls === undefined ? {} : { credentials: tls.credentials };
      edge = createGrpcEdge({
        config,
        ...credentials,
        pipelineOf: method => pipelines.get(method),
        screen: (method, budgetMs) => admission.screen(method, budgetMs),
        healthNames: health.names,
        metrics,
        logger,
        descriptorSets: options.descriptorSets ?? [],
      });
      setHealth = edge.setHealth;
      const grpcAddress = await edge.listen();
      if (faults !== undefined || operator !== undefined) {
        adminEdge = createAdminEdge({
          listen: config.adminListen,
          ...(faults === undefined ? {} : { faultInjection: faults }),
          ...(operator === undefined ? {} : { operator }),
          computeServices: edge.services,
          ...credentials,
          descriptorSets: options.descriptorSets ?? [],
          logger,
        });
      }
      const adminAddress = await adminEdge?.listen();
      const admin = adminAddress === undefined ? {} : { admin: adminAddress };
      metricsServer = await startMetricsServer(metrics.registry, config.metricsListen.host, config.metricsListen.port);
      logger.info({ grpc: grpcAddress, metrics: metricsServer.address, ...admin, ...describeConfig(config) }, 'nvote gateway listening');
      // SERVING only once the versions are loaded: before, a short-deadline call would fail for
      // want of a worker, not of a majority.
      const started = performance.now();
      const warm = await warmUpAll([...runnersByMethod.values()].flat());
      if (shuttingDown) return { grpc: grpcAddress, metrics: metricsServer.address, ...admin };
      if (warm) logger.info({ ms: Math.round(performance.now() - started) }, 'versions loaded; health from their verdicts');
      else logger.warn({ waitedMs: WARM_UP_LIMIT_MS }, 'some versions did not start or connect; health from their verdicts');
      health.start();
      return { grpc: grpcAddress, metrics: metricsServer.address, ...admin };
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
    if (edge !== undefined) {
      const drained = await withinMs(edge.drain().then(() => true), config.shutdownGraceMs);
      if (drained === undefined) {
        const ended = edge.answerInFlight();
        logger.warn({ graceMs: config.shutdownGraceMs, ended }, 'drain timed out; calls in flight answered UNAVAILABLE (SHUTTING_DOWN)');
        await withinMs(edge.drain(), SHUTDOWN_FLUSH_MS);
        edge.forceClose();
      }
    }
    await adminEdge?.close();
    await faultState?.stop();
    // Running tasks are abandoned: versions have no side effects to finish.
    await withinMs(Promise.all([...runnersByMethod.values()].flat().map(runner => runner.close())), RUNNER_CLOSE_LIMIT_MS);
    // After the runners: every vote has settled, so the last lines are in what it flushes.
    await withinMs(journal?.close() ?? Promise.resolve(), SHUTDOWN_FLUSH_MS);
    await metricsServer?.close();
    loopLag?.stop();
    logger.info({ ms: Math.round(performance.now() - started) }, 'nvote gateway stopped');
  }
}

function statsOf(runner: VersionRunner): { threads: number; queued: number; utilization: number } {
  const { capacity, queued, utilization } = runner.health();
  return { threads: capacity, queued, utilization };
}

async function warmUpAll(runners: readonly VersionRunner[]): Promise<boolean> {
  return (await withinMs(Promise.all(runners.map(runner => runner.warmUp())).then(results => results.every(Boolean)), WARM_UP_LIMIT_MS)) ?? false;
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
