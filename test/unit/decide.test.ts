import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settlement } from '../../voter/vote/ballot.js';
import { decide, majorityOf, verdictOf } from '../../voter/vote/decide.js';
import { createExactVoter } from '../../voter/vote/exact-voter.js';
import { createToleranceVoter } from '../../voter/vote/tolerance-voter.js';

const exact = createExactVoter<unknown, number[]>();
const value = (version: string, v: number[]): Settlement<number[]> => ({
  version,
  status: 'ballot',
  ballot: { kind: 'value', value: v },
  valid: true,
});
const fault = (version: string): Settlement<number[]> => ({ version, status: 'failed', failure: 'crash' });
const domain = (version: string, reason: string): Settlement<number[]> => ({
  version,
  status: 'ballot',
  ballot: { kind: 'domain_error', reason },
  valid: true,
});

describe('decide', () => {
  it('is unanimous when all configured versions agree', () => {
    expect(decide([value('a', [1]), value('b', [1]), value('c', [1])], 3, exact)).toMatchObject({
      outcome: 'unanimous',
      agreeing: 3,
      answer: { kind: 'value', value: [1] },
    });
  });

  it('decides early on a strict majority while a version is pending', () => {
    expect(decide([value('a', [1]), value('b', [1])], 3, exact)).toMatchObject({ outcome: 'majority', agreeing: 2 });
  });

  it('waits while a majority is still possible', () => {
    expect(decide([value('a', [1]), value('b', [2])], 3, exact)).toBeUndefined();
    expect(decide([fault('a')], 3, exact)).toBeUndefined();
  });

  it('is no_majority when enough versions answered but split', () => {
    expect(decide([value('a', [1]), value('b', [2]), value('c', [3])], 3, exact)).toEqual({
      outcome: 'no_majority',
      agreeing: 1,
      ballots: 3,
    });
    expect(decide([value('a', [1]), value('b', [2]), fault('c')], 3, exact)).toMatchObject({ outcome: 'no_majority' });
  });

  it('is quorum_lost as soon as too few versions can still answer', () => {
    expect(decide([fault('a'), fault('b')], 3, exact)).toEqual({ outcome: 'quorum_lost', agreeing: 0, ballots: 0 });
    expect(decide([value('a', [1]), fault('b'), fault('c')], 3, exact)).toEqual({
      outcome: 'quorum_lost',
      agreeing: 1,
      ballots: 1,
    });
  });

  it('calls the only answer of a lost quorum unconfirmed, not a dissent', () => {
    const lone = [value('a', [1]), fault('b'), fault('c')];
    const decision = decide(lone, 3, exact)!;
    expect(verdictOf(lone[0], decision, exact)).toBe('unconfirmed');
    expect(verdictOf(lone[1], decision, exact)).toBe('crash');
    // An answer the voter refused is no answer to confirm, and stays a dissent.
    const refused: Settlement<number[]> = { ...value('a', [1]), valid: false } as Settlement<number[]>;
    const withRefused = [value('b', [2]), refused, fault('c')];
    const split = decide(withRefused, 3, exact)!;
    expect(verdictOf(withRefused[0], split, exact)).toBe('unconfirmed');
    expect(verdictOf(refused, split, exact)).toBe('disagree');
    // Two answers that differ contradict each other: both dissent.
    const two = [value('a', [1]), value('b', [2]), fault('c')];
    const contradicted = decide(two, 3, exact)!;
    expect(two.map(settlement => verdictOf(settlement, contradicted, exact))).toEqual(['disagree', 'disagree', 'crash']);
  });

  it('votes on domain errors by reason', () => {
    expect(decide([domain('a', 'EMPTY'), domain('b', 'EMPTY'), value('c', [])], 3, exact)).toMatchObject({
      outcome: 'majority',
      answer: { kind: 'domain_error', reason: 'EMPTY' },
    });
    expect(decide([domain('a', 'EMPTY'), domain('b', 'TOO_LARGE'), value('c', [])], 3, exact)).toMatchObject({
      outcome: 'no_majority',
    });
  });

  it('treats a refused answer as a ballot that agrees with nothing', () => {
    const refused: Settlement<number[]> = { ...value('c', [1]), valid: false } as Settlement<number[]>;
    expect(decide([value('a', [1]), value('b', [2]), refused], 3, exact)).toMatchObject({ outcome: 'no_majority' });
  });

  it('needs a strict majority of the configured N, not of those that answered', () => {
    expect(majorityOf(3)).toBe(2);
    expect(majorityOf(4)).toBe(3);
    expect(majorityOf(5)).toBe(3);
    expect(decide([value('a', [1]), value('b', [1]), fault('c'), fault('d')], 4, exact)).toMatchObject({
      outcome: 'quorum_lost',
    });
  });
});

