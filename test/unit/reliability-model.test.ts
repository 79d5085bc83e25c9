import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isConsistentWithModel,
  majorityFailureProbability,
  normalQuantile,
  simplexFailureProbability,
  tmrFailureProbability,
  wilsonInterval,
} from '../../tools/campaign/reliability-model.js';

const grid = Array.from({ length: 21 }, (_, i) => i / 20);

/** Enumerates all 2^n outcomes: the definition, with no binomial algebra to get wrong. */
function bruteForceMajorityFailure(versions: number, p: number): number {
  let total = 0;
  for (let outcome = 0; outcome < 2 ** versions; outcome += 1) {
    let probability = 1;
    let correct = 0;
    for (let v = 0; v < versions; v += 1) {
      const fails = (outcome >> v) & 1;
      probability *= fails === 1 ? p : 1 - p;
      correct += 1 - fails;
    }
    if (correct < Math.floor(versions / 2) + 1) total += probability;
  }
  return total;
}

describe('majorityFailureProbability', () => {
  it('is p itself for a single version (simplex)', () => {
    for (const p of grid) expect(majorityFailureProbability(1, p)).toBe(p);
  });

  it('equals 3p^2 - 2p^3 for three versions (TMR)', () => {
    for (const p of grid) expect(majorityFailureProbability(3, p)).toBeCloseTo(3 * p ** 2 - 2 * p ** 3, 14);
  });

  it('needs three of four versions correct, so two failures already lose the vote', () => {
    // 1 - q^4 - 4 p q^3 at p = 0.1: 1 - 0.6561 - 0.2916
    expect(majorityFailureProbability(4, 0.1)).toBeCloseTo(0.0523, 14);
    // two failures out of four: 6 p^2 q^2 + 4 p^3 q + p^4 at p = 0.5 is 11/16
    expect(majorityFailureProbability(4, 0.5)).toBeCloseTo(11 / 16, 14);
  });

  it('matches brute-force enumeration of all 2^n outcomes for n = 2, 4, 5 and 7', () => {
    for (const n of [2, 4, 5, 7]) {
      for (const p of grid) expect(majorityFailureProbability(n, p)).toBeCloseTo(bruteForceMajorityFailure(n, p), 14);
    }
  });

  it('is exactly 0 at p = 0 and exactly 1 at p = 1', () => {
    for (let n = 1; n <= 50; n += 1) {
      expect(majorityFailureProbability(n, 0)).toBe(0);
      expect(majorityFailureProbability(n, 1)).toBe(1);
    }
  });

  it('keeps full relative precision for tiny probabilities with many versions', () => {
    // Exact rational sums (Python fractions), rounded to double once.
    expect(majorityFailureProbability(49, 0.01) / 5.012606228381875e-37).toBeCloseTo(1, 12);
    expect(majorityFailureProbability(50, 0.001) / 1.2340674577392931e-61).toBeCloseTo(1, 12);
  });

  it('is monotone non-decreasing in p for odd n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (half, a, b) => {
          const n = 2 * half + 1;
          const [lower, upper] = a <= b ? [a / 1000, b / 1000] : [b / 1000, a / 1000];
          expect(majorityFailureProbability(n, lower)).toBeLessThanOrEqual(majorityFailureProbability(n, upper));
        },
      ),
    );
  });

  it('is symmetric for odd n: failing at p and at 1 - p add up to 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 }), fc.double({ min: 0, max: 1, noNaN: true }), (half, p) => {
        const n = 2 * half + 1;
        expect(majorityFailureProbability(n, p) + majorityFailureProbability(n, 1 - p)).toBeCloseTo(1, 12);
      }),
    );
  });

  it('rejects a version count that is not an integer >= 1', () => {
    for (const versions of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 1001]) {
      expect(() => majorityFailureProbability(versions, 0.1)).toThrow(RangeError);
    }
    expect(() => majorityFailureProbability(0, 0.1)).toThrow(/versions must be an integer/);
  });

  it('rejects p outside [0, 1]', () => {
    for (const p of [-0.1, 1.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => majorityFailureProbability(3, p)).toThrow(RangeError);
    }
    expect(() => majorityFailureProbability(3, 2)).toThrow(/p must be a probability in \[0, 1\], got 2/);
  });
});

