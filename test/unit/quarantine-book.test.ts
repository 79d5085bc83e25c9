import { describe, expect, it } from 'vitest';
import { createQuarantineBook, type QuarantineRules } from '../../voter/quarantine/index.js';

const RULES: QuarantineRules = { windowSize: 5, failureThreshold: 3, reinstateAfterProbes: 2 };
const TMR = new Map([['Sort', ['a', 'b', 'c']]]);
const FIVE = new Map([['Sort', ['a', 'b', 'c', 'd', 'e']]]);

function fail(book: ReturnType<typeof createQuarantineBook>, version: string, times: number) {
  return Array.from({ length: times }, () => book.record('Sort', version, true)).filter(t => t !== undefined);
}

describe('quarantine book', () => {
  it('quarantines a version once its failures in the window reach the threshold', () => {
    const book = createQuarantineBook(TMR, RULES);
    expect(fail(book, 'b', 2)).toEqual([]);
    expect(book.standingDown('Sort').size).toBe(0);
    expect(book.record('Sort', 'b', true)).toEqual({ method: 'Sort', version: 'b', to: 'quarantined', cause: 'score', failures: 3 });
    expect([...book.standingDown('Sort')]).toEqual(['b']);
  });

  it('forgets failures that slide out of the window', () => {
    const book = createQuarantineBook(TMR, RULES);
    fail(book, 'a', 2);
    for (let i = 0; i < 5; i++) book.record('Sort', 'a', false);
    expect(book.standing('Sort', 'a')).toMatchObject({ failures: 0, verdicts: 5 });
    // Two old failures gone: two new ones are not enough.
    expect(fail(book, 'a', 2)).toEqual([]);
    expect(book.standing('Sort', 'a')?.standing).toBe('voting');
  });

  it('never quarantines below a strict majority of the configured N, and calls the method degraded then', () => {
    const book = createQuarantineBook(TMR, RULES);
    fail(book, 'a', 3);
    expect(fail(book, 'b', 5)).toEqual([]);
    expect([...book.standingDown('Sort')]).toEqual(['a']);
    expect(book.degraded('Sort')).toBe(true);
    expect(book.standing('Sort', 'b')).toMatchObject({ standing: 'voting', overThreshold: true });
    expect(book.quarantine('Sort', 'c')).toMatchObject({ ok: false });
  });

  it('lets five versions lose two to quarantine, not three', () => {
    const book = createQuarantineBook(FIVE, RULES);
    expect(fail(book, 'a', 3)).toHaveLength(1);
    expect(fail(book, 'b', 3)).toHaveLength(1);
    expect(fail(book, 'c', 3)).toHaveLength(0);
    expect(book.standingDown('Sort').size).toBe(2);
  });

  it('reinstates after enough consecutive passed probes, and a failed probe starts the count again', () => {
    const book = createQuarantineBook(TMR, RULES);
    fail(book, 'c', 3);
    expect(book.probed('Sort', 'c', true)).toBeUndefined();
    expect(book.probed('Sort', 'c', false)).toBeUndefined();
    expect(book.probed('Sort', 'c', true)).toBeUndefined();
    expect(book.probed('Sort', 'c', true)).toMatchObject({ to: 'voting', cause: 'probes' });
    expect(book.standing('Sort', 'c')).toMatchObject({ standing: 'voting', failures: 0, verdicts: 0 });
  });

  it('counts a voting version\'s failed self-test like a dissent, and a passed one like an agreement', () => {
    const book = createQuarantineBook(TMR, RULES);
    book.record('Sort', 'a', true);
    expect(book.probed('Sort', 'a', true)).toBeUndefined();
    expect(book.standing('Sort', 'a')).toMatchObject({ failures: 1, verdicts: 2 });
    expect(book.probed('Sort', 'a', false)).toBeUndefined();
    expect(book.probed('Sort', 'a', false)).toMatchObject({ to: 'quarantined', cause: 'self-test', failures: 3 });
  });

  it('ignores clients\' verdicts on a quarantined version', () => {
    const book = createQuarantineBook(TMR, RULES);
    fail(book, 'a', 3);
    expect(book.record('Sort', 'a', false)).toBeUndefined();
    expect(book.standing('Sort', 'a')).toMatchObject({ standing: 'quarantined', failures: 3 });
  });

  it('lets an operator quarantine and reinstate, and names what is wrong', () => {
    const book = createQuarantineBook(TMR, RULES);
    expect(book.quarantine('Sort', 'a')).toMatchObject({ ok: true, transition: { to: 'quarantined', cause: 'operator' } });
    expect(book.quarantine('Sort', 'a')).toEqual({ ok: true });
    expect(book.quarantine('Sort', 'zz')).toEqual({ ok: false, reason: 'no version "zz" of method "Sort"' });
    expect(book.quarantine('Nope', 'a')).toMatchObject({ ok: false });
    expect(book.reinstate('Sort', 'a')).toMatchObject({ ok: true, transition: { to: 'voting', cause: 'operator' } });
    expect(book.standingDown('Sort').size).toBe(0);
  });

  it('restores a snapshot: windows and quarantine, for the versions still configured', () => {
    const before = createQuarantineBook(TMR, RULES);
    fail(before, 'b', 3);
    before.record('Sort', 'a', true);
    const snapshot = { ...before.snapshot(), Gone: { x: { standing: 'quarantined' as const, window: [true], passedProbes: 0 } } };
    const after = createQuarantineBook(TMR, RULES);
    expect(after.restore(snapshot)).toEqual([{ method: 'Sort', version: 'b', to: 'quarantined', cause: 'restored', failures: 3 }]);
    expect([...after.standingDown('Sort')]).toEqual(['b']);
    expect(after.standing('Sort', 'a')).toMatchObject({ failures: 1, verdicts: 1 });
    expect(after.snapshot()).toEqual(before.snapshot());
  });
});