const answer = fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 3 });

describe('decide, properties', () => {
  it('fewer than N/2 faulty ballots never change the answer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 9 }).chain(n =>
          fc.record({
            n: fc.constant(n),
            correct: answer,
            faulty: fc.array(fc.oneof(answer.map(v => ({ kind: 'value' as const, v })), fc.constant({ kind: 'fault' as const })), {
              maxLength: Math.ceil(n / 2) - 1,
            }),
          }),
        ),
        ({ n, correct, faulty }) => {
          const settlements = [
            ...faulty.map((f, i) => (f.kind === 'fault' ? fault(`f${i}`) : value(`f${i}`, f.v))),
            ...Array.from({ length: n - faulty.length }, (_, i) => value(`c${i}`, correct)),
          ];
          const decision = decide(settlements, n, exact);
          expect(decision && 'answer' in decision ? decision.answer : undefined).toEqual({ kind: 'value', value: correct });
        },
      ),
    );
  });

  it('the order of arrival never changes the final decision', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(answer.map(v => ({ v })), fc.constant(null)), { minLength: 3, maxLength: 7 }),
        fc.infiniteStream(fc.nat()),
        (ballots, randomness) => {
          const settlements = ballots.map((b, i) => (b === null ? fault(`v${i}`) : value(`v${i}`, b.v)));
          const shuffled = [...settlements];
          const it = randomness[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (it.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          expect(decide(shuffled, ballots.length, exact)).toEqual(decide(settlements, ballots.length, exact));
        },
      ),
    );
  });

  it('never returns an answer without a strict majority of the configured N agreeing', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(answer.map(v => ({ v })), fc.constant(null)), { minLength: 1, maxLength: 9 }), ballots => {
        const settlements = ballots.map((b, i) => (b === null ? fault(`v${i}`) : value(`v${i}`, b.v)));
        const decision = decide(settlements, ballots.length, exact);
        if (decision && 'answer' in decision) {
          const key = JSON.stringify(decision.answer.kind === 'value' ? decision.answer.value : null);
          const support = ballots.filter(b => b !== null && JSON.stringify(b.v) === key).length;
          expect(support).toBeGreaterThanOrEqual(majorityOf(ballots.length));
          expect(decision.agreeing).toBe(support);
        }
      }),
    );
  });

  it('a tolerance vote returns the shared value when a majority produced it exactly', () => {
    const voter = createToleranceVoter<unknown, number>({ relative: 1e-9, absolute: 0 });
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 2 }),
        (correct, noise) => {
          const n = 2 * noise.length + 1;
          const settlements: Settlement<number>[] = [
            ...noise.map((v, i): Settlement<number> => ({ version: `f${i}`, status: 'ballot', ballot: { kind: 'value', value: v }, valid: true })),
            ...Array.from({ length: n - noise.length }, (_, i): Settlement<number> => ({
              version: `c${i}`,
              status: 'ballot',
              ballot: { kind: 'value', value: correct },
              valid: true,
            })),
          ];
          const decision = decide(settlements, n, voter);
          expect(decision && 'answer' in decision ? decision.answer : undefined).toEqual({
            kind: 'value',
            value: Object.is(correct, -0) ? 0 : correct,
          });
        },
      ),
    );
  });
});
