import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../tools/campaign/seeded-random.js';
import {
  worstEvaluate,
  worstFactorize,
  worstShortestPath,
  worstSort,
  worstStatistics,
} from '../../tools/campaign/workloads/worst-cases.js';
import evaluate from '../../versions/evaluate/recursive-descent.js';
import factorize from '../../versions/factorize/pollard-rho.js';
import shortestPath from '../../versions/shortest-path/dijkstra.js';
import sort from '../../versions/sort/merge.js';
import statistics from '../../versions/statistics/welford.js';

// One version per RPC cross-checks each reference built by construction; a reference that a
// correct version does not meet is a broken campaign, not a broken gateway.
const seeds = [1, 2, 3];

describe('the contract worst cases of the campaign', () => {
  it('sorts 100,000 values, the limit, as a version does', () => {
    const testCase = worstSort(seededRandom(1));
    expect(testCase.request.values).toHaveLength(100_000);
    const result = sort({ values: testCase.request.values });
    if (result.kind !== 'value') throw new Error(result.reason);
    expect(testCase.isCorrect({ values: result.value })).toBe(true);
    expect(testCase.isCorrect({ values: [...result.value].reverse() })).toBe(false);
  });

  it.each(seeds)('factorizes semiprimes near 2^64, primes near 2^64 and squares of 32-bit primes (seed %i)', seed => {
    for (let i = 0; i < 6; i++) {
      const testCase = worstFactorize(seededRandom(`${seed}/${i}`));
      expect(testCase.request.n).toBeGreaterThan(2n ** 60n);
      const result = factorize({ n: testCase.request.n });
      if (result.kind !== 'value') throw new Error(result.reason);
      expect(testCase.isCorrect({ factors: result.value })).toBe(true);
    }
  });

  it.each(seeds)('evaluates expressions at the length and nesting limits (seed %i)', seed => {
    for (let i = 0; i < 6; i++) {
      const testCase = worstEvaluate(seededRandom(`${seed}/${i}`));
      expect(testCase.request.expression.length).toBeLessThanOrEqual(10_000);
      const result = evaluate({ expression: testCase.request.expression });
      if (result.kind !== 'value') throw new Error(result.reason);
      expect(testCase.isCorrect({ value: result.value })).toBe(true);
      expect(testCase.isCorrect({ value: result.value + 1 })).toBe(false);
    }
  });

  it('finds the planted shortest path in a graph of 10,000 nodes and 100,000 edges', () => {
    const testCase = worstShortestPath(seededRandom(4));
    expect(testCase.request.nodeCount).toBe(10_000);
    expect(testCase.request.edges).toHaveLength(100_000);
    const result = shortestPath(testCase.request);
    if (result.kind !== 'value') throw new Error(result.reason);
    expect(testCase.isCorrect(result.value)).toBe(true);
    expect(testCase.isCorrect({ ...result.value, distance: result.value.distance + 1 })).toBe(false);
  });

  it('computes the statistics of 1,000,000 values near 1e9 with a small spread', () => {
    const testCase = worstStatistics(seededRandom(5));
    expect(testCase.request.values).toHaveLength(1_000_000);
    const result = statistics({ values: testCase.request.values });
    if (result.kind !== 'value') throw new Error(result.reason);
    const response = { ...result.value, count: BigInt(result.value.count) };
    expect(testCase.isCorrect(response)).toBe(true);
    expect(testCase.isCorrect({ ...response, variance: response.variance * (1 + 1e-6) })).toBe(false);
  });
});
