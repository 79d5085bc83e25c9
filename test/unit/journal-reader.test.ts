import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJournalLine, type JournalVoteLine } from '../../client/index.js';
import { classifyReplay } from '../../tools/replay/classify-replay.js';
import { journalFiles, readJournal } from '../../tools/replay/read-journal.js';
import { Outcome, Verdict, type VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';

const scratch = mkdtempSync(join(tmpdir(), 'nvote-journal-reader-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const VOTE: JournalVoteLine = {
  format: 'nvote-journal/1',
  kind: 'vote',
  run: 'r',
  seq: 1,
  requestId: 'req-1',
  time: '2026-12-01T12:00:00.000Z',
  method: 'Sort',
  input: { values: ['3', '1'] },
  outcome: 'majority',
  agreeing: 2,
  versions: [
    { version: 'a', verdict: 'disagree', failed: true, ms: 1 },
    { version: 'b', verdict: 'agree', failed: false, ms: 1 },
    { version: 'c', verdict: 'timeout', failed: true, ms: 1 },
    { version: 'd', verdict: 'agree', failed: false, ms: 1 },
  ],
};

describe('reading a journal', () => {
  it('reports each malformed line with its number and why, and reads every good line around it', async () => {
    const path = join(scratch, 'mixed.jsonl');
    const lines = [
      JSON.stringify({ format: 'nvote-journal/1', kind: 'counts', run: 'r', time: 't', votes: {} }),
      '{"format":"nvote-journal/1","kind":"vote"',
      JSON.stringify({ ...VOTE, format: 'other/2' }),
      '',
      JSON.stringify(VOTE),
      JSON.stringify({ ...VOTE, seq: 0 }),
      JSON.stringify({ ...VOTE, versions: [{ version: 'a', verdict: 'agree', ms: 1 }] }),
      JSON.stringify({ ...VOTE, inputOmitted: { bytes: 5, sha256: 'not-hex' } }),
      '[1,2]',
      JSON.stringify({ ...VOTE, seq: 2 }).slice(0, 40),
    ];
    writeFileSync(path, lines.join('\n'));
    const read = await readJournal([path]);
    expect(read.counts).toHaveLength(1);
    expect(read.votes.map(vote => vote.lineNumber)).toEqual([5]);
    expect(read.malformed.map(({ lineNumber, reason }) => [lineNumber, reason])).toEqual([
      [2, expect.stringMatching(/^not JSON/)],
      [3, 'format is not "nvote-journal/1"'],
      [6, 'line.seq is below 1'],
      [7, 'line.versions[0].failed is not a boolean'],
      [8, 'line.inputOmitted.sha256 is not a SHA-256 in hex'],
      [9, 'the line is not an object'],
      [10, expect.stringMatching(/^not JSON/)],
    ]);
  });

  it('reads the rotated files oldest first with --all, and the live file alone without', () => {
    const path = join(scratch, 'rotated.jsonl');
    for (const file of [path, `${path}.1`, `${path}.2`]) writeFileSync(file, '');
    expect(journalFiles(path, true)).toEqual([`${path}.2`, `${path}.1`, path]);
    expect(journalFiles(path, false)).toEqual([path]);
  });

  it('rejects a journal that cannot be read at all', async () => {
    await expect(readJournal([join(scratch, 'absent.jsonl')])).rejects.toThrow(/ENOENT/);
  });

  it('round-trips a line the format allows', () => {
    expect(parseJournalLine(JSON.stringify(VOTE))).toEqual({ ok: true, line: VOTE });
  });
});

describe('judging a replay', () => {
  const report = (verdicts: Record<string, Verdict>): VoteReport => ({
    method: 'Sort',
    requestId: 'replay',
    outcome: Outcome.OUTCOME_MAJORITY,
    configuredVersions: 4,
    agreeing: 3,
    versions: Object.entries(verdicts).map(([version, verdict]) => ({ version, verdict, durationSeconds: 0, domainReason: '', injectedFault: '', shadow: false, attempts: 1 })),
  });

  it('calls a version fixed, still, new, ok or unknown by its verdict then and now', () => {
    const judged = classifyReplay(
      VOTE,
      report({ a: Verdict.VERDICT_AGREE, b: Verdict.VERDICT_CRASH, c: Verdict.VERDICT_TIMEOUT, d: Verdict.VERDICT_PENDING }),
    );
    expect(judged).toEqual([
      { version: 'a', then: 'disagree', now: 'agree', class: 'fixed' },
      { version: 'b', then: 'agree', now: 'crash', class: 'new' },
      { version: 'c', then: 'timeout', now: 'timeout', class: 'still' },
      { version: 'd', then: 'agree', now: 'pending', class: 'unknown' },
    ]);
  });

  it('calls a version the replaying gateway does not run unknown', () => {
    expect(classifyReplay(VOTE, report({ b: Verdict.VERDICT_AGREE }))[0]).toEqual({ version: 'a', then: 'disagree', now: undefined, class: 'unknown' });
  });
});
