import { describe, it, expect } from 'vitest';
import type { Edge, ShortestPathValue, StatisticsValue, VersionResult } from '../../versions/contract.js';
import heapSort from '../../versions/sort/heap.js';
import factorizePollardRho from '../../versions/factorize/pollard-rho.js';
import shortestPathBellmanFord from '../../versions/shortest-path/bellman-ford.js';
import statisticsWelford from '../../versions/statistics/welford.js';

// ---------------------------------------------------------------------------------------------
// Shared test utilities (test-only; the versions import none of this).

/** Deterministic PRNG (mulberry32) so random cases are reproducible. */
function makeRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Uniform-ish 64-bit unsigned bigint. */
function randomU64(rng: () => number): bigint {
  let result = 0n;
  for (let i = 0; i < 4; i++) result = (result << 16n) | BigInt(Math.floor(rng() * 65536));
  return result;
}

function valueOf<T>(result: VersionResult<T>): T {
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
}

function reasonOf<T>(result: VersionResult<T>): string {
  if (result.kind !== 'domain_error') throw new Error('expected a domain error');
  return result.reason;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------------------------
describe('sort/heap', () => {
  const reference = (values: readonly bigint[]): bigint[] =>
    [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  it('sorts small and edge-case inputs', () => {
    expect(valueOf(heapSort({ values: [] }))).toEqual([]);
    expect(valueOf(heapSort({ values: [5n] }))).toEqual([5n]);
    expect(valueOf(heapSort({ values: [3n, 1n, 2n] }))).toEqual([1n, 2n, 3n]);
    expect(valueOf(heapSort({ values: [2n, 2n, 1n, 2n, 1n] }))).toEqual([1n, 1n, 2n, 2n, 2n]);
    const extremes = [INT64_MAX, 0n, INT64_MIN, -1n, INT64_MAX, INT64_MIN + 1n, INT64_MAX - 1n];
    expect(valueOf(heapSort({ values: extremes }))).toEqual(reference(extremes));
  });

  it('rejects more than 100,000 values and accepts exactly 100,000', () => {
    expect(reasonOf(heapSort({ values: new Array<bigint>(100_001).fill(1n) }))).toBe('TOO_LARGE');
    const rng = makeRng(7);
    const values = Array.from({ length: 100_000 }, () => randomU64(rng) + INT64_MIN);
    expect(valueOf(heapSort({ values }))).toEqual(reference(values));
  });

  it('does not modify the input and matches a reference on random inputs', () => {
    const rng = makeRng(1);
    for (let trial = 0; trial < 300; trial++) {
      const length = randomInt(rng, 0, 60);
      const narrow = rng() < 0.5;
      const values = Array.from({ length }, () =>
        narrow ? BigInt(randomInt(rng, -5, 5)) : randomU64(rng) + INT64_MIN,
      );
      const frozen = Object.freeze([...values]);
      const sorted = valueOf(heapSort({ values: frozen }));
      expect(frozen).toEqual(values);
      expect(sorted).toEqual(reference(values));
      expect(sorted).not.toBe(frozen);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('factorize/pollard-rho', () => {
  const factorize = (n: bigint): bigint[] => valueOf(factorizePollardRho({ n }));

  /** Trial division in Number arithmetic; exact for n < 2^53. */
  const trialFactors = (n: number): bigint[] => {
    const factors: bigint[] = [];
    let rest = n;
    for (let d = 2; d * d <= rest; d++) {
      while (rest % d === 0) {
        factors.push(BigInt(d));
        rest /= d;
      }
    }
    if (rest > 1) factors.push(BigInt(rest));
    return factors;
  };

  const isPrimeByTrial = (p: bigint): boolean => {
    const factors = trialFactors(Number(p));
    return factors.length === 1 && factors[0] === p;
  };

  /** Independent probabilistic check for large factors: Fermat + 30 random-base Miller-Rabin rounds. */
  const looksPrime = (p: bigint, rng: () => number): boolean => {
    if (p < 2n) return false;
    if (p < 1n << 40n) return isPrimeByTrial(p);
    const powMod = (b: bigint, e: bigint, m: bigint): bigint => {
      let r = 1n;
      let s = b % m;
      for (let k = e; k > 0n; k >>= 1n) {
        if (k & 1n) r = (r * s) % m;
        s = (s * s) % m;
      }
      return r;
    };
    let d = p - 1n;
    let s = 0;
    while ((d & 1n) === 0n) {
      d >>= 1n;
      s++;
    }
    for (let round = 0; round < 30; round++) {
      const a = 2n + (randomU64(rng) % (p - 3n));
      let x = powMod(a, d, p);
      if (x === 1n || x === p - 1n) continue;
      let witnessed = true;
      for (let i = 1; i < s && witnessed; i++) {
        x = (x * x) % p;
        if (x === p - 1n) witnessed = false;
      }
      if (witnessed) return false;
    }
    return true;
  };

  const checkFactorization = (n: bigint, factors: readonly bigint[], rng: () => number): void => {
    expect(factors.reduce((a, b) => a * b, 1n)).toBe(n);
    for (let i = 1; i < factors.length; i++) expect(factors[i - 1]! <= factors[i]!).toBe(true);
    for (const p of factors) expect(looksPrime(p, rng)).toBe(true);
  };

  it('rejects out-of-range n', () => {
    for (const n of [-5n, 0n, 1n, 1n << 64n, (1n << 64n) + 1n, 1n << 100n]) {
      expect(reasonOf(factorizePollardRho({ n }))).toBe('OUT_OF_RANGE');
    }
  });

  it('handles the spec examples and small numbers', () => {
    expect(factorize(12n)).toEqual([2n, 2n, 3n]);
    expect(factorize(2n)).toEqual([2n]);
    expect(factorize(3n)).toEqual([3n]);
    expect(factorize(4n)).toEqual([2n, 2n]);
    expect(factorize(997n)).toEqual([997n]);
    expect(factorize(1009n)).toEqual([1009n]);
    expect(factorize(999_983n * 999_983n)).toEqual([999_983n, 999_983n]);
    for (let n = 2; n <= 3000; n++) expect(factorize(BigInt(n))).toEqual(trialFactors(n));
  });

  it('handles the ends of the range and hard 64-bit cases', () => {
    expect(factorize(U64_MAX)).toEqual([3n, 5n, 17n, 257n, 641n, 65537n, 6700417n]);
    expect(factorize(1n << 63n)).toEqual(new Array<bigint>(63).fill(2n));
    // Largest prime below 2^64, and the two largest primes below 2^32.
    expect(factorize(18446744073709551557n)).toEqual([18446744073709551557n]);
    const p = 4294967291n;
    const q = 4294967279n;
    expect(isPrimeByTrial(p) && isPrimeByTrial(q)).toBe(true);
    expect(factorize(p * q)).toEqual([q, p]);
    expect(factorize(p * p)).toEqual([p, p]);
    // Prime powers with a prime above the trial-division bound.
    expect(factorize(65521n ** 4n)).toEqual([65521n, 65521n, 65521n, 65521n]);
    expect(factorize(1009n ** 6n)).toEqual(new Array<bigint>(6).fill(1009n));
    expect(factorize(3n ** 40n)).toEqual(new Array<bigint>(40).fill(3n));
  });

  it('is not fooled by Carmichael numbers and strong pseudoprimes', () => {
    expect(factorize(561n)).toEqual([3n, 11n, 17n]);
    expect(factorize(41041n)).toEqual([7n, 11n, 13n, 41n]);
    expect(factorize(825265n)).toEqual([5n, 7n, 17n, 19n, 73n]);
    expect(factorize(321197185n)).toEqual([5n, 19n, 23n, 29n, 37n, 137n]);
    // Strong pseudoprime to the bases 2, 3, 5, ..., 23 (the first nine primes).
    expect(factorize(3825123056546413051n)).toEqual([149491n, 747451n, 34233211n]);
    // Strong pseudoprimes to base 2.
    expect(factorize(2047n)).toEqual([23n, 89n]);
    expect(factorize(3215031751n)).toEqual([151n, 751n, 28351n]);
    // Carmichael numbers (6k+1)(12k+1)(18k+1) with all three factors prime, all above the
    // trial-division bound, so only Miller-Rabin and rho see them.
    const rng = makeRng(5);
    let found = 0;
    for (let k = 200_000n; found < 5; k++) {
      const factors = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
      if (!factors.every(isPrimeByTrial)) continue;
      found++;
      const n = factors[0]! * factors[1]! * factors[2]!;
      expect(factorize(n)).toEqual(factors);
      checkFactorization(n, factors, rng);
    }
  });

  it('matches trial division on random n below 10^12', () => {
    const rng = makeRng(11);
    for (let trial = 0; trial < 150; trial++) {
      const n = randomInt(rng, 2, 1e12);
      expect(factorize(BigInt(n))).toEqual(trialFactors(n));
    }
  });

  it('factors random 64-bit n and semiprimes near 2^32 correctly', () => {
    const rng = makeRng(12);
    for (let trial = 0; trial < 40; trial++) {
      const n = 2n + (randomU64(rng) % (U64_MAX - 1n));
      checkFactorization(n, factorize(n), rng);
    }
    // Primes just below 2^32 found by trial division, multiplied in pairs.
    const primes: bigint[] = [];
    for (let c = 4294967295; primes.length < 6; c -= 2) {
      if (isPrimeByTrial(BigInt(c))) primes.push(BigInt(c));
    }
    for (let i = 0; i + 1 < primes.length; i += 2) {
      const a = primes[i]!;
      const b = primes[i + 1]!;
      expect(factorize(a * b)).toEqual([b, a]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('shortest-path/bellman-ford', () => {
  const run = (nodeCount: number, edges: readonly Edge[], source: number, target: number) =>
    shortestPathBellmanFord({ nodeCount, edges, source, target });
  const edge = (from: number, to: number, weight: number): Edge => ({ from, to, weight });

  /** Dijkstra in O(V^2): distances as sums in path order, for nonnegative weights. */
  const referenceDistances = (nodeCount: number, edges: readonly Edge[], source: number): number[] => {
    const distance = new Array<number>(nodeCount).fill(Infinity);
    const done = new Array<boolean>(nodeCount).fill(false);
    distance[source] = 0;
    for (;;) {
      let u = -1;
      for (let v = 0; v < nodeCount; v++) {
        if (!done[v] && distance[v]! < Infinity && (u === -1 || distance[v]! < distance[u]!)) u = v;
      }
      if (u === -1) break;
      done[u] = true;
      for (const e of edges) {
        if (e.from === u && distance[u]! + e.weight < distance[e.to]!) distance[e.to] = distance[u]! + e.weight;
      }
    }
    return distance;
  };

  /** The path must be simple, follow edges, and its in-order sum of lightest edges must be the distance. */
  const checkPath = (value: ShortestPathValue, edges: readonly Edge[], source: number, target: number): void => {
    const { path } = value;
    expect(path[0]).toBe(source);
    expect(path[path.length - 1]).toBe(target);
    expect(new Set(path).size).toBe(path.length);
    let total = 0;
    for (let i = 0; i + 1 < path.length; i++) {
      const weights = edges.filter((e) => e.from === path[i] && e.to === path[i + 1]).map((e) => e.weight);
      expect(weights.length).toBeGreaterThan(0);
      total += Math.min(...weights);
    }
    expect(value.distance).toBe(total);
  };

  it('checks limits and validity in order', () => {
    expect(reasonOf(run(10_001, [], 0, 0))).toBe('TOO_LARGE');
    const manyEdges = new Array<Edge>(100_001).fill(edge(0, 0, -1));
    expect(reasonOf(run(0, manyEdges, 5, 5))).toBe('TOO_LARGE');
    expect(reasonOf(run(0, [], 0, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [], 3, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [], 0, 3))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [edge(0, 3, 1)], 0, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [edge(3, 0, 1)], 0, 1))).toBe('INVALID_GRAPH');
    for (const bad of [-1, -1e-300, NaN, Infinity, -Infinity]) {
      expect(reasonOf(run(3, [edge(0, 1, 1), edge(1, 2, bad)], 1, 1))).toBe('INVALID_GRAPH');
    }
    expect(valueOf(run(3, [edge(0, 1, -0)], 0, 1))).toEqual({ reachable: true, distance: 0, path: [0, 1] });
  });

  it('handles source == target, unreachable and simple graphs', () => {
    expect(valueOf(run(1, [], 0, 0))).toEqual({ reachable: true, distance: 0, path: [0] });
    expect(valueOf(run(4, [edge(0, 0, 5), edge(0, 1, 2)], 0, 0))).toEqual({ reachable: true, distance: 0, path: [0] });
    expect(valueOf(run(3, [edge(1, 0, 1)], 0, 1))).toEqual({ reachable: false, distance: 0, path: [] });
    expect(valueOf(run(3, [edge(0, 1, 1), edge(1, 2, 1), edge(0, 2, 3)], 0, 2))).toEqual({
      reachable: true,
      distance: 2,
      path: [0, 1, 2],
    });
    // Parallel edges: the lightest counts; self-loops are harmless.
    expect(valueOf(run(2, [edge(0, 1, 5), edge(0, 0, 0), edge(0, 1, 1.5), edge(1, 1, 0)], 0, 1))).toEqual({
      reachable: true,
      distance: 1.5,
      path: [0, 1],
    });
  });

  it('never loops through zero-weight cycles', () => {
    // A zero-weight strongly connected blob between source and target.
    const edges = [
      edge(0, 1, 0),
      edge(1, 2, 0),
      edge(2, 3, 0),
      edge(3, 1, 0),
      edge(2, 1, 0),
      edge(3, 2, 0),
      edge(1, 3, 0),
      edge(3, 4, 0),
      edge(4, 0, 0),
      edge(4, 4, 0),
    ];
    for (let target = 1; target <= 4; target++) {
      const value = valueOf(run(5, edges, 0, target));
      expect(value.reachable).toBe(true);
      expect(value.distance).toBe(0);
      checkPath(value, edges, 0, target);
    }
  });

  it('matches a Dijkstra reference on random graphs', () => {
    const rng = makeRng(3);
    for (let trial = 0; trial < 400; trial++) {
      const nodeCount = randomInt(rng, 1, 12);
      const edgeCount = randomInt(rng, 0, 40);
      const mode = trial % 3; // 0: small integers with many zeros, 1: fractional, 2: tiny and huge mixed
      const edges = Array.from({ length: edgeCount }, () => {
        const from = randomInt(rng, 0, nodeCount - 1);
        const to = randomInt(rng, 0, nodeCount - 1);
        const weight =
          mode === 0 ? randomInt(rng, 0, 3) : mode === 1 ? rng() * 10 : rng() < 0.5 ? rng() * 1e-3 : rng() * 1e15;
        return edge(from, to, weight);
      });
      const source = randomInt(rng, 0, nodeCount - 1);
      const target = randomInt(rng, 0, nodeCount - 1);
      const value = valueOf(run(nodeCount, edges, source, target));
      const expected = referenceDistances(nodeCount, edges, source)[target]!;
      if (source === target) {
        expect(value).toEqual({ reachable: true, distance: 0, path: [source] });
      } else if (expected === Infinity) {
        expect(value).toEqual({ reachable: false, distance: 0, path: [] });
      } else {
        expect(value.reachable).toBe(true);
        checkPath(value, edges, source, target);
        if (mode === 0) expect(value.distance).toBe(expected);
        else expect(Math.abs(value.distance - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12);
      }
    }
  });

  it('handles graphs at the size limits', () => {
    const rng = makeRng(4);
    const nodeCount = 10_000;
    const edges: Edge[] = [];
    for (let v = 0; v + 1 < nodeCount; v++) edges.push(edge(v, v + 1, randomInt(rng, 0, 100)));
    while (edges.length < 100_000) {
      edges.push(edge(randomInt(rng, 0, nodeCount - 1), randomInt(rng, 0, nodeCount - 1), randomInt(rng, 0, 100_000)));
    }
    const value = valueOf(run(nodeCount, edges, 0, nodeCount - 1));
    expect(value.reachable).toBe(true);
    expect(value.path[0]).toBe(0);
    expect(value.path[value.path.length - 1]).toBe(nodeCount - 1);
    expect(new Set(value.path).size).toBe(value.path.length);
  });
});

// ---------------------------------------------------------------------------------------------
describe('statistics/welford', () => {
  const stats = (values: readonly number[]): StatisticsValue => valueOf(statisticsWelford({ values }));

  /** A finite double as an exact integer multiple of 2^-1074. */
  const toScaledBigInt = (x: number): bigint => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    const negative = bits >> 63n === 1n;
    const biasedExponent = Number((bits >> 52n) & 0x7ffn);
    const fraction = bits & ((1n << 52n) - 1n);
    const magnitude =
      biasedExponent === 0 ? fraction : (fraction | (1n << 52n)) << BigInt(biasedExponent - 1);
    return negative ? -magnitude : magnitude;
  };

  /** num / den to a double, accurate to well under 1e-15 relative (not necessarily correctly rounded). */
  const ratioToNumber = (num: bigint, den: bigint): number => {
    if (num === 0n) return 0;
    const negative = num < 0n !== den < 0n;
    const a = num < 0n ? -num : num;
    const b = den < 0n ? -den : den;
    let shift = a.toString(2).length - b.toString(2).length - 60;
    const scaled = shift >= 0 ? a / (b << BigInt(shift)) : (a << BigInt(-shift)) / b;
    let magnitude = Number(scaled);
    for (; shift > 1000; shift -= 1000) magnitude *= 2 ** 1000;
    for (; shift < -1000; shift += 1000) magnitude *= 2 ** -1000;
    magnitude *= 2 ** shift;
    return negative ? -magnitude : magnitude;
  };

  /** Exact mean, sample variance and median via rationals. */
  const reference = (values: readonly number[]) => {
    const n = BigInt(values.length);
    const scaled = values.map(toScaledBigInt);
    const sum = scaled.reduce((a, b) => a + b, 0n);
    const sumSquares = scaled.reduce((a, b) => a + b * b, 0n);
    const scale = 1n << 1074n;
    const mean = ratioToNumber(sum, n * scale);
    const variance =
      values.length === 1 ? 0 : ratioToNumber(n * sumSquares - sum * sum, n * (n - 1n) * scale * scale);
    const sorted = [...values].sort((a, b) => a - b);
    const mid = values.length >> 1;
    const median =
      values.length % 2 === 1
        ? sorted[mid]!
        : ratioToNumber(toScaledBigInt(sorted[mid - 1]!) + toScaledBigInt(sorted[mid]!), 2n * scale);
    const min = values.reduce((a, b) => Math.min(a, b));
    const max = values.reduce((a, b) => Math.max(a, b));
    return { mean, variance, stddev: Math.sqrt(variance), median, min, max };
  };

  const expectClose = (actual: number, expected: number, relative: number): void => {
    if (expected === 0) expect(actual).toBe(0);
    else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative);
  };

  const checkAgainstReference = (values: readonly number[], relative = 1e-12): void => {
    const expected = reference(values);
    if (!Number.isFinite(expected.variance)) {
      expect(reasonOf(statisticsWelford({ values }))).toBe('NON_FINITE');
      return;
    }
    const actual = stats(values);
    expect(actual.count).toBe(values.length);
    expect(Object.is(actual.min, expected.min)).toBe(true);
    expect(Object.is(actual.max, expected.max)).toBe(true);
    expectClose(actual.mean, expected.mean, relative);
    expectClose(actual.variance, expected.variance, relative);
    expectClose(actual.stddev, expected.stddev, relative);
    expectClose(actual.median, expected.median, 1e-15);
  };

  it('checks errors in order', () => {
    expect(reasonOf(statisticsWelford({ values: [] }))).toBe('EMPTY');
    const tooMany = new Array<number>(1_000_001).fill(1);
    tooMany[5] = NaN;
    expect(reasonOf(statisticsWelford({ values: tooMany }))).toBe('TOO_LARGE');
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(reasonOf(statisticsWelford({ values: [1, 2, bad, 3] }))).toBe('NON_FINITE');
    }
    // Exact variance (and so the result) exceeds the largest double.
    expect(reasonOf(statisticsWelford({ values: [-1e308, 1e308] }))).toBe('NON_FINITE');
    expect(reasonOf(statisticsWelford({ values: [-1.7e308, 1.7e308, 0] }))).toBe('NON_FINITE');
  });

  it('computes simple statistics', () => {
    expect(stats([1, 2, 3, 4])).toEqual({ count: 4, mean: 2.5, variance: 5 / 3, stddev: Math.sqrt(5 / 3), min: 1, max: 4, median: 2.5 });
    expect(stats([5])).toEqual({ count: 1, mean: 5, variance: 0, stddev: 0, min: 5, max: 5, median: 5 });
    expect(stats([3, 1, 2])).toMatchObject({ mean: 2, variance: 1, stddev: 1, median: 2, min: 1, max: 3 });
    expect(stats([2, 4, 4, 4, 5, 5, 7, 9])).toMatchObject({ mean: 5, variance: 32 / 7, median: 4.5 });
  });

  it('is exact for equal values and avoids overflow', () => {
    for (const x of [0.1, -3.3e-7, 1e308, -1.7976931348623157e308, 5e-324, 123456789.123]) {
      const result = stats(new Array<number>(7).fill(x));
      expect(result).toEqual({ count: 7, mean: x, variance: 0, stddev: 0, min: x, max: x, median: x });
    }
    expect(Object.is(stats([-0, -0]).mean, -0)).toBe(true);
    expect(stats([1e308, 1e308]).mean).toBe(1e308);
    // SPEC names 1.25e308 as this input's median, but its exact variance (1.25e615) exceeds
    // the largest double, and that rule makes the whole answer NON_FINITE.
    expect(reasonOf(statisticsWelford({ values: [1e308, 1.5e308] }))).toBe('NON_FINITE');
    // Any spread among values this large has a variance beyond the largest double.
    expect(reasonOf(statisticsWelford({ values: [1.7e308, 1.7e308, 1.7000000000000002e308] }))).toBe('NON_FINITE');
    checkAgainstReference([3e153, -3e153, 1e153]);
    checkAgainstReference([1e154, 1.2e154, 1.1e154, 1.3e154]);
    checkAgainstReference([5e-324, 1e-323, 2.5e-323, 0]);
  });

  it('does not modify the input', () => {
    const values = [5, 3, 9, 1, 7, 2];
    const frozen = Object.freeze([...values]);
    stats(frozen);
    expect(frozen).toEqual(values);
  });

  it('is accurate for a large mean with a small spread', () => {
    const rng = makeRng(21);
    checkAgainstReference(Array.from({ length: 5000 }, () => 1e9 + rng()), 1e-11);
    checkAgainstReference(Array.from({ length: 5000 }, () => -1e12 + rng() * 1e-3), 1e-11);
    checkAgainstReference(Array.from({ length: 2000 }, () => 1e15 + randomInt(rng, 0, 10)), 1e-11);
  });

  it('matches an exact reference on random inputs', () => {
    const rng = makeRng(22);
    for (let trial = 0; trial < 300; trial++) {
      const length = randomInt(rng, 1, 80);
      // Magnitudes where the variance is a normal double; overflow has its own cases above.
      const magnitude = 10 ** randomInt(rng, -140, 150);
      const kind = trial % 4;
      const values = Array.from({ length }, () => {
        if (kind === 0) return randomInt(rng, -3, 3);
        if (kind === 1) return (rng() - 0.5) * magnitude;
        if (kind === 2) return magnitude * (1 + rng() * 1e-6);
        return rng() < 0.2 ? -0 : rng() * 100;
      });
      checkAgainstReference(values);
    }
  });

  it('handles a million values', () => {
    const rng = makeRng(23);
    const values = Array.from({ length: 1_000_000 }, () => Math.floor(rng() * 1000));
    const result = stats(values);
    expect(result.count).toBe(1_000_000);
    const sorted = Float64Array.from(values).sort();
    expect(result.median).toBe((sorted[499_999]! + sorted[500_000]!) / 2);
    const mean = values.reduce((a, b) => a + b, 0) / values.length; // exact: integer sums below 2^53
    expect(result.mean).toBeCloseTo(mean, 9);
  });
});
