import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseJournalLine, type JournalLine, type JournalVoteLine } from '../../client/index.js';
import {
  createDisagreementJournal,
  journalSchema,
  JOURNAL_DEFAULTS,
  resolveJournalSettings,
  type DisagreementJournalOptions,
  type JournalSettings,
} from '../../voter/journal/index.js';
import { voteEvent } from './support/vote-event.js';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'nvote-journal-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const DISSENT = { 'sort-heap': 'disagree', 'sort-merge': 'agree', 'sort-radix': 'agree' } as const;
const UNANIMOUS = { 'sort-heap': 'agree', 'sort-merge': 'agree', 'sort-radix': 'agree' } as const;

function fakeLogger(): Logger & { warn: ReturnType<typeof vi.fn> } {
  return { warn: vi.fn() } as unknown as Logger & { warn: ReturnType<typeof vi.fn> };
}

function journalAt(settings: Partial<JournalSettings> = {}, options: Partial<DisagreementJournalOptions> = {}) {
  const path = join(scratch, 'journal.jsonl');
  const journal = createDisagreementJournal({
    settings: { ...resolveJournalSettings(), fsync: 'never', ...settings, path },
    logger: fakeLogger(),
    run: 'run-1',
    now: () => new Date('2026-12-01T12:00:00.000Z'),
    ...options,
  });
  return { journal, path };
}

function linesOf(path: string): JournalLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(text => text !== '')
    .map(text => {
      const parsed = parseJournalLine(text);
      if (!parsed.ok) throw new Error(`malformed line ${text}: ${parsed.reason}`);
      return parsed.line;
    });
}

function votesOf(path: string): JournalVoteLine[] {
  return linesOf(path).filter((line): line is JournalVoteLine => line.kind === 'vote');
}

