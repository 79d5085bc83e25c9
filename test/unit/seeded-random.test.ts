import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../tools/campaign/seeded-random.js';

// Computed once with the gateway's voter/faults/seeded-random.ts, from which the harness's copy
// was taken: a campaign with the same --seed must keep generating the same requests and faults.
const PINNED = [
  { seed: 1, next: [0.07241448387503624, 0.11977360746823251, 0.2203150379937142], int: 31, bigInt: 1801394491, pick: 'e' },
  { seed: 0n, next: [0.5188589214812964, 0.7713977464009076, 0.5884114992804825], int: -4, bigInt: 1751930309, pick: 'd' },
  { seed: 'campaign-7', next: [0.8304838750045747, 0.6583417789079249, 0.0842778910882771], int: -41, bigInt: 557781397, pick: 'a' },
  { seed: '1/0', next: [0.3242577619384974, 0.6722827004268765, 0.8051004509907216], int: -9, bigInt: 1999128000, pick: 'b' },
  { seed: 'worst-case-bench', next: [0.24416528665460646, 0.7401881504338235, 0.468357652425766], int: -14, bigInt: 41123392, pick: 'e' },
] as const;

describe("the harness's seeded PRNG", () => {
  it.each(PINNED)('draws the pinned sequence for seed $seed', ({ seed, next, int, bigInt, pick }) => {
    const random = seededRandom(seed);
    expect([random.next(), random.next(), random.next()]).toEqual(next);
    expect(random.int(-50, 50)).toBe(int);
    expect(random.int(0, 2 ** 31)).toBe(bigInt);
    expect(random.pick(['a', 'b', 'c', 'd', 'e'])).toBe(pick);
  });

  it('refuses to pick from an empty array', () => {
    expect(() => seededRandom(1).pick([])).toThrow(RangeError);
  });
});
