/** What the journal tells the gateway about itself, for a metric (`nvote_journal_dropped_lines_total`, say). */
export interface JournalSink {
  /** Lines lost: the disk could not keep up (buffer full), or a write failed. */
  linesDropped(count: number): void;
}
