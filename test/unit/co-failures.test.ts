import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../tools/campaign/seeded-random.js';
import { coFailures, type MethodFailures } from '../../tools/replay/co-failures.js';
import { journalWindow } from '../../tools/replay/journal-window.js';
import type { JournalRead } from '../../tools/replay/read-journal.js';
import type { JournalCountsLine, JournalVoteLine } from '../../client/index.js';

function repeat(times: number, failed: readonly string[]): string[][] {
  return Array.from({ length: times }, () => [...failed]);
}

describe('the co-failure matrix', () => {
  it('gives the counts, rates, expectation under independence, ratio and Wilson interval of known numbers', () => {
    // 100 votes: a failed in 10, b in 20, both in 5 of them.
    const method: MethodFailures = {
      method: 'Sort',
      votes: 100,
      versions: ['b', 'a'],
      failed: [...repeat(5, ['a', 'b']), ...repeat(5, ['a']), ...repeat(15, ['b'])],
    };
    const [pair, ...rest] = coFailures([method]);
    expect(rest).toEqual([]);
    expect(pair).toMatchObject({ method: 'Sort', a: 'a', b: 'b', votes: 100, failuresA: 10, failuresB: 20, both: 5, rateA: 0.1, rateB: 0.2 });
    expect(pair?.expected).toBeCloseTo(2, 12);
    expect(pair?.ratio).toBeCloseTo(2.5, 12);
    // Wilson score, 95%, 5 of 100: [0.02155, 0.11175].
    expect(pair?.jointInterval.low).toBeCloseTo(0.02155, 4);
    expect(pair?.jointInterval.high).toBeCloseTo(0.11175, 4);
    expect(pair?.ratioInterval?.low).toBeCloseTo(0.02155 / 0.02, 2);
    expect(pair?.ratioInterval?.high).toBeCloseTo(0.11175 / 0.02, 2);
  });

  it('lists every unordered pair once, the lexicographically smaller version first', () => {
    const pairs = coFailures([{ method: 'Sort', votes: 10, versions: ['c', 'a', 'b', 'd'], failed: [] }]);
    expect(pairs.map(pair => `${pair.a}/${pair.b}`)).toEqual(['a/b', 'a/c', 'a/d', 'b/c', 'b/d', 'c/d']);
  });

  it('finds a ratio near 1, its interval around 1, for versions that fail independently', () => {
    const random = seededRandom('independent');
    const failed = Array.from({ length: 20_000 }, () => [
      ...(random.next() < 0.2 ? ['a'] : []),
      ...(random.next() < 0.3 ? ['b'] : []),
    ]);
    const [pair] = coFailures([{ method: 'Sort', votes: failed.length, versions: ['a', 'b'], failed }]);
    expect(pair?.ratio).toBeGreaterThan(0.9);
    expect(pair?.ratio).toBeLessThan(1.1);
    expect(pair?.ratioInterval?.low).toBeLessThan(1);
    expect(pair?.ratioInterval?.high).toBeGreaterThan(1);
  });

  it('finds a ratio far above 1, its whole interval above it, for a common-mode pair', () => {
    // 1,000 votes, of which 50 journaled ones failed both together: independence predicts 2.5.
    const [pair] = coFailures([{ method: 'Sort', votes: 1_000, versions: ['a', 'b', 'c'], failed: repeat(50, ['a', 'b']) }]);
    expect(pair?.ratio).toBeCloseTo(20, 9);
    expect(pair?.ratioInterval?.low).toBeGreaterThan(10);
  });

  it('has no ratio for a pair one of whose versions never failed', () => {
    const [pair] = coFailures([{ method: 'Sort', votes: 100, versions: ['a', 'b'], failed: repeat(3, ['a']) }]);
    expect(pair).toMatchObject({ both: 0, expected: 0, ratio: undefined, ratioInterval: undefined });
  });
});

describe('the window a journal covers', () => {
  const vote = (run: string, seq: number, failed: readonly string[]): JournalVoteLine => ({
    format: 'nvote-journal/1',
    kind: 'vote',
    run,
    seq,
    requestId: `${run}-${seq}`,
    time: '2026-12-01T12:00:00.000Z',
    method: 'Sort',
    input: { values: [] },
    outcome: 'majority',
    agreeing: 2,
    versions: ['a', 'b', 'c'].map(version => ({ version, verdict: failed.includes(version) ? 'disagree' : 'agree', failed: failed.includes(version), ms: 1 })),
  });
  const counts = (run: string, votes: Record<string, number>): JournalCountsLine => ({ format: 'nvote-journal/1', kind: 'counts', run, time: '', votes });
  const readOf = (lines: readonly (JournalVoteLine | JournalCountsLine)[]): JournalRead => ({
    files: ['j'],
    votes: lines.flatMap((line, index) => (line.kind === 'vote' ? [{ file: 'j', lineNumber: index + 1, line }] : [])),
    counts: lines.flatMap((line, index) => (line.kind === 'counts' ? [{ file: 'j', lineNumber: index + 1, line }] : [])),
    malformed: [],
  });

  it('counts the unanimous votes between a file\'s opening counts and its closing counts', () => {
    const [sort] = journalWindow(readOf([counts('r', {}), vote('r', 3, ['a']), vote('r', 7, ['a', 'b']), counts('r', { Sort: 10 })]));
    expect(sort).toEqual({ method: 'Sort', votes: 10, versions: ['a', 'b', 'c'], failed: [['a'], ['a', 'b']] });
  });

  it('starts a rotated window at the counts its first file opens with, and adds up runs', () => {
    const lines = [counts('r1', { Sort: 100 }), vote('r1', 104, ['c']), counts('r1', { Sort: 120 }), counts('r2', {}), vote('r2', 2, ['b'])];
    expect(journalWindow(readOf(lines))[0]?.votes).toBe(20 + 2);
  });
});
