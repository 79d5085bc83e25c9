import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ShortestPathInput, StatisticsValue } from '../../versions/contract.js';
import { corruptResult } from '../../voter/faults/corrupt-result.js';
import type { FaultKind } from '../../voter/faults/fault-spec.js';
import { evaluateMethod } from '../../voter/methods/evaluate.js';
import { factorizeMethod } from '../../voter/methods/factorize.js';
import { shortestPathMethod } from '../../voter/methods/shortest-path.js';
import { sortMethod } from '../../voter/methods/sort.js';
import { statisticsMethod } from '../../voter/methods/statistics.js';
import type { AnyVotedMethod } from '../../voter/methods/voted-method.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SEEDS = Array.from({ length: 200 }, (_, index) => String(index));

/** The wrong value a `wrong_value` fault makes of a right one; fails if it is not a value. */
function wrongValueOf(method: AnyVotedMethod, value: unknown, input: unknown, seed: string, kind: FaultKind = 'wrong_value'): unknown {
  const result = corruptResult(kind, Object.freeze({ kind: 'value', value }), input, method, seed);
  expect(result).toMatchObject({ kind: 'value' });
  return (result as { value: unknown }).value;
}

/** Positions at which two arrays of the same length differ. */
function changedIndices<T>(right: readonly T[], wrong: readonly T[]): number[] {
  return right.flatMap((item, index) => (item === wrong[index] ? [] : [index]));
}

/** True when a and b differ by more than a relative tolerance of 1e-6. */
function beyondTolerance(a: number, b: number): boolean {
  return Math.abs(a - b) > 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

describe('corruptResult: wrong_value on Sort', () => {
  const answers: bigint[][] = [[7n], [-5n, 0n, 3n, 3n, 9n], [INT64_MIN, 0n, INT64_MAX], [INT64_MAX], [INT64_MAX, INT64_MAX]];

  it.each(answers.map(right => [right.join(', '), right] as const))(
    'changes exactly one element of [%s] by 1 to 1,000, keeping the length and the type',
    (_, right) => {
      for (const seed of SEEDS) {
        const wrong = wrongValueOf(sortMethod, Object.freeze([...right]), { values: right }, seed) as bigint[];
        expect(sortMethod.isValue(wrong)).toBe(true);
        expect(wrong).toHaveLength(right.length);
        const changed = changedIndices(right, wrong);
        expect(changed).toHaveLength(1);
        const index = changed[0] as number;
        const delta = (wrong[index] as bigint) - (right[index] as bigint);
        const size = delta < 0n ? -delta : delta;
        expect(size >= 1n && size <= 1_000n).toBe(true);
      }
    },
  );

  it('answers an empty list with a one-element list', () => {
    const wrong = wrongValueOf(sortMethod, [], { values: [] }, '1');
    expect(wrong).toEqual([0n]);
    expect(sortMethod.isValue(wrong)).toBe(true);
  });

  it('treats a large answer held as a BigInt64Array (as it crossed from the worker) like the plain list', () => {
    const right = [INT64_MIN, -5n, 0n, 3n, 3n, 9n, INT64_MAX];
    const typed = BigInt64Array.from(right);
    expect(sortMethod.isValue(typed)).toBe(true);
    expect(sortMethod.toResponse(typed)).toEqual({ values: right });
    for (const seed of SEEDS.slice(0, 20)) {
      const fromTyped = wrongValueOf(sortMethod, typed, { values: right }, seed);
      expect(fromTyped).toEqual(wrongValueOf(sortMethod, right, { values: right }, seed));
      expect(sortMethod.isValue(fromTyped)).toBe(true);
    }
    // Plain lists are still checked element by element; a typed array cannot hold anything else.
    expect(sortMethod.isValue([1n, 2n ** 64n])).toBe(false);
    expect(sortMethod.isValue(new Float64Array([1, 2]))).toBe(false);
  });

  it('changes different elements under different seeds', () => {
    const right = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n];
    const changed = new Set(
      SEEDS.map(seed => changedIndices(right, wrongValueOf(sortMethod, right, { values: right }, seed) as bigint[])[0]),
    );
    expect(changed.size).toBe(right.length);
  });
});