describe('the disagreement journal', () => {
  it('journals a vote with a dissenting version as one well-formed line, with input, outputs and failures', async () => {
    const { journal, path } = journalAt();
    journal.voteEnded(
      voteEvent({
        requestId: 'r-dissent',
        request: { values: [3n, -1n, 2n] },
        verdicts: { ...DISSENT, 'sort-radix': 'timeout' },
        decision: { outcome: 'majority', answer: { kind: 'value', value: [-1n, 2n, 3n] }, winner: { kind: 'value', value: [-1n, 2n, 3n] }, agreeing: 2 },
        records: {
          'sort-heap': { ballot: { kind: 'value', value: [-1n, 2n, 4n] }, injectedFault: 'wrong_value' },
          'sort-merge': { ballot: { kind: 'value', value: [-1n, 2n, 3n] } },
          'sort-radix': { detail: 'no answer within 1000 ms' },
        },
      }),
    );
    await journal.close();
    const [vote, ...rest] = votesOf(path);
    expect(rest).toEqual([]);
    expect(vote).toEqual({
      format: 'nvote-journal/1',
      kind: 'vote',
      run: 'run-1',
      seq: 1,
      requestId: 'r-dissent',
      time: '2026-12-01T12:00:00.000Z',
      method: 'Sort',
      input: { values: ['3', '-1', '2'] },
      outcome: 'majority',
      agreeing: 2,
      versions: [
        { version: 'sort-heap', verdict: 'disagree', failed: true, ms: 12.5, output: { kind: 'value', value: ['-1', '2', '4'] }, injectedFault: 'wrong_value' },
        { version: 'sort-merge', verdict: 'agree', failed: false, ms: 12.5, output: { kind: 'value', value: ['-1', '2', '3'] } },
        { version: 'sort-radix', verdict: 'timeout', failed: true, ms: 12.5, detail: 'no answer within 1000 ms' },
      ],
    });
  });

  it('skips unanimous votes and probes, yet numbers each vote among all client votes of its method', async () => {
    const { journal, path } = journalAt();
    journal.voteEnded(voteEvent({ verdicts: UNANIMOUS }));
    journal.voteEnded(voteEvent({ verdicts: DISSENT, probe: true }));
    journal.voteEnded(voteEvent({ verdicts: UNANIMOUS }));
    journal.voteEnded(voteEvent({ verdicts: DISSENT, requestId: 'third' }));
    journal.voteEnded(voteEvent({ method: 'Evaluate', verdicts: DISSENT, requestId: 'first-evaluate' }));
    await journal.close();
    expect(votesOf(path).map(line => [line.method, line.seq, line.requestId])).toEqual([
      ['Sort', 3, 'third'],
      ['Evaluate', 1, 'first-evaluate'],
    ]);
  });

  it('writes the vote counts first in the file and again at close, unanimous votes included', async () => {
    const { journal, path } = journalAt();
    journal.voteEnded(voteEvent({ verdicts: DISSENT }));
    for (let i = 0; i < 4; i++) journal.voteEnded(voteEvent({ verdicts: UNANIMOUS }));
    await journal.close();
    const lines = linesOf(path);
    expect(lines[0]).toMatchObject({ kind: 'counts', run: 'run-1', votes: {} });
    expect(lines.at(-1)).toMatchObject({ kind: 'counts', run: 'run-1', votes: { Sort: 5 } });
  });

  it('journals a cancelled vote as cancelled, whatever was decided', async () => {
    const { journal, path } = journalAt();
    journal.voteEnded(voteEvent({ verdicts: { ...DISSENT, 'sort-heap': 'cancelled' }, endedEarly: true }));
    await journal.close();
    expect(votesOf(path)[0]?.outcome).toBe('cancelled');
  });

  it('writes bigints as decimal strings, typed arrays as arrays and non-finite doubles as proto3 JSON spells them', async () => {
    const { journal, path } = journalAt();
    journal.voteEnded(
      voteEvent({
        method: 'Statistics',
        request: { values: new Float64Array([1.5, Number.NaN, -Infinity]), ids: new BigInt64Array([9_223_372_036_854_775_807n]) },
        verdicts: DISSENT,
      }),
    );
    await journal.close();
    expect(votesOf(path)[0]?.input).toEqual({ values: [1.5, 'NaN', '-Infinity'], ids: ['9223372036854775807'] });
  });

  it('replaces an input larger than maxInputBytes by its size and SHA-256, so that the line stays bounded', async () => {
    const { journal, path } = journalAt({ maxInputBytes: 1_000 });
    const values = Array.from({ length: 500 }, (_, i) => BigInt(i));
    journal.voteEnded(voteEvent({ request: { values }, verdicts: DISSENT, records: { 'sort-heap': { ballot: { kind: 'value', value: values } } } }));
    await journal.close();
    const [vote] = votesOf(path);
    const text = JSON.stringify({ values: values.map(String) });
    expect(vote?.input).toBeUndefined();
    expect(vote?.inputOmitted).toEqual({ bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
    expect(vote?.versions[0]?.output).toBeUndefined();
    expect(vote?.versions[0]?.outputOmitted?.bytes).toBeGreaterThan(1_000);
  });

  it('rotates before a line would take the file past maxFileBytes, and keeps maxFiles rotated files', async () => {
    const { journal, path } = journalAt({ maxFileBytes: 2_000, maxFiles: 2 });
    for (let i = 1; i <= 40; i++) journal.voteEnded(voteEvent({ requestId: `r-${i}`, verdicts: DISSENT }));
    await journal.close();
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(existsSync(`${path}.2`)).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
    for (const file of [path, `${path}.1`, `${path}.2`]) {
      expect(statSync(file).size).toBeLessThanOrEqual(2_000);
      // Every file opens with the votes counted before its first line, so that a reader of any
      // window knows where it starts.
      const [opening, firstVote] = linesOf(file);
      expect(opening?.kind).toBe('counts');
      if (opening?.kind === 'counts' && firstVote?.kind === 'vote') expect(opening.votes['Sort']).toBe(firstVote.seq - 1);
    }
    const kept = [`${path}.2`, `${path}.1`, path].flatMap(file => votesOf(file).map(line => line.seq));
    expect(kept.at(-1)).toBe(40);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 41 - kept.length + i));
  });

  it('drops lines when more are queued than maxBufferedBytes, counts them in the sink and warns once', async () => {
    const sink = { linesDropped: vi.fn() };
    const logger = fakeLogger();
    const { journal, path } = journalAt({ maxBufferedBytes: 1_500 }, { sink, logger });
    for (let i = 0; i < 20; i++) journal.voteEnded(voteEvent({ verdicts: DISSENT }));
    const dropped = journal.dropped;
    await journal.close();
    expect(dropped).toBeGreaterThan(0);
    expect(sink.linesDropped.mock.calls.reduce((sum, [count]) => sum + (count as number), 0)).toBe(dropped);
    expect(votesOf(path)).toHaveLength(20 - dropped);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[1]).toBe('journal cannot keep up; dropping lines');
  });

  it('never throws into the vote when the file cannot be written: every line is counted as dropped, with one warning', async () => {
    const logger = fakeLogger();
    const journal = createDisagreementJournal({
      settings: { ...resolveJournalSettings(), path: join(scratch, 'missing-dir', 'journal.jsonl') },
      logger,
      run: 'run-1',
    });
    for (let i = 0; i < 5; i++) expect(() => journal.voteEnded(voteEvent({ verdicts: DISSENT }))).not.toThrow();
    await journal.close();
    // The opening counts, five votes and the closing counts.
    expect(journal.dropped).toBe(7);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[1]).toBe('journal write failed; lines dropped');
  });

  it('has every queued line on disk once close resolves, and journals nothing after it', async () => {
    const { journal, path } = journalAt({ fsync: 'every' });
    for (let i = 0; i < 100; i++) journal.voteEnded(voteEvent({ verdicts: DISSENT }));
    await journal.close();
    journal.voteEnded(voteEvent({ verdicts: DISSENT }));
    await journal.close();
    expect(votesOf(path)).toHaveLength(100);
    expect(journal.dropped).toBe(0);
  });

  it('fsyncs under the interval policy on its timer without losing a line', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { journal, path } = journalAt({ fsync: 'interval', fsyncIntervalMs: 50 });
      journal.voteEnded(voteEvent({ verdicts: DISSENT }));
      vi.advanceTimersByTime(200);
      journal.voteEnded(voteEvent({ verdicts: DISSENT }));
      await journal.close();
      expect(votesOf(path)).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the journal settings', () => {
  it('fill in a default, with its unit, for every field but the path', () => {
    expect(resolveJournalSettings({ path: '/var/log/nvote.jsonl' })).toEqual({ path: '/var/log/nvote.jsonl', ...JOURNAL_DEFAULTS });
    expect(resolveJournalSettings().path).toBeUndefined();
  });

  it('name each field they refuse, all at once', () => {
    const result = journalSchema.safeParse({ path: '', maxFileBytes: 10, maxFiles: -1, fsync: 'sometimes', fsyncIntervalMs: 0, maxInputBytes: 0, extra: 1 });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map(issue => issue.path.join('.') || issue.code);
    expect(paths).toEqual(expect.arrayContaining(['path', 'maxFileBytes', 'maxFiles', 'fsync', 'fsyncIntervalMs', 'maxInputBytes', 'unrecognized_keys']));
  });
});
