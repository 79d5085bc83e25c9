import { basename } from 'node:path';
import { textTable } from '../bench/text-table.js';
import type { CoFailurePair } from './co-failures.js';
import type { JournalRead } from './read-journal.js';
import type { ReplayResult } from './run-replay.js';

export interface ReplayReport {
  readonly read: JournalRead;
  readonly result: ReplayResult;
  readonly pairs: readonly CoFailurePair[];
}

const TOTAL_COLUMNS = ['entries', 'replayed', 'unreplayable', 'unanswered', 'fixed', 'still', 'new', 'ok', 'unknown'] as const;

/** The replay as a person reads it: totals per method, what still fails, what could not be replayed, the co-failure matrix. */
export function renderReplay({ read, result, pairs }: ReplayReport): string {
  const out: string[] = [];
  const files = read.files.map(file => basename(file)).join(', ');
  out.push(`nvote replay: ${read.votes.length} journaled vote(s) in ${read.files.length} file(s) (${files})`);
  if (read.malformed.length > 0) {
    out.push(`${read.malformed.length} malformed line(s) skipped:`);
    for (const { file, lineNumber, reason } of read.malformed) out.push(`  ${basename(file)}:${lineNumber}: ${reason}`);
  }
  out.push('', 'per method (entries by status; versions by class: fixed = failed then, agrees now; still = fails again; new = agreed then, fails now)');
  out.push(
    textTable(
      [['method', ...TOTAL_COLUMNS], ...result.totals.map(totals => [totals.method, ...TOTAL_COLUMNS.map(column => String(totals[column]))])],
      new Set(TOTAL_COLUMNS.map((_, index) => index + 1)),
    ),
  );

  const failing = result.entries.filter(entry => entry.versions.some(version => version.class === 'still' || version.class === 'new'));
  if (failing.length > 0) {
    out.push('', 'still failing or failing anew:');
    for (const entry of failing) {
      const versions = entry.versions
        .filter(version => version.class === 'still' || version.class === 'new')
        .map(version => `${version.version} ${version.class} (${version.then} -> ${version.now ?? '?'})`);
      out.push(`  ${entry.method} ${entry.requestId} (${basename(entry.file)}:${entry.lineNumber}) ${entry.outcomeThen} -> ${entry.outcomeNow ?? '?'}: ${versions.join(', ')}`);
    }
  }
  const fixed = result.entries.filter(entry => entry.versions.some(version => version.class === 'fixed'));
  if (fixed.length > 0) {
    out.push('', 'fixed:');
    for (const entry of fixed) {
      const versions = entry.versions.filter(version => version.class === 'fixed').map(version => `${version.version} (${version.then} -> ${version.now ?? '?'})`);
      out.push(`  ${entry.method} ${entry.requestId} (${basename(entry.file)}:${entry.lineNumber}): ${versions.join(', ')}`);
    }
  }
  const notReplayed = result.entries.filter(entry => entry.status !== 'replayed');
  if (notReplayed.length > 0) {
    out.push('', 'not replayed:');
    for (const entry of notReplayed) out.push(`  ${entry.method} ${entry.requestId} (${basename(entry.file)}:${entry.lineNumber}) ${entry.status}: ${entry.reason ?? ''}`);
  }

  out.push('', 'co-failures, from the journal: votes in which both versions failed, against independent failures (n * p_a * p_b);');
  out.push('ratio well above 1 = common-mode; interval: 95% Wilson score interval of the joint rate, divided by p_a * p_b');
  if (pairs.length === 0) out.push('  (no journaled votes)');
  else {
    const ratio = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(2));
    out.push(
      textTable(
        [
          ['method', 'a', 'b', 'votes', 'fail a', 'fail b', 'both', 'expected', 'ratio', '95% interval'],
          ...pairs.map(pair => [
            pair.method,
            pair.a,
            pair.b,
            String(pair.votes),
            String(pair.failuresA),
            String(pair.failuresB),
            String(pair.both),
            pair.expected.toFixed(2),
            ratio(pair.ratio),
            pair.ratioInterval === undefined ? '-' : `${ratio(pair.ratioInterval.low)} - ${ratio(pair.ratioInterval.high)}`,
          ]),
        ],
        new Set([3, 4, 5, 6, 7, 8]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
