import { wilsonInterval, type ProportionInterval } from '../campaign/reliability-model.js';

/** What the journal says about one method: how many votes it covered, and who failed in each journaled one. */
export interface MethodFailures {
  readonly method: string;
  /** Client votes the journal window covered, unanimous ones included (n). */
  readonly votes: number;
  readonly versions: readonly string[];
  /** The versions that failed, per journaled vote (the unanimous votes failed no one). */
  readonly failed: readonly (readonly string[])[];
}

/** One unordered pair of a method's versions (a < b), against the independent-failure model. */
export interface CoFailurePair {
  readonly method: string;
  readonly a: string;
  readonly b: string;
  readonly votes: number;
  readonly failuresA: number;
  readonly failuresB: number;
  readonly rateA: number;
  readonly rateB: number;
  /** Votes in which both failed. */
  readonly both: number;
  /** What independence predicts: n · p_a · p_b. */
  readonly expected: number;
  /** both / expected; undefined when independence predicts none (a version never failed). */
  readonly ratio: number | undefined;
  /** The Wilson score interval of the joint failure rate both / n. */
  readonly jointInterval: ProportionInterval;
  /** That interval divided by p_a · p_b: the ratio's interval, taking the two rates as known. */
  readonly ratioInterval: ProportionInterval | undefined;
}

/**
 * For every pair of every method: how often both failed on the same vote, against what
 * independent failures at the observed rates predict. Independent versions give ratios near 1;
 * a common-mode fault (a shared misreading of the spec, a shared library) gives ratios far above
 * it, and is what N-version voting cannot mask. Pure.
 */
export function coFailures(methods: readonly MethodFailures[], confidence = 0.95): CoFailurePair[] {
  const pairs: CoFailurePair[] = [];
  for (const { method, votes, versions, failed } of methods) {
    // A window whose counts are missing (cut short) still covered at least the votes it holds.
    const n = Math.max(votes, failed.length);
    const failures = new Map<string, number>();
    const together = new Map<string, number>();
    for (const set of failed) {
      const sorted = [...new Set(set)].sort();
      for (const [i, a] of sorted.entries()) {
        failures.set(a, (failures.get(a) ?? 0) + 1);
        for (const b of sorted.slice(i + 1)) together.set(pairKey(a, b), (together.get(pairKey(a, b)) ?? 0) + 1);
      }
    }
    const sorted = [...new Set(versions)].sort();
    for (const [i, a] of sorted.entries()) {
      for (const b of sorted.slice(i + 1)) {
        const failuresA = failures.get(a) ?? 0;
        const failuresB = failures.get(b) ?? 0;
        const both = together.get(pairKey(a, b)) ?? 0;
        const rateA = n === 0 ? 0 : failuresA / n;
        const rateB = n === 0 ? 0 : failuresB / n;
        const expected = n * rateA * rateB;
        const jointInterval = wilsonInterval(both, n, confidence);
        const product = rateA * rateB;
        pairs.push({
          method,
          a,
          b,
          votes: n,
          failuresA,
          failuresB,
          rateA,
          rateB,
          both,
          expected,
          ratio: expected > 0 ? both / expected : undefined,
          jointInterval,
          ratioInterval: product > 0 ? { low: jointInterval.low / product, high: jointInterval.high / product } : undefined,
        });
      }
    }
  }
  return pairs;
}

function pairKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}