describe('corruptResult: wrong_value on Factorize', () => {
  const answers: { n: bigint; factors: bigint[] }[] = [
    { n: 2n, factors: [2n] },
    { n: 12n, factors: [2n, 2n, 3n] },
    { n: 735n, factors: [3n, 5n, 7n, 7n] },
    { n: 18446744073709551557n, factors: [18446744073709551557n] }, // the largest prime below 2^64
    { n: 18446744073709551566n, factors: [2n, 9223372036854775783n] },
  ];

  it.each(answers)('replaces exactly one factor of $n, keeping the count and the type', ({ n, factors }) => {
    for (const seed of SEEDS) {
      const wrong = wrongValueOf(factorizeMethod, Object.freeze([...factors]), { n }, seed) as bigint[];
      expect(factorizeMethod.isValue(wrong)).toBe(true);
      expect(wrong).toHaveLength(factors.length);
      expect(changedIndices(factors, wrong)).toHaveLength(1);
    }
  });

  it('answers an empty factor list with a factor', () => {
    const wrong = wrongValueOf(factorizeMethod, [], { n: 1n }, '1');
    expect(factorizeMethod.isValue(wrong)).toBe(true);
    expect(wrong).not.toEqual([]);
  });
});

describe('corruptResult: wrong_value on Evaluate', () => {
  const answers = [0, 1, -2.5, 3.141592653589793, 123_456.789, -1e-300, Number.MIN_VALUE, 2 ** 53, 1e300, -1e300];

  it.each(answers)('moves %s beyond a 1e-6 relative tolerance, to another finite number', right => {
    for (const seed of SEEDS) {
      const wrong = wrongValueOf(evaluateMethod, right, { expression: String(right) }, seed);
      expect(typeof wrong).toBe('number');
      expect(evaluateMethod.isValue(wrong)).toBe(true);
      expect(beyondTolerance(right, wrong as number)).toBe(true);
    }
  });

  it('stays finite next to the largest double', () => {
    for (const right of [Number.MAX_VALUE, -Number.MAX_VALUE, 1.797e308]) {
      for (const seed of SEEDS.slice(0, 20)) {
        const wrong = wrongValueOf(evaluateMethod, right, { expression: String(right) }, seed);
        // A wrong value the method's own guard refuses would be a malformed result, not a wrong one.
        expect(evaluateMethod.isValue(wrong), `wrong value ${String(wrong)} for ${right}, seed ${seed}`).toBe(true);
        expect(beyondTolerance(right, wrong as number)).toBe(true);
      }
    }
  });
});

describe('corruptResult: wrong_value on Statistics', () => {
  const answers: StatisticsValue[] = [
    { count: 3, mean: 2, variance: 1, stddev: 1, min: 1, max: 3, median: 2 },
    { count: 1, mean: 5, variance: 0, stddev: 0, min: 5, max: 5, median: 5 },
    { count: 4, mean: -1e10, variance: 4e18, stddev: 2e9, min: -3e10, max: 1e9, median: -5e9 },
    { count: 2, mean: 0, variance: 0, stddev: 0, min: 0, max: 0, median: 0 },
  ];

  it.each(answers)('moves one summary field of %o beyond a 1e-6 relative tolerance, leaving the count', right => {
    const fieldsChanged = new Set<string>();
    for (const seed of SEEDS) {
      const wrong = wrongValueOf(statisticsMethod, Object.freeze({ ...right }), { values: [] }, seed) as StatisticsValue;
      expect(statisticsMethod.isValue(wrong)).toBe(true);
      expect(wrong.count).toBe(right.count);
      const changed = (Object.keys(right) as (keyof StatisticsValue)[]).filter(field => wrong[field] !== right[field]);
      expect(changed).toHaveLength(1);
      const field = changed[0] as keyof StatisticsValue;
      expect(beyondTolerance(right[field], wrong[field])).toBe(true);
      fieldsChanged.add(field);
    }
    expect([...fieldsChanged].sort()).toEqual(['max', 'mean', 'median', 'min', 'stddev', 'variance']);
  });

  it('stays finite next to the largest double', () => {
    const right: StatisticsValue = {
      count: 2,
      mean: 0,
      variance: Number.MAX_VALUE,
      stddev: 1.3e154,
      min: -Number.MAX_VALUE,
      max: Number.MAX_VALUE,
      median: 0,
    };
    for (const seed of SEEDS.slice(0, 50)) {
      const wrong = wrongValueOf(statisticsMethod, right, { values: [] }, seed);
      expect(statisticsMethod.isValue(wrong), `wrong value ${JSON.stringify(wrong)}, seed ${seed}`).toBe(true);
    }
  });
});

