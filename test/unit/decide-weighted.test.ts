import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settlement } from '../../voter/vote/ballot.js';
import { decide } from '../../voter/vote/decide.js';
import { decideWeighted } from '../../voter/vote/decide-weighted.js';
import { createExactVoter } from '../../voter/vote/exact-voter.js';

const exact = createExactVoter<unknown, number[]>();
const value = (version: string, v: number[]): Settlement<number[]> => ({ version, status: 'ballot', ballot: { kind: 'value', value: v }, valid: true });
const crash = (version: string): Settlement<number[]> => ({ version, status: 'failed', failure: 'crash' });
const FIVE = ['a', 'b', 'c', 'd', 'e'];
const weights = (table: Record<string, number>) => (version: string) => table[version] ?? 0;

describe('history-weighted voting', () => {
  it('lets two reliable versions outvote an unreliable one while two others failed, at minAgreement 2', () => {
    const settlements = [value('a', [1]), value('b', [1]), value('c', [9]), crash('d'), crash('e')];
    const rule = { weightOf: weights({ a: 2, b: 2, c: 0.1, d: 2, e: 2 }), minAgreement: 2 };
    expect(decideWeighted(settlements, FIVE, exact, rule)).toMatchObject({ outcome: 'weighted_majority', agreeing: 2, answer: { value: [1] } });
    // Plain majority of five needs three.
    expect(decide(settlements, 5, exact)).toMatchObject({ outcome: 'no_majority' });
  });

  it('never decides with fewer than minAgreement versions, whatever their weight', () => {
    const settlements = [value('a', [1]), crash('b'), crash('c'), crash('d'), crash('e')];
    expect(decideWeighted(settlements, FIVE, exact, { weightOf: () => 100, minAgreement: 2 })).toMatchObject({ outcome: 'quorum_lost' });
  });

  it('waits while the versions still running could outweigh the leader', () => {
    const settlements = [value('a', [1]), value('b', [1])];
    expect(decideWeighted(settlements, FIVE, exact, { weightOf: weights({ a: 1, b: 1, c: 1, d: 1, e: 1 }), minAgreement: 2 })).toBeUndefined();
    expect(decideWeighted(settlements, FIVE, exact, { weightOf: weights({ a: 3, b: 3, c: 1, d: 1, e: 1 }), minAgreement: 2 })).toMatchObject({
      outcome: 'weighted_majority',
    });
  });

  it('refuses a majority of unreliable versions against reliable ones, at minAgreement a strict majority', () => {
    const settlements = [value('a', [1]), value('b', [1]), value('c', [1]), value('d', [2]), value('e', [2])];
    const rule = { weightOf: weights({ a: 0.2, b: 0.2, c: 0.2, d: 3, e: 3 }), minAgreement: 3 };
    expect(decideWeighted(settlements, FIVE, exact, rule)).toMatchObject({ outcome: 'no_majority' });
  });

  it('decides nothing when no version has any weight: fail-safe', () => {
    const settlements = FIVE.map(version => value(version, [1]));
    expect(decideWeighted(settlements, FIVE, exact, { weightOf: () => 0, minAgreement: 3 })).toMatchObject({ outcome: 'no_majority' });
  });

  it('with equal weights and minAgreement a strict majority, decides exactly as plain majority (final decisions)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(null)), { minLength: 3, maxLength: 7 }), draws => {
        const versions = draws.map((_, i) => `v${i}`);
        const settlements = draws.map((draw, i) => (draw === null ? crash(`v${i}`) : value(`v${i}`, [draw])));
        const plain = decide(settlements, versions.length, exact);
        const weighted = decideWeighted(settlements, versions, exact, { weightOf: () => 1, minAgreement: Math.floor(versions.length / 2) + 1 });
        expect(weighted && 'answer' in weighted ? weighted.answer : undefined).toEqual(plain && 'answer' in plain ? plain.answer : undefined);
      }),
    );
  });

  it('the order of arrival never changes the decision', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(null)), { minLength: 3, maxLength: 7 }),
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 1, max: 4 }),
        (draws, table, minAgreement) => {
          const versions = draws.map((_, i) => `v${i}`);
          const settlements = draws.map((draw, i) => (draw === null ? crash(`v${i}`) : value(`v${i}`, [draw])));
          const rule = { weightOf: (version: string) => table[Number(version.slice(1))] ?? 0, minAgreement };
          expect(decideWeighted([...settlements].reverse(), versions, exact, rule)).toEqual(decideWeighted(settlements, versions, exact, rule));
        },
      ),
    );
  });
});
