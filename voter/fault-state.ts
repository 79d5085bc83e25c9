import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from './config.js';
import type { SelfTestSnapshot } from './health/index.js';
import type { QuarantineSnapshot } from './quarantine/index.js';
import type { WeightSnapshot } from './weighting/index.js';
import { createCheckpointer, readStateFile, removeStaleTempFiles, type ValidatePayload } from './state/index.js';

/** What the gateway checkpoints of its fault management (config `stateFile`). */
export interface FaultState {
  readonly quarantine: QuarantineSnapshot;
  readonly selfTests: SelfTestSnapshot;
  readonly weights: WeightSnapshot;
}

const versionSnapshot = z.strictObject({
  standing: z.enum(['voting', 'quarantined']),
  window: z.array(z.boolean()).max(100_000),
  passedProbes: z.number().int().min(0),
});
const selfTestEntry = z.strictObject({
  lastResult: z.enum(['pass', 'fail', 'timeout']).optional(),
  lastRunAt: z.number().finite().optional(),
  lastSuccessAt: z.number().finite().optional(),
});
const faultStateSchema = z.strictObject({
  quarantine: z.record(z.string(), z.record(z.string(), versionSnapshot)),
  selfTests: z.record(z.string(), z.record(z.string(), selfTestEntry)),
  weights: z.record(z.string(), z.record(z.string(), z.array(z.boolean()).max(100_000))),
});

export const validateFaultState: ValidatePayload<FaultState> = payload => {
  const parsed = faultStateSchema.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map(issue => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`) };
  }
  // zod spells an absent optional field as possibly undefined; the snapshot types leave it out.
  return { ok: true, value: JSON.parse(JSON.stringify(parsed.data)) as FaultState };
};

/**
 * The configuration a state file belongs to: its methods and their version ids. Scores and
 * quarantine of another set of versions say nothing about these, so such a file is foreign.
 */
export function faultStateIdentity(config: Config): string {
  const versions = config.methods.map(settings => `${settings.method.name}:${settings.versions.map(version => version.id).join(',')}`).sort();
  return `nvote-fault-state/${createHash('sha256').update(versions.join('\n')).digest('hex').slice(0, 32)}`;
}

export interface FaultStateKeeperOptions {
  readonly path: string;
  readonly intervalMs: number;
  readonly identity: string;
  /** The state now, to checkpoint. */
  readonly collect: () => FaultState;
  /** Takes a restored state (only what still fits the configuration is kept). */
  readonly apply: (state: FaultState) => void;
  readonly logger: Logger;
}

/** Restores the fault-management state at start, checkpoints it every interval and at shutdown. */
export interface FaultStateKeeper {
  /** Reads the state file and applies it; a missing, corrupt or foreign file means a clean start, never a failed one. */
  restore(): Promise<void>;
  start(): void;
  /** The final checkpoint: call once the last calls have settled, so that their verdicts are in it. */
  stop(): Promise<void>;
}

export function createFaultStateKeeper(options: FaultStateKeeperOptions): FaultStateKeeper {
  const { path, logger } = options;
  const checkpointer = createCheckpointer({
    path,
    intervalMs: options.intervalMs,
    identity: options.identity,
    collect: options.collect,
    onEvent: event => {
      if (event.kind === 'failed') logger.error({ err: event.error, path, consecutiveFailures: event.consecutiveFailures }, 'state checkpoint failed; retried at the next interval');
      else if (event.kind === 'skipped') logger.warn({ path }, 'state checkpoint skipped: the previous one is still being written');
      else if (event.previousFailures > 0) logger.info({ path, bytes: event.bytes }, 'state checkpoint written again');
    },
  });
  let started = false;
  return {
    async restore() {
      await removeStaleTempFiles(path);
      const restored = await readStateFile(path, { identity: options.identity, validate: validateFaultState });
      if (restored.kind === 'absent') {
        logger.info({ path }, 'no fault-management state to restore; starting clean');
      } else if (restored.kind === 'refused') {
        logger.warn({ path, code: restored.code }, `${restored.reason}; starting clean`);
      } else {
        options.apply(restored.payload);
        const quarantined = Object.entries(restored.payload.quarantine).flatMap(([method, versions]) =>
          Object.entries(versions)
            .filter(([, version]) => version.standing === 'quarantined')
            .map(([version]) => `${method}/${version}`),
        );
        logger.info({ path, writtenAt: restored.writtenAt, ageSeconds: Math.round(restored.ageMs / 1000), quarantined }, 'fault-management state restored');
      }
    },
    start() {
      started = true;
      checkpointer.start();
    },
    async stop() {
      if (started) await checkpointer.stop();
    },
  };
}
