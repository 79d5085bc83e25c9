import { describe, it, expect } from 'vitest';
import radixSort from '../../versions/sort/radix.js';
import bidirectionalDijkstra from '../../versions/shortest-path/bidirectional.js';
import compensatedStatistics from '../../versions/statistics/compensated.js';
import type { Edge, ShortestPathValue, StatisticsValue } from '../../versions/contract.js';

/** mulberry32: small seeded PRNG so every run sees the same "random" inputs. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

function valueOf<T>(result: { kind: 'value'; value: T } | { kind: 'domain_error'; reason: string }): T {
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
}

// ---------------------------------------------------------------------------------------
// Sort
// ---------------------------------------------------------------------------------------

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function referenceSort(values: readonly bigint[]): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function randomInt64(random: () => number): bigint {
  const high = BigInt(Math.floor(random() * 2 ** 32));
  const low = BigInt(Math.floor(random() * 2 ** 32));
  return BigInt.asIntN(64, (high << 32n) | low);
}

describe('sort/radix', () => {
  it('sorts small examples and edge values', () => {
    expect(radixSort({ values: [] })).toEqual({ kind: 'value', value: [] });
    expect(radixSort({ values: [5n] })).toEqual({ kind: 'value', value: [5n] });
    expect(radixSort({ values: [3n, -1n, 2n, -1n, 0n] })).toEqual({
      kind: 'value',
      value: [-1n, -1n, 0n, 2n, 3n],
    });
    const extremes = [INT64_MAX, 0n, INT64_MIN, -1n, 1n, INT64_MIN + 1n, INT64_MAX - 1n, INT64_MIN];
    expect(valueOf(radixSort({ values: extremes }))).toEqual(referenceSort(extremes));
    const nearWordBoundaries = [
      2n ** 32n, 2n ** 32n - 1n, -(2n ** 32n), -(2n ** 32n) - 1n, 2n ** 16n, 2n ** 16n - 1n,
      -(2n ** 48n), 2n ** 48n, 2n ** 48n - 1n, -65536n, -65537n,
    ];
    expect(valueOf(radixSort({ values: nearWordBoundaries }))).toEqual(referenceSort(nearWordBoundaries));
  });

  it('rejects 100,001 values with TOO_LARGE, whatever they are', () => {
    expect(radixSort({ values: new Array<bigint>(100_001).fill(0n) })).toEqual({
      kind: 'domain_error',
      reason: 'TOO_LARGE',
    });
    const random = makeRandom(3);
    const values = Array.from({ length: 100_001 }, () => randomInt64(random));
    const copy = [...values];
    expect(radixSort({ values })).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
    expect(values).toEqual(copy);
  });

  it('sorts exactly 100,000 random values without touching the input', () => {
    const random = makeRandom(1);
    const values = Array.from({ length: 100_000 }, () => randomInt64(random));
    const copy = [...values];
    expect(valueOf(radixSort({ values }))).toEqual(referenceSort(values));
    expect(values).toEqual(copy);
  });

  it('sorts exactly 100,000 values made of a few repeated extremes', () => {
    const random = makeRandom(4);
    const pool = [INT64_MIN, INT64_MAX, 0n, -1n, 1n];
    const values = Array.from({ length: 100_000 }, () => pool[randomInt(random, 0, pool.length - 1)]!);
    expect(valueOf(radixSort({ values }))).toEqual(referenceSort(values));
  });

  it('returns a new empty array for empty input', () => {
    const values: bigint[] = [];
    const result = valueOf(radixSort({ values }));
    expect(result).toEqual([]);
    expect(result).not.toBe(values);
  });

  it('returns a one-value input unchanged in a new array, at either end of the range', () => {
    for (const only of [INT64_MIN, -1n, 0n, 42n, INT64_MAX]) {
      const values = [only];
      const result = valueOf(radixSort({ values }));
      expect(result).toEqual([only]);
      expect(result).not.toBe(values);
      expect(values).toEqual([only]);
    }
  });

  it('sorts two values in either order', () => {
    expect(valueOf(radixSort({ values: [INT64_MAX, INT64_MIN] }))).toEqual([INT64_MIN, INT64_MAX]);
    expect(valueOf(radixSort({ values: [INT64_MIN, INT64_MAX] }))).toEqual([INT64_MIN, INT64_MAX]);
    expect(valueOf(radixSort({ values: [7n, 7n] }))).toEqual([7n, 7n]);
  });

  it('does not modify its input', () => {
    const values = [9n, -3n, INT64_MIN, 7n];
    const copy = [...values];
    radixSort({ values });
    expect(values).toEqual(copy);
  });

  it('matches a reference sort on random inputs of several shapes', () => {
    const random = makeRandom(2);
    const generators: Array<() => bigint> = [
      () => randomInt64(random),
      () => BigInt(randomInt(random, -5, 5)),
      () => BigInt(randomInt(random, -70_000, 70_000)),
      () => (random() < 0.5 ? INT64_MIN : INT64_MAX) - BigInt(randomInt(random, -3, 3)) * (random() < 0.5 ? 1n : 0n),
      () => BigInt(randomInt(random, 0, 3)) << BigInt(randomInt(random, 0, 62)),
    ];
    for (let trial = 0; trial < 300; trial++) {
      const generate = generators[trial % generators.length]!;
      const length = randomInt(random, 0, 300);
      const values = Array.from({ length }, () => BigInt.asIntN(64, generate()));
      expect(valueOf(radixSort({ values }))).toEqual(referenceSort(values));
    }
  });
});

// ---------------------------------------------------------------------------------------
// ShortestPath
// ---------------------------------------------------------------------------------------

/** O(V^2) Dijkstra with a linear scan for the closest node: an obviously correct reference. */
function referenceDistance(nodeCount: number, edges: readonly Edge[], source: number, target: number): number {
  const outgoing: Edge[][] = Array.from({ length: nodeCount }, () => []);
  for (const edge of edges) outgoing[edge.from]!.push(edge);
  const distance = new Array<number>(nodeCount).fill(Infinity);
  const done = new Array<boolean>(nodeCount).fill(false);
  distance[source] = 0;
  for (;;) {
    let best = -1;
    for (let node = 0; node < nodeCount; node++) {
      if (!done[node] && distance[node]! < Infinity && (best === -1 || distance[node]! < distance[best]!)) best = node;
    }
    if (best === -1) return Infinity;
    if (best === target) return distance[best]!;
    done[best] = true;
    for (const { to, weight } of outgoing[best]!) {
      if (distance[best]! + weight < distance[to]!) distance[to] = distance[best]! + weight;
    }
  }
}

