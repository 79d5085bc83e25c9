import { describe, it, expect } from 'vitest';
import type { Edge, ShortestPathInput, ShortestPathValue, StatisticsValue, VersionResult } from '../../versions/contract.js';
import mergeSort from '../../versions/sort/merge.js';
import trialDivision from '../../versions/factorize/trial-division.js';
import dijkstra from '../../versions/shortest-path/dijkstra.js';
import twoPass from '../../versions/statistics/two-pass.js';

// ---------------------------------------------------------------------------------------------
// Seeded pseudo-random numbers (mulberry32), so every run sees the same cases.

function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomInt(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

function randomUint64(random: () => number): bigint {
  const high = BigInt(Math.floor(random() * 2 ** 32));
  const low = BigInt(Math.floor(random() * 2 ** 32));
  return (high << 32n) | low;
}

function valueOf<T>(result: VersionResult<T>): T {
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
}

// ---------------------------------------------------------------------------------------------
// Sort

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function referenceSort(values: readonly bigint[]): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('sort/merge', () => {
  it('sorts small examples, including the empty input and the 64-bit extremes', () => {
    expect(mergeSort({ values: [] })).toEqual({ kind: 'value', value: [] });
    expect(mergeSort({ values: [5n] })).toEqual({ kind: 'value', value: [5n] });
    expect(mergeSort({ values: [3n, -1n, 2n, -1n, 0n] })).toEqual({ kind: 'value', value: [-1n, -1n, 0n, 2n, 3n] });
    expect(mergeSort({ values: [INT64_MAX, 0n, INT64_MIN, -1n, INT64_MAX, INT64_MIN] })).toEqual({
      kind: 'value',
      value: [INT64_MIN, INT64_MIN, -1n, 0n, INT64_MAX, INT64_MAX],
    });
  });

  it('rejects more than 100,000 values and accepts exactly 100,000', () => {
    expect(mergeSort({ values: new Array<bigint>(100_001).fill(1n) })).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
    const random = createRandom(11);
    const values = Array.from({ length: 100_000 }, () => randomUint64(random) + INT64_MIN);
    const started = performance.now();
    const sorted = valueOf(mergeSort({ values }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(sorted).toEqual(referenceSort(values));
  });

  it('does not modify its input', () => {
    const values = [3n, 1n, 2n];
    mergeSort({ values });
    expect(values).toEqual([3n, 1n, 2n]);
  });

  it('matches a reference sort on random inputs of many sizes and duplicate densities', () => {
    const random = createRandom(12);
    for (let round = 0; round < 300; round++) {
      const length = randomInt(random, 0, round < 200 ? 80 : 3000);
      const distinct = randomInt(random, 1, 5);
      const pool = Array.from({ length: distinct }, () => randomUint64(random) + INT64_MIN);
      const values = Array.from({ length }, () =>
        random() < 0.5 ? (pool[randomInt(random, 0, distinct - 1)] as bigint) : randomUint64(random) + INT64_MIN,
      );
      expect(valueOf(mergeSort({ values }))).toEqual(referenceSort(values));
    }
  });

  it('handles already sorted and reversed inputs', () => {
    const ascending = Array.from({ length: 1000 }, (_, i) => BigInt(i) * 3n - 1000n);
    expect(valueOf(mergeSort({ values: ascending }))).toEqual(ascending);
    expect(valueOf(mergeSort({ values: [...ascending].reverse() }))).toEqual(ascending);
  });
});

// ---------------------------------------------------------------------------------------------
// Factorize

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Deterministic Miller-Rabin for n < 3.3e24 with the first 13 prime bases. */
function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  const bases = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n];
  for (const p of bases) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  for (const a of bases) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

function nextPrime(from: bigint): bigint {
  let candidate = from;
  while (!isPrime(candidate)) candidate++;
  return candidate;
}

/** A correct factorization: ascending primes whose product is n. */
function expectFactorization(n: bigint, factors: readonly bigint[]): void {
  let product = 1n;
  for (let i = 0; i < factors.length; i++) {
    const factor = factors[i] as bigint;
    expect(isPrime(factor)).toBe(true);
    if (i > 0) expect(factor >= (factors[i - 1] as bigint)).toBe(true);
    product *= factor;
  }
  expect(product).toBe(n);
}

describe('factorize/trial-division', () => {
  it('rejects n < 2 and n > 2^64 - 1', () => {
    for (const n of [-(2n ** 70n), -1n, 0n, 1n, 2n ** 64n, 2n ** 64n + 5n]) {
      expect(trialDivision({ n })).toEqual({ kind: 'domain_error', reason: 'OUT_OF_RANGE' });
    }
  });

  it('factors the spec examples and small numbers', () => {
    expect(trialDivision({ n: 2n })).toEqual({ kind: 'value', value: [2n] });
    expect(trialDivision({ n: 3n })).toEqual({ kind: 'value', value: [3n] });
    expect(trialDivision({ n: 4n })).toEqual({ kind: 'value', value: [2n, 2n] });
    expect(trialDivision({ n: 12n })).toEqual({ kind: 'value', value: [2n, 2n, 3n] });
    expect(trialDivision({ n: 49n })).toEqual({ kind: 'value', value: [7n, 7n] });
    expect(trialDivision({ n: 30n })).toEqual({ kind: 'value', value: [2n, 3n, 5n] });
    for (let n = 2n; n < 3000n; n++) expectFactorization(n, valueOf(trialDivision({ n })));
  });

  it('factors the boundary 2^64 - 1 and large prime powers', () => {
    expect(valueOf(trialDivision({ n: 2n ** 64n - 1n }))).toEqual([3n, 5n, 17n, 257n, 641n, 65537n, 6700417n]);
    expect(valueOf(trialDivision({ n: 2n ** 63n }))).toEqual(new Array<bigint>(63).fill(2n));
    expect(valueOf(trialDivision({ n: 3n ** 40n }))).toEqual(new Array<bigint>(40).fill(3n));
    expect(valueOf(trialDivision({ n: 7n ** 22n }))).toEqual(new Array<bigint>(22).fill(7n));
    expect(valueOf(trialDivision({ n: 65537n ** 3n }))).toEqual([65537n, 65537n, 65537n]);
    expect(valueOf(trialDivision({ n: 2n ** 32n * 1000003n }))).toEqual([...new Array<bigint>(32).fill(2n), 1000003n]);
  });

  it('factors Carmichael numbers', () => {
    const cases: [bigint, bigint[]][] = [
      [561n, [3n, 11n, 17n]],
      [41041n, [7n, 11n, 13n, 41n]],
      [825265n, [5n, 7n, 17n, 19n, 73n]],
      [321197185n, [5n, 19n, 23n, 29n, 37n, 137n]],
      [5394826801n, [7n, 13n, 17n, 23n, 31n, 67n, 73n]],
      [232250619601n, [7n, 11n, 13n, 17n, 31n, 37n, 73n, 163n]],
    ];
    for (const [n, factors] of cases) expect(valueOf(trialDivision({ n }))).toEqual(factors);
  });

  it('finds large primes and semiprimes within the Number range', () => {
    const largestPrimeBelow2to53 = 2n ** 53n - 111n;
    expect(isPrime(largestPrimeBelow2to53)).toBe(true);
    expect(valueOf(trialDivision({ n: largestPrimeBelow2to53 }))).toEqual([largestPrimeBelow2to53]);
    const p = nextPrime(2n ** 26n);
    const q = nextPrime(p + 1n);
    expect(valueOf(trialDivision({ n: p * q }))).toEqual([p, q]);
    expect(valueOf(trialDivision({ n: p * p }))).toEqual([p, p]);
  });

  it('crosses from bigint to Number arithmetic correctly above 2^53', () => {
    const small = nextPrime(1_000_000n);
    const large = nextPrime(2n ** 43n);
    expect(valueOf(trialDivision({ n: small * large }))).toEqual([small, large]);
    // Cofactor lands exactly on 2^53 boundaries.
    expect(valueOf(trialDivision({ n: 2n ** 53n * 3n }))).toEqual([...new Array<bigint>(53).fill(2n), 3n]);
    const justAbove = 2n ** 53n + 1n; // = 3 * 107 * 28059810762433
    expectFactorization(justAbove, valueOf(trialDivision({ n: justAbove })));
  });

  it('factors random numbers correctly', () => {
    const random = createRandom(21);
    for (let round = 0; round < 400; round++) {
      const n = BigInt(randomInt(random, 2, 2 ** 32));
      expectFactorization(n, valueOf(trialDivision({ n })));
    }
    // Products of a part below 2^20 and a part below 2^44: every factor left after trial
    // division past 2^20 divides the second part, so these stay fast yet reach 64 bits.
    for (let round = 0; round < 20; round++) {
      const first = BigInt(randomInt(random, 2, 2 ** 20));
      const second = BigInt(randomInt(random, 2, 2 ** 44));
      const n = first * second;
      expectFactorization(n, valueOf(trialDivision({ n })));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// ShortestPath

function graph(nodeCount: number, edges: Edge[], source: number, target: number): ShortestPathInput {
  return { nodeCount, edges, source, target };
}

/** Bellman-Ford distances, with null for unreachable nodes. */
function referenceDistances(input: ShortestPathInput): (number | null)[] {
  const distances: (number | null)[] = new Array<number | null>(input.nodeCount).fill(null);
  distances[input.source] = 0;
  for (let round = 0; round < input.nodeCount; round++) {
    let changed = false;
    for (const edge of input.edges) {
      const from = distances[edge.from];
      if (from === null || from === undefined) continue;
      const candidate = from + edge.weight;
      const current = distances[edge.to];
      if (current === null || current === undefined || candidate < current) {
        distances[edge.to] = candidate;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return distances;
}

/** Checks the path is simple, follows edges, and that its lightest-edge sum is the distance. */
function expectValidPath(input: ShortestPathInput, value: ShortestPathValue): void {
  const path = value.path;
  expect(path[0]).toBe(input.source);
  expect(path[path.length - 1]).toBe(input.target);
  expect(new Set(path).size).toBe(path.length);
  let total = 0;
  for (let i = 0; i + 1 < path.length; i++) {
    let lightest = Infinity;
    for (const edge of input.edges) {
      if (edge.from === path[i] && edge.to === path[i + 1]) lightest = Math.min(lightest, edge.weight);
    }
    expect(lightest).toBeLessThan(Infinity);
    total += lightest;
  }
  expect(total).toBe(value.distance);
}

describe('shortest-path/dijkstra', () => {
  it('rejects graphs that are too large before checking validity', () => {
    expect(dijkstra(graph(10_001, [], 0, 0))).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
    const edges = new Array<Edge>(100_001).fill({ from: 0, to: 1, weight: -1 });
    expect(dijkstra(graph(2, edges, 0, 1))).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
    expect(dijkstra(graph(10_000, [], 0, 9_999))).toEqual({
      kind: 'value',
      value: { reachable: false, distance: 0, path: [] },
    });
  });

  it('rejects invalid graphs', () => {
    const invalid = { kind: 'domain_error', reason: 'INVALID_GRAPH' };
    expect(dijkstra(graph(0, [], 0, 0))).toEqual(invalid);
    expect(dijkstra(graph(3, [], 3, 0))).toEqual(invalid);
    expect(dijkstra(graph(3, [], 0, 3))).toEqual(invalid);
    expect(dijkstra(graph(3, [{ from: 0, to: 5, weight: 1 }], 0, 0))).toEqual(invalid);
    expect(dijkstra(graph(3, [{ from: 4_294_967_295, to: 1, weight: 1 }], 0, 1))).toEqual(invalid);
    for (const weight of [-1, -Number.MIN_VALUE, NaN, Infinity, -Infinity]) {
      expect(dijkstra(graph(3, [{ from: 0, to: 1, weight }], 0, 0))).toEqual(invalid);
    }
  });

  it('accepts -0 weights and returns the trivial path when source equals target', () => {
    expect(valueOf(dijkstra(graph(2, [{ from: 0, to: 1, weight: -0 }], 0, 1)))).toEqual({
      reachable: true,
      distance: 0,
      path: [0, 1],
    });
    expect(valueOf(dijkstra(graph(3, [{ from: 1, to: 1, weight: 5 }], 1, 1)))).toEqual({
      reachable: true,
      distance: 0,
      path: [1],
    });
  });

  it('finds a shortest path through parallel edges, self-loops and zero weights', () => {
    const edges: Edge[] = [
      { from: 0, to: 1, weight: 4 },
      { from: 0, to: 1, weight: 1 },
      { from: 1, to: 1, weight: 0 },
      { from: 1, to: 2, weight: 0 },
      { from: 2, to: 1, weight: 0 },
      { from: 2, to: 3, weight: 2.5 },
      { from: 0, to: 3, weight: 10 },
    ];
    expect(valueOf(dijkstra(graph(5, edges, 0, 3)))).toEqual({ reachable: true, distance: 3.5, path: [0, 1, 2, 3] });
    expect(valueOf(dijkstra(graph(5, edges, 0, 4)))).toEqual({ reachable: false, distance: 0, path: [] });
    expect(valueOf(dijkstra(graph(5, edges, 3, 0)))).toEqual({ reachable: false, distance: 0, path: [] });
  });

  it('refuses weights whose path sums could overflow (above 1e300) as an invalid graph', () => {
    const max = Number.MAX_VALUE;
    const edges: Edge[] = [
      { from: 0, to: 1, weight: max },
      { from: 1, to: 2, weight: max },
    ];
    expect(dijkstra(graph(3, edges, 0, 2))).toEqual({ kind: 'domain_error', reason: 'INVALID_GRAPH' });
  });

  it('matches Bellman-Ford on random graphs', () => {
    const random = createRandom(31);
    for (let round = 0; round < 300; round++) {
      const nodeCount = randomInt(random, 1, 30);
      const edgeCount = randomInt(random, 0, 90);
      const integerWeights = random() < 0.5;
      const edges: Edge[] = Array.from({ length: edgeCount }, () => ({
        from: randomInt(random, 0, nodeCount - 1),
        to: randomInt(random, 0, nodeCount - 1),
        weight: integerWeights ? randomInt(random, 0, 5) : random() * 100,
      }));
      const input = graph(nodeCount, edges, randomInt(random, 0, nodeCount - 1), randomInt(random, 0, nodeCount - 1));
      const value = valueOf(dijkstra(input));
      const expected = referenceDistances(input)[input.target];
      if (expected === null || expected === undefined) {
        expect(value).toEqual({ reachable: false, distance: 0, path: [] });
        continue;
      }
      expect(value.reachable).toBe(true);
      if (integerWeights) expect(value.distance).toBe(expected);
      else expect(Math.abs(value.distance - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
      expectValidPath(input, value);
    }
  });

  it('handles the maximum size quickly', () => {
    const random = createRandom(32);
    const nodeCount = 10_000;
    const edges: Edge[] = Array.from({ length: 100_000 }, () => ({
      from: randomInt(random, 0, nodeCount - 1),
      to: randomInt(random, 0, nodeCount - 1),
      weight: random() * 1000,
    }));
    const input = graph(nodeCount, edges, 0, nodeCount - 1);
    const started = performance.now();
    const value = valueOf(dijkstra(input));
    expect(performance.now() - started).toBeLessThan(1000);
    const expected = referenceDistances(input)[input.target];
    expect(value.reachable).toBe(expected !== null);
    if (expected !== null && expected !== undefined) {
      expect(Math.abs(value.distance - expected)).toBeLessThanOrEqual(1e-9 * expected);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Statistics: an exact reference in bigint arithmetic, every double scaled by 2^1074 so it
// becomes an integer.

function doubleTimes2to1074(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponentField = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const magnitude = exponentField === 0 ? fraction : ((1n << 52n) | fraction) << BigInt(exponentField - 1);
  return negative ? -magnitude : magnitude;
}

function bitLength(value: bigint): number {
  return value.toString(2).length;
}

function scaleByPowerOfTwo(value: number, exponent: number): number {
  let result = value;
  let remaining = exponent;
  while (remaining > 1000) {
    result *= 2 ** 1000;
    remaining -= 1000;
  }
  while (remaining < -1000) {
    result *= 2 ** -1000;
    remaining += 1000;
  }
  return result * 2 ** remaining;
}

/** numerator / denominator (denominator > 0) rounded to a double with ~2^-60 relative error. */
function ratioToNumber(numerator: bigint, denominator: bigint): number {
  if (numerator === 0n) return 0;
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const shift = 70 - (bitLength(magnitude) - bitLength(denominator));
  const quotient = shift >= 0 ? (magnitude << BigInt(shift)) / denominator : magnitude / (denominator << BigInt(-shift));
  const result = scaleByPowerOfTwo(Number(quotient), -shift);
  return negative ? -result : result;
}

function exactStatistics(values: readonly number[]): StatisticsValue {
  const count = values.length;
  const scaled = values.map(doubleTimes2to1074);
  let sum = 0n;
  let sumOfSquares = 0n;
  for (const x of scaled) {
    sum += x;
    sumOfSquares += x * x;
  }
  const unit = 1n << 1074n;
  const n = BigInt(count);
  const varianceNumerator = n * sumOfSquares - sum * sum;
  const variance = count === 1 ? 0 : ratioToNumber(varianceNumerator, n * (n - 1n) * unit * unit);
  const sorted = [...values].sort((a, b) => a - b);
  const middle = count >> 1;
  const median =
    count % 2 === 1
      ? (sorted[middle] as number)
      : ratioToNumber(doubleTimes2to1074(sorted[middle - 1] as number) + doubleTimes2to1074(sorted[middle] as number), 2n * unit);
  return {
    count,
    mean: ratioToNumber(sum, n * unit),
    variance,
    stddev: Math.sqrt(variance),
    min: sorted[0] as number,
    max: sorted[count - 1] as number,
    median,
  };
}

function expectClose(actual: number, expected: number, tolerance: number): void {
  const error = Math.abs(actual - expected);
  expect(error <= tolerance * Math.abs(expected), `${actual} vs ${expected}`).toBe(true);
}

function expectStatisticsClose(actual: StatisticsValue, expected: StatisticsValue, tolerance = 1e-12): void {
  expect(actual.count).toBe(expected.count);
  expect(actual.min).toBe(expected.min);
  expect(actual.max).toBe(expected.max);
  expectClose(actual.mean, expected.mean, tolerance);
  expectClose(actual.median, expected.median, tolerance);
  expectClose(actual.variance, expected.variance, tolerance);
  expectClose(actual.stddev, expected.stddev, tolerance);
}

describe('statistics/two-pass', () => {
  it('reports errors in the specified order', () => {
    expect(twoPass({ values: [] })).toEqual({ kind: 'domain_error', reason: 'EMPTY' });
    const tooMany = new Array<number>(1_000_001).fill(1);
    tooMany[5] = NaN;
    expect(twoPass({ values: tooMany })).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(twoPass({ values: [1, 2, bad, 3] })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    }
  });

  it('handles one value and equal values exactly', () => {
    expect(valueOf(twoPass({ values: [-3.5] }))).toEqual({
      count: 1,
      mean: -3.5,
      variance: 0,
      stddev: 0,
      min: -3.5,
      max: -3.5,
      median: -3.5,
    });
    const equal = new Array<number>(1001).fill(0.1);
    expect(valueOf(twoPass({ values: equal }))).toEqual({
      count: 1001,
      mean: 0.1,
      variance: 0,
      stddev: 0,
      min: 0.1,
      max: 0.1,
      median: 0.1,
    });
    const huge = valueOf(twoPass({ values: [1e308, 1e308] }));
    expect(huge.mean).toBe(1e308);
    expect(huge.variance).toBe(0);
  });

  it('computes a small example exactly', () => {
    expect(valueOf(twoPass({ values: [2, 4, 4, 4, 5, 5, 7, 9] }))).toEqual({
      count: 8,
      mean: 5,
      variance: 32 / 7,
      stddev: Math.sqrt(32 / 7),
      min: 2,
      max: 9,
      median: 4.5,
    });
  });

  it('avoids intermediate overflow and reports NON_FINITE when the exact result overflows', () => {
    // The spec's median example [1e308, 1.5e308] has a variance near 3e614, so its whole answer
    // is NON_FINITE: distinct doubles near 1e308 differ by at least 2^971, so any such sample
    // overflows the variance. Equal huge values must still come back exactly.
    expect(twoPass({ values: [1e308, 1.5e308] })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    expect(valueOf(twoPass({ values: [1.5e308, 1.5e308, 1.5e308, 1.5e308] }))).toEqual({
      count: 4,
      mean: 1.5e308,
      variance: 0,
      stddev: 0,
      min: 1.5e308,
      max: 1.5e308,
      median: 1.5e308,
    });
    expect(twoPass({ values: [1e300, 1e300 * (1 + 2 ** -52)] })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    // Large values whose variance is still representable.
    const large = [1e150, 1.0000001e150, 0.9999999e150, -1.00000005e150, 3e149];
    expectStatisticsClose(valueOf(twoPass({ values: large })), exactStatistics(large));
    expect(twoPass({ values: [-1e308, 1e308] })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    expect(twoPass({ values: [0, 1e155] })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
    // Squared deviations of 1e154 overflow a double, but the variance does not.
    const spread = valueOf(twoPass({ values: [-1e154, 1e154, 0] }));
    expectClose(spread.variance, 1e308, 1e-12);
    expectClose(spread.stddev, 1e154, 1e-12);
    const extreme = [Number.MAX_VALUE, Number.MAX_VALUE * 0.75, Number.MAX_VALUE * 0.5];
    expect(twoPass({ values: extreme })).toEqual({ kind: 'domain_error', reason: 'NON_FINITE' });
  });

  it('is accurate for a large mean with a small spread', () => {
    const random = createRandom(41);
    const values = Array.from({ length: 10_000 }, () => 1e9 + (random() - 0.5) * 1e-3);
    expectStatisticsClose(valueOf(twoPass({ values })), exactStatistics(values));
    const shifted = Array.from({ length: 1000 }, (_, i) => 1e15 + (i % 7));
    expectStatisticsClose(valueOf(twoPass({ values: shifted })), exactStatistics(shifted));
  });

  it('is accurate for tiny and subnormal-adjacent magnitudes', () => {
    const random = createRandom(42);
    const values = Array.from({ length: 500 }, () => (1 + random()) * 1e-150);
    expectStatisticsClose(valueOf(twoPass({ values })), exactStatistics(values));
    // Here the variance underflows to 0 and stddev = sqrt(variance) follows it.
    const tiny = Array.from({ length: 500 }, () => (1 + random()) * 1e-300);
    const value = valueOf(twoPass({ values: tiny }));
    const expected = exactStatistics(tiny);
    expectClose(value.mean, expected.mean, 1e-12);
    expectClose(value.median, expected.median, 1e-12);
    expect(value.variance).toBe(0);
    expect(value.stddev).toBe(0);
  });

  it('matches an exact reference on random data', () => {
    const random = createRandom(43);
    for (let round = 0; round < 200; round++) {
      const count = randomInt(random, 1, 200);
      const center = (random() - 0.5) * 10 ** randomInt(random, -5, 12);
      const spread = 10 ** randomInt(random, -3, 6);
      const values = Array.from({ length: count }, () => center + (random() - 0.5) * spread);
      const actual = valueOf(twoPass({ values }));
      const expected = exactStatistics(values);
      expect(actual.count).toBe(expected.count);
      expect(actual.min).toBe(expected.min);
      expect(actual.max).toBe(expected.max);
      expectClose(actual.median, expected.median, 1e-12);
      // A mean near zero relative to the spread is not well scaled; judge it absolutely.
      expect(Math.abs(actual.mean - expected.mean)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(expected.mean), spread));
      expectClose(actual.variance, expected.variance, 1e-12);
      expectClose(actual.stddev, expected.stddev, 1e-12);
    }
  });

  it('does not modify its input and handles the maximum size quickly', () => {
    const random = createRandom(44);
    const values = Array.from({ length: 1_000_000 }, () => random() * 1e6 - 3e5);
    const copy = values.slice();
    const started = performance.now();
    const value = valueOf(twoPass({ values }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(values).toEqual(copy);
    expect(value.count).toBe(1_000_000);
    const sorted = Float64Array.from(values).sort();
    expect(value.median).toBe(((sorted[499_999] as number) + (sorted[500_000] as number)) / 2);
  });
});
