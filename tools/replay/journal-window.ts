import type { MethodFailures } from './co-failures.js';
import type { JournalRead } from './read-journal.js';

/**
 * Per method, the votes a stretch of journal covered and who failed in each journaled one. Each
 * run numbers its votes from 1 and writes its counts at the top of every file and at close, so a
 * window of run r covers the votes from (the smallest count or first sequence number seen) to
 * (the largest); runs add up. A window that lost its counts (a crash) covers at least its lines.
 */
export function journalWindow(read: JournalRead): MethodFailures[] {
  const spans = new Map<string, { low: number; high: number }>();
  const widen = (run: string, method: string, low: number, high: number): void => {
    const key = `${run}\u0000${method}`;
    const span = spans.get(key);
    spans.set(key, span === undefined ? { low, high } : { low: Math.min(span.low, low), high: Math.max(span.high, high) });
  };
  const methods = new Map<string, { versions: Set<string>; failed: string[][] }>();
  for (const { line } of read.votes) {
    widen(line.run, line.method, line.seq, line.seq);
    const entry = methods.get(line.method) ?? { versions: new Set(), failed: [] };
    for (const version of line.versions) entry.versions.add(version.version);
    entry.failed.push(line.versions.filter(version => version.failed).map(version => version.version));
    methods.set(line.method, entry);
  }
  const runs = new Set(read.votes.map(({ line }) => line.run));
  for (const { line } of read.counts) {
    runs.add(line.run);
    for (const method of methods.keys()) {
      // A method a counts line does not name had no votes yet: the window starts at its first.
      const count = line.votes[method] ?? 0;
      widen(line.run, method, count + 1, count);
    }
  }
  return [...methods].map(([method, { versions, failed }]) => {
    let votes = 0;
    for (const run of runs) {
      const span = spans.get(`${run}\u0000${method}`);
      if (span !== undefined) votes += Math.max(0, span.high - span.low + 1);
    }
    return { method, votes, versions: [...versions], failed };
  });
}