/** Checks the path is simple, runs source -> target over real edges, and returns its in-order weight. */
function checkedPathWeight(value: ShortestPathValue, edges: readonly Edge[], source: number, target: number): number {
  const { path } = value;
  expect(path[0]).toBe(source);
  expect(path[path.length - 1]).toBe(target);
  expect(new Set(path).size).toBe(path.length);
  let total = 0;
  for (let i = 0; i + 1 < path.length; i++) {
    let lightest = Infinity;
    for (const edge of edges) {
      if (edge.from === path[i] && edge.to === path[i + 1]) lightest = Math.min(lightest, edge.weight);
    }
    expect(lightest).toBeLessThan(Infinity);
    total += lightest;
  }
  return total;
}

describe('shortest-path/bidirectional', () => {
  const line: Edge[] = [
    { from: 0, to: 1, weight: 1 },
    { from: 1, to: 2, weight: 2 },
    { from: 0, to: 2, weight: 5 },
  ];

  it('finds a simple shortest path', () => {
    expect(bidirectionalDijkstra({ nodeCount: 3, edges: line, source: 0, target: 2 })).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 3, path: [0, 1, 2] },
    });
  });

  it('follows edge direction and reports unreachable targets', () => {
    expect(bidirectionalDijkstra({ nodeCount: 3, edges: line, source: 2, target: 0 })).toEqual({
      kind: 'value',
      value: { reachable: false, distance: 0, path: [] },
    });
    expect(bidirectionalDijkstra({ nodeCount: 4, edges: [], source: 0, target: 3 })).toEqual({
      kind: 'value',
      value: { reachable: false, distance: 0, path: [] },
    });
  });

  it('answers source == target with a one-node path, even on a self-loop', () => {
    expect(
      bidirectionalDijkstra({ nodeCount: 2, edges: [{ from: 1, to: 1, weight: 3 }], source: 1, target: 1 }),
    ).toEqual({ kind: 'value', value: { reachable: true, distance: 0, path: [1] } });
  });

  it('uses the lightest of parallel edges and allows zero and -0 weights', () => {
    const edges: Edge[] = [
      { from: 0, to: 1, weight: 4 },
      { from: 0, to: 1, weight: 1.5 },
      { from: 1, to: 2, weight: 0 },
      { from: 2, to: 3, weight: -0 },
      { from: 0, to: 3, weight: 2 },
    ];
    expect(bidirectionalDijkstra({ nodeCount: 4, edges, source: 0, target: 3 })).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 1.5, path: [0, 1, 2, 3] },
    });
  });

  it('checks size first, then validity, then source == target', () => {
    const tooManyEdges = new Array<Edge>(100_001).fill({ from: 0, to: 0, weight: 1 });
    expect(bidirectionalDijkstra({ nodeCount: 1, edges: tooManyEdges, source: 0, target: 0 })).toEqual({
      kind: 'domain_error',
      reason: 'TOO_LARGE',
    });
    expect(bidirectionalDijkstra({ nodeCount: 10_001, edges: [], source: 20_000, target: 0 })).toEqual({
      kind: 'domain_error',
      reason: 'TOO_LARGE',
    });
    const invalid = (nodeCount: number, edges: Edge[], source: number, target: number): void => {
      expect(bidirectionalDijkstra({ nodeCount, edges, source, target })).toEqual({
        kind: 'domain_error',
        reason: 'INVALID_GRAPH',
      });
    };
    invalid(0, [], 0, 0);
    invalid(2, [], 2, 0);
    invalid(2, [], 0, 2);
    invalid(2, [{ from: 0, to: 2, weight: 1 }], 0, 0);
    invalid(2, [{ from: 5, to: 1, weight: 1 }], 0, 1);
    for (const weight of [-1, -Number.MIN_VALUE, NaN, Infinity, -Infinity]) {
      invalid(2, [{ from: 0, to: 1, weight }], 1, 1);
    }
    expect(bidirectionalDijkstra({ nodeCount: 10_000, edges: [], source: 9_999, target: 9_999 })).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 0, path: [9_999] },
    });
  });

  it('keeps the path simple across zero-weight cycles', () => {
    // 0 -> 1 -> 2 -> 1 -> 3 style zero cycles where both searches may pick up the loop.
    const edges: Edge[] = [
      { from: 0, to: 1, weight: 0 },
      { from: 1, to: 2, weight: 0 },
      { from: 2, to: 1, weight: 0 },
      { from: 2, to: 3, weight: 0 },
      { from: 3, to: 2, weight: 0 },
      { from: 3, to: 4, weight: 0 },
      { from: 1, to: 4, weight: 0 },
    ];
    for (let source = 0; source < 5; source++) {
      for (let target = 0; target < 5; target++) {
        const result = bidirectionalDijkstra({ nodeCount: 5, edges, source, target });
        const value = valueOf(result);
        const expected = referenceDistance(5, edges, source, target);
        expect(value.reachable).toBe(expected < Infinity);
        if (value.reachable) {
          expect(value.distance).toBe(0);
          checkedPathWeight(value, edges, source, target);
        }
      }
    }
  });

  it('refuses weights whose path sums could overflow (above 1e300) as an invalid graph', () => {
    const edges: Edge[] = [
      { from: 0, to: 1, weight: 1e308 },
      { from: 1, to: 2, weight: 1e308 },
      { from: 2, to: 3, weight: 1e308 },
    ];
    expect(bidirectionalDijkstra({ nodeCount: 4, edges, source: 0, target: 3 })).toEqual({
      kind: 'domain_error',
      reason: 'INVALID_GRAPH',
    });
  });

  it('matches a reference Dijkstra on random graphs', () => {
    const random = makeRandom(3);
    const weightKinds: Array<() => number> = [
      () => randomInt(random, 1, 9),
      () => randomInt(random, 0, 2),
      () => random() * 10,
      () => (random() < 0.3 ? 0 : random() * 1e-3 + randomInt(random, 0, 1) * 1e6),
    ];
    for (let trial = 0; trial < 1500; trial++) {
      const nodeCount = randomInt(random, 1, 25);
      const edgeCount = randomInt(random, 0, 80);
      const nextWeight = weightKinds[trial % weightKinds.length]!;
      const edges: Edge[] = Array.from({ length: edgeCount }, () => ({
        from: randomInt(random, 0, nodeCount - 1),
        to: randomInt(random, 0, nodeCount - 1),
        weight: nextWeight(),
      }));
      const source = randomInt(random, 0, nodeCount - 1);
      const target = randomInt(random, 0, nodeCount - 1);
      const value = valueOf(bidirectionalDijkstra({ nodeCount, edges, source, target }));
      const expected = referenceDistance(nodeCount, edges, source, target);
      expect(value.reachable).toBe(expected < Infinity);
      if (!value.reachable) {
        expect(value).toEqual({ reachable: false, distance: 0, path: [] });
        continue;
      }
      // The reported distance is exactly the path's in-order weight; summation order may
      // differ from the reference's by rounding only.
      expect(value.distance).toBe(checkedPathWeight(value, edges, source, target));
      expect(Math.abs(value.distance - expected)).toBeLessThanOrEqual(1e-12 * expected);
    }
  });

  it('handles the maximum size', () => {
    const random = makeRandom(4);
    const nodeCount = 10_000;
    const edges: Edge[] = Array.from({ length: 100_000 }, () => ({
      from: randomInt(random, 0, nodeCount - 1),
      to: randomInt(random, 0, nodeCount - 1),
      weight: randomInt(random, 1, 100),
    }));
    const value = valueOf(bidirectionalDijkstra({ nodeCount, edges, source: 0, target: nodeCount - 1 }));
    const expected = referenceDistance(nodeCount, edges, 0, nodeCount - 1);
    expect(value.reachable).toBe(expected < Infinity);
    if (value.reachable) {
      expect(value.distance).toBe(expected);
      expect(checkedPathWeight(value, edges, 0, nodeCount - 1)).toBe(expected);
    }
  });
});

