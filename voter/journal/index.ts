/**
 * The disagreement journal: an observer that keeps every non-unanimous client vote (input,
 * answers, failures) in a rotating JSON Lines file for `nvote replay`, and the co-failure metric.
 * The line format is spelled in client/journal-line.ts, shared with the readers.
 */
export { createCoFailureMetrics, COFAILURE_LABELS, type CoFailureMethod } from './co-failure-metrics.js';
export { createDisagreementJournal, type DisagreementJournal, type DisagreementJournalOptions } from './disagreement-journal.js';
export { isFailedVerdict } from './failed-verdict.js';
export {
  FSYNC_POLICIES,
  JOURNAL_DEFAULTS,
  journalSchema,
  resolveJournalSettings,
  type FsyncPolicy,
  type JournalInput,
  type JournalSettings,
} from './journal-config.js';
export type { JournalSink } from './journal-sink.js';
