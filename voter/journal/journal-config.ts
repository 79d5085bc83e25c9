import { z } from 'zod';

export const JOURNAL_DEFAULTS = {
  // path: unset by default, and then no journal is kept
  maxFileBytes: 64 * 1024 * 1024, // bytes, the live file is rotated (to path.1) before a line would take it past this
  maxFiles: 5, // rotated files kept (path.1 newest ... path.5 oldest); older ones are deleted
  fsync: 'interval', // 'never' (the OS flushes), 'interval' (every fsyncIntervalMs), 'every' (after each write)
  fsyncIntervalMs: 1_000, // ms, between fsyncs under 'interval'; at most this much of the journal is lost in a power cut
  maxInputBytes: 1024 * 1024, // bytes of JSON, an input (or a version's output) larger than this is replaced by its size and SHA-256
  maxBufferedBytes: 16 * 1024 * 1024, // bytes waiting for the disk; past it lines are dropped (counted, logged), never the request delayed
} as const;

export const FSYNC_POLICIES = ['never', 'interval', 'every'] as const;
export type FsyncPolicy = (typeof FSYNC_POLICIES)[number];

const positiveInt = z.number().int().positive();

/** The `journal` section of the configuration file; every field is optional. */
export const journalSchema = z.strictObject({
  path: z.string().min(1, 'must be a file path').optional(),
  // A line holds the input and every version's output, each up to maxInputBytes.
  maxFileBytes: positiveInt.min(64 * 1024, 'must be at least 65536 (64 KiB)').optional(),
  maxFiles: z.number().int().min(0).max(1_000).optional(),
  fsync: z.enum(FSYNC_POLICIES).optional(),
  fsyncIntervalMs: positiveInt.min(10).optional(),
  maxInputBytes: positiveInt.optional(),
  maxBufferedBytes: positiveInt.optional(),
});

export type JournalInput = z.input<typeof journalSchema>;

/** The journal's settings with the defaults filled in; `path` undefined means no journal. */
export interface JournalSettings {
  readonly path: string | undefined;
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  readonly fsync: FsyncPolicy;
  readonly fsyncIntervalMs: number;
  readonly maxInputBytes: number;
  readonly maxBufferedBytes: number;
}

/** Fills in the defaults of an already validated `journal` section; the result is frozen. */
export function resolveJournalSettings(input: JournalInput = {}): JournalSettings {
  return Object.freeze({
    path: input.path,
    maxFileBytes: input.maxFileBytes ?? JOURNAL_DEFAULTS.maxFileBytes,
    maxFiles: input.maxFiles ?? JOURNAL_DEFAULTS.maxFiles,
    fsync: input.fsync ?? JOURNAL_DEFAULTS.fsync,
    fsyncIntervalMs: input.fsyncIntervalMs ?? JOURNAL_DEFAULTS.fsyncIntervalMs,
    maxInputBytes: input.maxInputBytes ?? JOURNAL_DEFAULTS.maxInputBytes,
    maxBufferedBytes: input.maxBufferedBytes ?? JOURNAL_DEFAULTS.maxBufferedBytes,
  });
}
