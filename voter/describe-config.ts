import type { Config } from './config.js';

/**
 * The effective configuration, for the one log line at start: what an operator needs to know the
 * gateway is what they meant (methods, versions and where they run, voters, limits). The fault
 * token is never logged, only whether one is set.
 */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    methods: Object.fromEntries(
      config.methods.map(settings => [
        settings.method.name,
        {
          versions: settings.versions.map(version => {
            const where = version.transport === 'remote' ? `${version.id} (remote ${version.address}, ${version.maxConcurrentCalls} in flight)` : version.id;
            return version.shadow ? `${where} (shadow)` : where;
          }),
          voter: settings.voter,
          tolerance: settings.tolerance,
          defaultTimeoutMs: settings.defaultTimeoutMs,
          threads: `${settings.minThreads}..${settings.threads}`,
          maxOldGenerationMb: settings.maxOldGenerationMb,
          ...(settings.strict ? { strict: true } : {}),
          ...(settings.weighted === undefined ? {} : { weighted: settings.weighted }),
        },
      ]),
    ),
    limits: {
      maxInFlight: config.maxInFlight,
      initialInFlight: config.initialInFlight,
      maxInFlightBytes: config.maxInFlightBytes,
      maxQueueWaitMs: config.maxQueueWaitMs,
      maxEventLoopLagMs: config.maxEventLoopLagMs ?? 'off',
      maxTimeoutMs: config.maxTimeoutMs,
      deadlineMarginMs: config.deadlineMarginMs,
      stragglerGraceMs: config.stragglerGraceMs,
      shutdownGraceMs: config.shutdownGraceMs,
      maxMessageBytes: config.maxMessageBytes,
    },
    health: config.health,
    tls: config.tls === undefined ? 'off' : { mutual: config.tls.clientCaFile !== undefined, certFile: config.tls.certFile },
    // Fault management: what is on, and where it writes (never the operator token).
    quarantine: config.quarantine,
    retry: config.retry.attempts > 0 ? config.retry : 'off',
    stateFile: config.stateFile === undefined ? 'off' : { path: config.stateFile, checkpointIntervalMs: config.checkpointIntervalMs },
    journal: config.journal.path === undefined ? 'off' : config.journal,
    operator: config.operator.enabled ? { enabled: true, tokenRequired: config.operator.token !== undefined } : { enabled: false },
    faultInjection: config.faultInjection.enabled
      ? { enabled: true, tokenRequired: config.faultInjection.token !== undefined, maxActiveFaults: config.faultInjection.maxActiveFaults }
      : { enabled: false },
  };
}