describe('simplexFailureProbability and tmrFailureProbability', () => {
  it('agree with the general majority formula', () => {
    for (const p of grid) {
      expect(simplexFailureProbability(p)).toBe(majorityFailureProbability(1, p));
      expect(tmrFailureProbability(p)).toBeCloseTo(majorityFailureProbability(3, p), 14);
    }
  });

  it('reject p outside [0, 1]', () => {
    expect(() => simplexFailureProbability(-0.5)).toThrow(RangeError);
    expect(() => tmrFailureProbability(1.5)).toThrow(RangeError);
  });
});

describe('normalQuantile', () => {
  it('gives the familiar z values to 1e-12', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 12);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
  });

  it('rejects probabilities outside (0, 1)', () => {
    for (const p of [0, 1, -1, Number.NaN]) expect(() => normalQuantile(p)).toThrow(RangeError);
  });
});

describe('wilsonInterval', () => {
  it('matches published intervals (Newcombe 1998, Table I; 95%)', () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [failures, trials, low, high] of cases) {
      const interval = wilsonInterval(failures, trials);
      expect(interval.low).toBeCloseTo(low, 4);
      expect(interval.high).toBeCloseTo(high, 4);
    }
  });

  it('gives [0, 0.2775] for 0 of 10 and [0.2366, 0.7634] for 5 of 10 at 95%', () => {
    const none = wilsonInterval(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const half = wilsonInterval(5, 10, 0.95);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
  });

  it('widens with the confidence level', () => {
    const ninety = wilsonInterval(5, 10, 0.9);
    const ninetyNine = wilsonInterval(5, 10, 0.99);
    expect(ninety.low).toBeCloseTo(0.2693, 4);
    expect(ninetyNine.low).toBeCloseTo(0.1842, 4);
    expect(ninetyNine.high - ninetyNine.low).toBeGreaterThan(ninety.high - ninety.low);
  });

  it('reaches exactly 1 when every trial failed', () => {
    expect(wilsonInterval(10, 10).high).toBe(1);
  });

  it('says nothing, [0, 1], without trials', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('contains the observed proportion and stays within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }).chain((trials) =>
          fc.tuple(fc.integer({ min: 0, max: trials }), fc.constant(trials)),
        ),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        ([failures, trials], confidence) => {
          const { low, high } = wilsonInterval(failures, trials, confidence);
          expect(low).toBeGreaterThanOrEqual(0);
          expect(high).toBeLessThanOrEqual(1);
          expect(low).toBeLessThanOrEqual(failures / trials);
          expect(high).toBeGreaterThanOrEqual(failures / trials);
        },
      ),
    );
  });

  it('rejects failures that are negative, fractional or more than the trials', () => {
    expect(() => wilsonInterval(-1, 10)).toThrow(/failures must be an integer/);
    expect(() => wilsonInterval(1.5, 10)).toThrow(/failures must be an integer/);
    expect(() => wilsonInterval(11, 10)).toThrow(/failures must be an integer in \[0, trials = 10\], got 11/);
  });

  it('rejects trials that are negative or fractional', () => {
    expect(() => wilsonInterval(0, -1)).toThrow(/trials must be an integer/);
    expect(() => wilsonInterval(0, 2.5)).toThrow(/trials must be an integer/);
  });

  it('rejects a confidence level outside (0, 1)', () => {
    for (const confidence of [0, 1, 95, Number.NaN]) {
      expect(() => wilsonInterval(1, 10, confidence)).toThrow(/confidence must be in \(0, 1\)/);
    }
  });
});

describe('isConsistentWithModel', () => {
  it('accepts a model probability inside the observation interval', () => {
    expect(isConsistentWithModel(5, 10, 0.5)).toBe(true);
    expect(isConsistentWithModel(0, 1000, 0)).toBe(true);
    expect(isConsistentWithModel(28, 1000, tmrFailureProbability(0.1))).toBe(true);
  });

  it('rejects a model probability outside the observation interval', () => {
    expect(isConsistentWithModel(5, 10, 0.1)).toBe(false);
    expect(isConsistentWithModel(100, 1000, tmrFailureProbability(0.1))).toBe(false);
  });

  it('uses the confidence level it is given', () => {
    // 0.2 lies between the 90% low (0.2693) and the 99% low (0.1842) of 5 of 10.
    expect(isConsistentWithModel(5, 10, 0.2, 0.9)).toBe(false);
    expect(isConsistentWithModel(5, 10, 0.2, 0.99)).toBe(true);
  });

  it('accepts anything without trials', () => {
    expect(isConsistentWithModel(0, 0, 0.73)).toBe(true);
  });

  it('rejects a model probability outside [0, 1]', () => {
    expect(() => isConsistentWithModel(1, 10, 1.2)).toThrow(/modelProbability must be a probability/);
  });
});