// ---------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------

/** The double x as the exact integer x * 2^1074. */
function toFixedPoint(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponentField = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponentField === 0 ? fraction : fraction | (1n << 52n);
  const shift = BigInt(exponentField === 0 ? 0 : exponentField - 1);
  const magnitude = mantissa << shift;
  return negative ? -magnitude : magnitude;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** numerator / denominator (denominator > 0) as a double, accurate to about 2^-62 relative. */
function ratioToNumber(numerator: bigint, denominator: bigint): number {
  if (numerator === 0n) return 0;
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const shift = 64 - (bitLength(magnitude) - bitLength(denominator));
  const quotient = shift >= 0 ? (magnitude << BigInt(shift)) / denominator : magnitude / (denominator << BigInt(-shift));
  let result = Number(quotient);
  let remaining = -shift;
  while (remaining > 1000) {
    result *= 2 ** 1000;
    remaining -= 1000;
  }
  while (remaining < -1000) {
    result *= 2 ** -1000;
    remaining += 1000;
  }
  result *= 2 ** remaining;
  return negative ? -result : result;
}

interface ExactMoments {
  mean: number;
  variance: number;
  stddev: number;
}

function exactMoments(values: readonly number[]): ExactMoments {
  const n = BigInt(values.length);
  let sum = 0n;
  let sumOfSquares = 0n;
  for (const value of values) {
    const fixed = toFixedPoint(value);
    sum += fixed;
    sumOfSquares += fixed * fixed;
  }
  const scale = 1n << 1074n;
  const mean = ratioToNumber(sum, n * scale);
  if (n === 1n) return { mean, variance: 0, stddev: 0 };
  const varianceNumerator = n * sumOfSquares - sum * sum;
  const varianceDenominator = n * (n - 1n) * scale * scale;
  const variance = ratioToNumber(varianceNumerator, varianceDenominator);
  // sqrt of the exact variance: take the square root of the numerator scaled to an integer.
  const stddev = ratioToNumber(integerSqrt(varianceNumerator * varianceDenominator << 256n), varianceDenominator << 128n);
  return { mean, variance, stddev };
}

function integerSqrt(x: bigint): bigint {
  if (x < 2n) return x;
  let guess = 1n << BigInt(Math.ceil(bitLength(x) / 2));
  for (;;) {
    const next = (guess + x / guess) >> 1n;
    if (next >= guess) return guess;
    guess = next;
  }
}

function expectClose(actual: number, expected: number, relative = 1e-10): void {
  if (expected === 0) {
    expect(Math.abs(actual)).toBeLessThanOrEqual(1e-300);
    return;
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));
}

function referenceMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle]!;
  return sorted[middle - 1]! / 2 + sorted[middle]! / 2;
}

function checkAgainstReference(values: readonly number[]): void {
  const result = compensatedStatistics({ values });
  const exact = exactMoments(values);
  if (!Number.isFinite(exact.variance)) {
    expect(result).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    return;
  }
  const value: StatisticsValue = valueOf(result);
  expect(value.count).toBe(values.length);
  expect(value.min).toBe(Math.min(...values));
  expect(value.max).toBe(Math.max(...values));
  expect(value.median).toBe(referenceMedian(values));
  expectClose(value.mean, exact.mean);
  expectClose(value.variance, exact.variance);
  // stddev is sqrt(variance) as the spec defines it; only a normal variance carries the
  // full precision the exact stddev needs.
  expect(value.stddev).toBe(Math.sqrt(value.variance));
  if (exact.variance >= 2 ** -1022) expectClose(value.stddev, exact.stddev);
}

describe('statistics/compensated', () => {
  it('checks EMPTY, then TOO_LARGE, then NON_FINITE', () => {
    expect(compensatedStatistics({ values: [] })).toEqual({ kind: 'domain_error', reason: 'EMPTY' });
    const tooMany = new Array<number>(1_000_001).fill(1);
    tooMany[0] = NaN;
    expect(compensatedStatistics({ values: tooMany })).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(compensatedStatistics({ values: [1, bad, 2] })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    }
  });

  it('computes a small example', () => {
    expect(compensatedStatistics({ values: [2, 4, 4, 4, 5, 5, 7, 9] })).toEqual({
      kind: 'value',
      value: { count: 8, mean: 5, variance: 32 / 7, stddev: Math.sqrt(32 / 7), min: 2, max: 9, median: 4.5 },
    });
    expect(compensatedStatistics({ values: [3, 1, 2] })).toEqual({
      kind: 'value',
      value: { count: 3, mean: 2, variance: 1, stddev: 1, min: 1, max: 3, median: 2 },
    });
  });

  it('gives exact results for one value and for all-equal values', () => {
    expect(compensatedStatistics({ values: [42.5] })).toEqual({
      kind: 'value',
      value: { count: 1, mean: 42.5, variance: 0, stddev: 0, min: 42.5, max: 42.5, median: 42.5 },
    });
    for (const x of [0.1, 1e308, -1.7976931348623157e308, 5e-324, 1e9 + 0.3]) {
      const value = valueOf(compensatedStatistics({ values: new Array<number>(1001).fill(x) }));
      expect(value).toEqual({ count: 1001, mean: x, variance: 0, stddev: 0, min: x, max: x, median: x });
    }
  });

  it('avoids intermediate overflow and reports overflowing results', () => {
    expect(valueOf(compensatedStatistics({ values: [1e308, 1e308] })).mean).toBe(1e308);
    expect(valueOf(compensatedStatistics({ values: [1.7e308, 1.7e308, 1.7e308] })).mean).toBe(1.7e308);
    // The SPEC cites the median of [1e308, 1.5e308] as 1.25e308, but that sample's exact
    // variance (1.25e615) exceeds the largest double, so its rule makes the answer NON_FINITE.
    expect(compensatedStatistics({ values: [1e308, 1.5e308] })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    expect(compensatedStatistics({ values: [-1.7e308, 1.7e308] })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    expect(compensatedStatistics({ values: [1e200, -1e200, 0] })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    // Exact variance 1.5e306 * ... stays finite though squares of the raw values do not.
    checkAgainstReference([1e153, -1e153, 3e152]);
    checkAgainstReference([1.7e308, 1.6e308, 1.65e308, 1.75e308]);
  });

  it('keeps tiny spreads from underflowing', () => {
    checkAgainstReference([1e-160, 3e-160]);
    checkAgainstReference([1e-300, 2e-300, 4e-300, 8e-300]);
    checkAgainstReference([1, 1 + 2 ** -52, 1 + 2 ** -51]);
  });

  it('is accurate for a large mean with a small spread', () => {
    const random = makeRandom(5);
    const values = Array.from({ length: 10_000 }, () => 1e9 + random() * 1e-3);
    checkAgainstReference(values);
    const shifted = Array.from({ length: 1_001 }, () => 1e15 + randomInt(random, -8, 8));
    checkAgainstReference(shifted);
  });

  it('does not modify its input', () => {
    const values = [5, 1, 4, 2, 3, 9, 0, 7];
    const copy = [...values];
    compensatedStatistics({ values });
    expect(values).toEqual(copy);
  });

  it('matches an exact reference on random inputs of several shapes', () => {
    const random = makeRandom(6);
    const generators: Array<() => number> = [
      () => random() * 2 - 1,
      () => randomInt(random, -3, 3),
      () => (random() - 0.5) * 10 ** randomInt(random, -6, 6),
      () => 1e9 + random(),
      () => (random() - 0.3) * 1e300,
      () => (random() + 0.5) * 1e-300,
      () => (random() < 0.5 ? -1 : 1) * 1.7e308 * random(),
      () => randomInt(random, 0, 1) * 1e10 + random(),
    ];
    for (let trial = 0; trial < 400; trial++) {
      const generate = generators[trial % generators.length]!;
      const length = randomInt(random, 1, trial % 10 === 0 ? 400 : 40);
      checkAgainstReference(Array.from({ length }, generate));
    }
  });

  it('finds the median of a million values', () => {
    const random = makeRandom(7);
    const values = Array.from({ length: 1_000_000 }, () => randomInt(random, -1000, 1000) + random());
    const value = valueOf(compensatedStatistics({ values }));
    expect(value.median).toBe(referenceMedian(values));
    const odd = values.slice(0, 100_001);
    expect(valueOf(compensatedStatistics({ values: odd })).median).toBe(referenceMedian(odd));
  });
});
