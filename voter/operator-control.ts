import { NvoteError } from './errors.js';
import type { OperatorControl, StandingView } from './grpc/index.js';
import type { SelfTestHistory, SelfTestReading } from './health/index.js';
import type { QuarantinePlugin } from './quarantine/index.js';

export interface OperatorControlOptions {
  readonly token: string | undefined;
  /** Every method's version ids, as configured. */
  readonly versionsByMethod: ReadonlyMap<string, readonly string[]>;
  /** Undefined when quarantine is off: quarantining and reinstating are then refused. */
  readonly quarantine: QuarantinePlugin | undefined;
  readonly selfTestHistory: SelfTestHistory;
  /** Per method, a known-answer self-test of every version, now. */
  readonly selfTestRuns: ReadonlyMap<string, () => Promise<ReadonlyMap<string, SelfTestReading>>>;
  /** Where a self-test run on demand is recorded, as the scheduled ones are (health, quarantine). */
  readonly onSelfTest: (method: string, readings: ReadonlyMap<string, SelfTestReading>) => void;
}

/**
 * What OperatorService steers: standings read from quarantine and the self-test history, and the
 * operator's actions on them. Unknown methods and versions are VERSION_NOT_FOUND, refusals
 * QUARANTINE_REFUSED, both mapped to status in one place (grpc/status.ts).
 */
export function createOperatorControl(options: OperatorControlOptions): OperatorControl {
  const { versionsByMethod, quarantine, selfTestHistory } = options;
  const standingOf = (method: string, version: string): StandingView => {
    const standing = quarantine?.book.standing(method, version);
    const selfTest = selfTestHistory.get(method, version);
    return {
      method,
      version,
      quarantined: standing?.standing === 'quarantined',
      failures: standing?.failures ?? 0,
      window: standing?.verdicts ?? 0,
      degraded: standing?.overThreshold ?? false,
      passedProbes: standing?.passedProbes ?? 0,
      lastSelfTest: selfTest?.lastResult ?? '',
      lastSelfTestSuccessMs: selfTest?.lastSuccessAt ?? 0,
    };
  };
  const knownVersion = (method: string, version?: string): void => {
    const versions = versionsByMethod.get(method);
    if (versions === undefined) throw new NvoteError('VERSION_NOT_FOUND', `no method "${method}" (known: ${[...versionsByMethod.keys()].join(', ')})`);
    if (version !== undefined && !versions.includes(version)) {
      throw new NvoteError('VERSION_NOT_FOUND', `no version "${version}" of ${method} (known: ${versions.join(', ')})`);
    }
  };
  const steer = (method: string, version: string, action: 'quarantine' | 'reinstate'): StandingView => {
    knownVersion(method, version);
    if (quarantine === undefined) throw new NvoteError('QUARANTINE_REFUSED', 'quarantine is disabled in the configuration (quarantine.enabled)');
    const result = quarantine[action](method, version);
    if (!result.ok) throw new NvoteError('QUARANTINE_REFUSED', result.reason);
    return standingOf(method, version);
  };
  return {
    token: options.token,
    standings(method) {
      if (method !== undefined) knownVersion(method);
      return [...versionsByMethod]
        .filter(([name]) => method === undefined || name === method)
        .flatMap(([name, versions]) => versions.map(version => standingOf(name, version)));
    },
    quarantine: (method, version) => steer(method, version, 'quarantine'),
    reinstate: (method, version) => steer(method, version, 'reinstate'),
    async runSelfTest(method) {
      if (method !== undefined) knownVersion(method);
      const chosen = [...options.selfTestRuns].filter(([name]) => method === undefined || name === method);
      const results = await Promise.all(
        chosen.map(async ([name, run]) => {
          const readings = await run();
          options.onSelfTest(name, readings);
          return [...readings].map(([version, reading]) => ({ method: name, version, result: reading.result }));
        }),
      );
      return results.flat();
    },
  };
}
