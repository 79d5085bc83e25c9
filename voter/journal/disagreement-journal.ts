import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { JOURNAL_FORMAT, type JournalCountsLine } from '../../client/index.js';
import type { VoteObserver } from '../pipeline/index.js';
import type { JournalSettings } from './journal-config.js';
import type { JournalSink } from './journal-sink.js';
import { journalVoteLine } from './journal-vote-line.js';
import { createRotatingFile } from './rotating-file.js';

const FAILURE_LOG_INTERVAL_MS = 10_000;

export interface DisagreementJournalOptions {
  readonly settings: JournalSettings & { readonly path: string };
  readonly logger: Logger;
  readonly sink?: JournalSink;
  /** Per process by default; fixed in tests. */
  readonly run?: string;
  readonly now?: () => Date;
}

/** The observer that keeps the journal, and the way to flush it at shutdown. */
export interface DisagreementJournal extends VoteObserver {
  /** Lines lost so far (queue full, or a failed write). */
  readonly dropped: number;
  /** Writes what is queued and a closing counts line, fsyncs and closes the file; later votes are not journaled. */
  close(): Promise<void>;
}

/**
 * Appends every client vote that was not unanimous to a bounded, rotating JSON Lines file: the
 * evidence `nvote replay` re-sends. It counts every client vote (a map increment) so that a
 * reader can tell how many votes a stretch of journal covered, unanimous ones included.
 */
export function createDisagreementJournal(options: DisagreementJournalOptions): DisagreementJournal {
  const { settings, logger } = options;
  const run = options.run ?? randomUUID();
  const now = options.now ?? (() => new Date());
  const votes = new Map<string, number>();
  let dropped = 0;
  let closed = false;
  // Dropping is logged when it starts and when it ends, with the count: not once per line.
  let droppingSince: number | undefined;
  let lastFailureLog = -Infinity;
  let failedSinceLog = 0;

  const countsLine = (counts: Readonly<Record<string, number>>): string => {
    const line: JournalCountsLine = { format: JOURNAL_FORMAT, kind: 'counts', run, time: now().toISOString(), votes: counts };
    return JSON.stringify(line);
  };
  const file = createRotatingFile({
    ...settings,
    onDropped(count, reason, error) {
      dropped += count;
      options.sink?.linesDropped(count);
      if (reason === 'error') {
        // A disk that is gone fails every line: one warning per interval, with the count.
        failedSinceLog += count;
        const at = performance.now();
        if (at - lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
        lastFailureLog = at;
        logger.warn({ err: error, path: settings.path, lines: failedSinceLog }, 'journal write failed; lines dropped');
        failedSinceLog = 0;
      } else if (droppingSince === undefined) {
        droppingSince = dropped - count;
        logger.warn({ path: settings.path, maxBufferedBytes: settings.maxBufferedBytes }, 'journal cannot keep up; dropping lines');
      }
    },
  }, countsLine({}));

  return {
    name: 'disagreement-journal',
    get dropped() {
      return dropped;
    },
    voteEnded({ method, end, probe, call }) {
      if (probe) return;
      const seq = (votes.get(method) ?? 0) + 1;
      votes.set(method, seq);
      if (closed || end.kind !== 'recorded') return;
      const { record } = end;
      // A straggler dropped when the vote was decided is no disagreement: nothing to replay. A
      // call that ended before any decision is kept, whatever its versions did.
      if (!record.endedEarly && record.versions.every(version => version.verdict === 'agree' || version.verdict === 'cancelled' || version.verdict === 'pending')) return;
      const line = JSON.stringify(journalVoteLine(call, record, { run, seq, time: now(), maxInputBytes: settings.maxInputBytes }));
      // Should this line open a new file, the counts before it open that file: a reader of the
      // window from there on then knows how many votes it covers.
      const header = countsLine({ ...Object.fromEntries(votes), [method]: seq - 1 });
      if (file.append(line, header) && droppingSince !== undefined) {
        logger.warn({ path: settings.path, dropped: dropped - droppingSince }, 'journal keeps up again');
        droppingSince = undefined;
      }
    },
    close() {
      closed = true;
      return file.close(countsLine(Object.fromEntries(votes)));
    },
  };
}