describe('corruptResult: wrong_value on ShortestPath', () => {
  const input: ShortestPathInput = {
    nodeCount: 5,
    edges: [
      { from: 0, to: 2, weight: 1.5 },
      { from: 2, to: 4, weight: 2 },
    ],
    source: 0,
    target: 4,
  };

  it('reports a reachable target as unreachable', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const wrong = wrongValueOf(shortestPathMethod, Object.freeze({ reachable: true, distance: 3.5, path: [0, 2, 4] }), input, seed);
      expect(shortestPathMethod.isValue(wrong)).toBe(true);
      expect(wrong).toEqual({ reachable: false, distance: 0, path: [] });
    }
  });

  it('reports an unreachable target as reachable from the source', () => {
    const wrong = wrongValueOf(shortestPathMethod, { reachable: false, distance: 0, path: [] }, { ...input, edges: [] }, '3');
    expect(shortestPathMethod.isValue(wrong)).toBe(true);
    expect(wrong).toEqual({ reachable: true, distance: 1, path: [0, 4] });
  });
});

describe('corruptResult: determinism', () => {
  const cases: { name: string; method: AnyVotedMethod; right: unknown; input: unknown }[] = [
    { name: 'Sort', method: sortMethod, right: [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n], input: { values: [] } },
    { name: 'Factorize', method: factorizeMethod, right: [2n, 3n, 5n, 7n, 11n, 13n], input: { n: 30_030n } },
    { name: 'Evaluate', method: evaluateMethod, right: 42.5, input: { expression: '85 / 2' } },
    {
      name: 'Statistics',
      method: statisticsMethod,
      right: { count: 3, mean: 2, variance: 1, stddev: 1, min: 1, max: 3, median: 2 },
      input: { values: [1, 2, 3] },
    },
    {
      name: 'ShortestPath',
      method: shortestPathMethod,
      right: { reachable: true, distance: 1, path: [0, 1] },
      input: { nodeCount: 2, edges: [], source: 0, target: 1 },
    },
  ];

  it.each(cases)('gives the same wrong value for the same seed and right answer ($name)', ({ method, right, input }) => {
    for (const seed of SEEDS) {
      // Two versions suffering one common-mode fault: same seed, same right answer, same wrong one.
      const first = wrongValueOf(method, right, input, seed, 'common_mode');
      const second = wrongValueOf(method, structuredClone(right), input, seed, 'common_mode');
      expect(second).toEqual(first);
      expect(wrongValueOf(method, right, input, seed, 'wrong_value')).toEqual(first);
    }
  });

  it('gives different wrong values under different seeds', () => {
    const show = (value: unknown): string => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    for (const { name, method, right, input } of cases.filter(({ name }) => name !== 'ShortestPath')) {
      const wrong = new Set(SEEDS.map(seed => show(wrongValueOf(method, right, input, seed))));
      expect(wrong.size, name).toBeGreaterThan(1);
    }
  });
});

