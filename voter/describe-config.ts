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
          versions: settings.versions.map(version =>
            version.transport === 'remote' ? `${version.id} (remote ${version.address}, ${version.maxConcurrentCalls} in flight)` : version.id,
          ),
          voter: settings.voter,
          tolerance: settings.tolerance,
          defaultTimeoutMs: settings.defaultTimeoutMs,
          threads: `${settings.minThreads}..${settings.threads}`,
          maxOldGenerationMb: settings.maxOldGenerationMb,
        },
      ]),
    ),
    limits: {
      maxInFlight: config.maxInFlight,
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
    faultInjection: config.faultInjection.enabled
      ? { enabled: true, tokenRequired: config.faultInjection.token !== undefined, maxActiveFaults: config.faultInjection.maxActiveFaults }
      : { enabled: false },
  };
}
