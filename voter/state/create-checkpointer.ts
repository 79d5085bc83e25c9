import { writeStateFile, type WriteStateOptions, type WrittenState } from './write-state-file.js';

/** What caused a checkpoint: the timer, a caller, or stop() at shutdown. */
export type CheckpointReason = 'interval' | 'requested' | 'final';

export type CheckpointEvent =
  | {
      readonly kind: 'written';
      readonly reason: CheckpointReason;
      readonly path: string;
      readonly bytes: number;
      readonly writtenAt: string;
      readonly durationMs: number;
      /** Failed checkpoints just before this one: above 0, this write is a recovery. */
      readonly previousFailures: number;
    }
  | {
      readonly kind: 'failed';
      readonly reason: CheckpointReason;
      readonly path: string;
      readonly error: unknown;
      /** Including this one; the state on disk is as old as the last `written`. */
      readonly consecutiveFailures: number;
    }
  /** A tick while the previous write still ran: the disk is slower than the interval. */
  | { readonly kind: 'skipped'; readonly reason: 'interval'; readonly path: string };

export type WriteState = (path: string, payload: unknown, options: WriteStateOptions) => Promise<WrittenState>;

export interface CheckpointerOptions {
  readonly path: string;
  /** ms between checkpoints: the recovery point objective, as state newer than the last write is lost. */
  readonly intervalMs: number;
  readonly identity: string;
  /** The state to write, collected at the moment of each write; a throw is a failed checkpoint. */
  readonly collect: () => unknown;
  /** Every outcome, for the log and metrics; a throw here is ignored, as there is nowhere left to report it. */
  readonly onEvent: (event: CheckpointEvent) => void;
  /** `writtenAt`; the clock by default. */
  readonly now?: () => Date;
  /** The write itself; writeStateFile by default (tests hold it to see overlap). */
  readonly write?: WriteState;
}

export interface Checkpointer {
  /** Writes every intervalMs from now on; the timer does not keep the process alive. */
  start(): void;
  /** Writes the state as of now; waits behind a write in progress. Rejects with the write's error. */
  checkpointNow(): Promise<void>;
  /**
   * Stops the timer and writes a final checkpoint after any write in progress. Resolves even when
   * that write fails (reported as an event): shutdown goes on either way.
   */
  stop(): Promise<void>;
}

/**
 * Periodic checkpoints of state that must survive a restart. Writes never overlap: a tick that
 * finds one in progress is skipped, and checkpointNow() queues behind it (callers arriving
 * together share one queued write). A failed write is reported, never thrown from the timer, and
 * the next tick is the retry. Unchanged state is written anyway: `writtenAt` then stays the time
 * the state was last known current, which is what a reader judging its age needs.
 */
export function createCheckpointer(options: CheckpointerOptions): Checkpointer {
  checkOptions(options);
  const { path, intervalMs, identity, collect, onEvent } = options;
  const write = options.write ?? writeStateFile;
  const writeOptions: WriteStateOptions = options.now === undefined ? { identity } : { identity, now: options.now };
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let running = false;
  let failures = 0;
  // Every write runs after the one before it; `queued` is the next one while it has not started.
  let tail: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;

  const report = (event: CheckpointEvent): void => {
    try {
      onEvent(event);
    } catch {
      // A throwing reporter must not turn a checkpoint into an unhandled rejection.
    }
  };

  const checkpoint = async (reason: CheckpointReason): Promise<void> => {
    running = true;
    const started = performance.now();
    try {
      const written = await write(path, await collect(), writeOptions);
      report({ kind: 'written', reason, path, bytes: written.bytes, writtenAt: written.writtenAt, durationMs: performance.now() - started, previousFailures: failures });
      failures = 0;
    } catch (error) {
      failures += 1;
      report({ kind: 'failed', reason, path, error, consecutiveFailures: failures });
      throw error;
    } finally {
      running = false;
    }
  };

  const enqueue = (reason: CheckpointReason): Promise<void> => {
    if (queued !== undefined) return queued;
    const next = tail.then(() => {
      queued = undefined;
      return checkpoint(reason);
    });
    queued = next;
    tail = next.catch(() => undefined);
    return next;
  };

  const tick = (): void => {
    if (running || queued !== undefined) {
      report({ kind: 'skipped', reason: 'interval', path });
      return;
    }
    // Already reported; the next tick retries.
    enqueue('interval').catch(() => undefined);
  };

  return {
    start() {
      if (stopping !== undefined) throw new Error('checkpointer: start() after stop()');
      if (timer !== undefined) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    checkpointNow() {
      if (stopping !== undefined) return Promise.reject(new Error('checkpointer: checkpointNow() after stop(); the final checkpoint is written'));
      return enqueue('requested');
    },
    stop() {
      if (stopping !== undefined) return stopping;
      clearInterval(timer);
      timer = undefined;
      // Not shared with a queued request: the final write must collect after stop() was called.
      stopping = tail.then(() => checkpoint('final')).catch(() => undefined);
      tail = stopping;
      return stopping;
    },
  };
}

/** Every problem with the options at once, each naming its field. */
function checkOptions(options: CheckpointerOptions): void {
  const problems: string[] = [];
  if (typeof options.path !== 'string' || options.path === '') problems.push('path: must be a non-empty string');
  if (!Number.isSafeInteger(options.intervalMs) || options.intervalMs <= 0) problems.push(`intervalMs: must be a positive integer (ms), got ${String(options.intervalMs)}`);
  if (typeof options.identity !== 'string' || options.identity === '') problems.push('identity: must be a non-empty string');
  if (typeof options.collect !== 'function') problems.push('collect: must be a function');
  if (typeof options.onEvent !== 'function') problems.push('onEvent: must be a function');
  if (problems.length > 0) throw new TypeError(`invalid checkpointer options:\n${problems.map(problem => `  - ${problem}`).join('\n')}`);
}