describe('corruptResult: domain errors and malformed results', () => {
  it.each(['DIVISION_BY_ZERO', 'SYNTAX_ERROR', 'X', 'A'.repeat(64)])('answers the domain error %s with another reason', reason => {
    const right = Object.freeze({ kind: 'domain_error', reason });
    for (const kind of ['wrong_value', 'common_mode'] as const) {
      const wrong = corruptResult(kind, right, { expression: '1/0' }, evaluateMethod, '5') as { kind: unknown; reason: string };
      expect(wrong.kind).toBe('domain_error');
      expect(typeof wrong.reason).toBe('string');
      expect(wrong.reason).not.toBe(reason);
      expect(wrong.reason.length).toBeGreaterThan(0);
      expect(wrong.reason.length).toBeLessThanOrEqual(64);
      expect(corruptResult(kind, right, { expression: '1/0' }, evaluateMethod, '6')).toEqual(wrong);
    }
  });

  it.each([undefined, null, 7, 'text', { kind: 'mystery' }])(
    'passes a result that is not an answer (%o) through unchanged',
    result => {
      expect(corruptResult('wrong_value', result, {}, sortMethod, '1')).toBe(result);
    },
  );
});

describe('corruptResult: bit_flip', () => {
  const results: { name: string; method: AnyVotedMethod; result: unknown }[] = [
    { name: 'Sort', method: sortMethod, result: { kind: 'value', value: [INT64_MIN, -1n, 0n, 1n, INT64_MAX] } },
    { name: 'Factorize', method: factorizeMethod, result: { kind: 'value', value: [2n, 2n, 3n, 18446744073709551557n] } },
    { name: 'Evaluate', method: evaluateMethod, result: { kind: 'value', value: 3.141592653589793 } },
    {
      name: 'ShortestPath',
      method: shortestPathMethod,
      result: { kind: 'value', value: { reachable: true, distance: 2.5, path: [0, 1, 2] } },
    },
    {
      name: 'Statistics',
      method: statisticsMethod,
      result: { kind: 'value', value: { count: 3, mean: 2, variance: 1, stddev: 1, min: 1, max: 3, median: 2 } },
    },
    { name: 'a domain error', method: evaluateMethod, result: { kind: 'domain_error', reason: 'DIVISION_BY_ZERO' } },
  ];
  const seeds = Array.from({ length: 1_000 }, (_, index) => String(index));

  it.each(results)('never throws, and gives undefined or a decoded value ($name)', ({ method, result }) => {
    let undecodable = 0;
    let decoded = 0;
    for (const seed of seeds) {
      let flipped: unknown;
      expect(() => {
        flipped = corruptResult('bit_flip', result, {}, method, seed);
      }).not.toThrow();
      if (flipped === undefined) undecodable += 1;
      else decoded += 1;
    }
    // Both outcomes are common: a flip in a tag or length breaks decoding, one in a payload does not.
    expect(undecodable).toBeGreaterThan(seeds.length / 10);
    expect(decoded).toBeGreaterThan(seeds.length / 10);
  });

  // Deterministic per seed and per encoding: equal arrays can encode differently (packed or
  // sparse, as structuredClone leaves them), so the same seed may flip a different field.
  it.each(results)('flips the same bit for the same seed ($name)', ({ method, result }) => {
    for (const seed of seeds.slice(0, 300)) {
      const first = corruptResult('bit_flip', result, {}, method, seed);
      const second = corruptResult('bit_flip', result, {}, method, seed);
      expect(isDeepStrictEqual(first, second), `seed ${seed}`).toBe(true);
    }
  });

  it('leaves the original result untouched', () => {
    const value = Object.freeze([3n, 1n, 2n]);
    const result = Object.freeze({ kind: 'value', value });
    for (const seed of seeds.slice(0, 100)) corruptResult('bit_flip', result, {}, sortMethod, seed);
    expect(result).toEqual({ kind: 'value', value: [3n, 1n, 2n] });
  });

  it('often decodes to a value that differs from the original', () => {
    const { method, result } = results[0] as (typeof results)[number];
    const changed = seeds.filter(seed => {
      const flipped = corruptResult('bit_flip', result, {}, method, seed);
      return flipped !== undefined && !isDeepStrictEqual(flipped, result);
    });
    expect(changed.length).toBeGreaterThan(seeds.length / 10);
  });
});
