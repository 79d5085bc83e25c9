import type {
  Edge,
  EvaluateRequest,
  EvaluateResponse,
  FactorizeRequest,
  FactorizeResponse,
  ShortestPathRequest,
  ShortestPathResponse,
  SortRequest,
  SortResponse,
  StatisticsRequest,
  StatisticsResponse,
} from '../../../voter/gen/nvote/v1/compute_service.js';
import type { SeededRandom } from '../seeded-random.js';
import type { CampaignCase, Workload } from '../workload.js';

/**
 * The contract's hardest valid inputs (SPEC.md's limits), each with a reference known by
 * construction: a campaign that never sends them cannot see a version that is too slow on them,
 * nor a gateway that cannot carry them. They are large, so they ask for a longer deadline.
 */
export const WORST_CASE_DEADLINE_MS = 15_000;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** `workload`, with one request in `every` replaced by one of `worst`'s. */
export function withWorstCases<TRequest, TResponse>(
  workload: Workload<TRequest, TResponse>,
  every: number,
  worst: (random: SeededRandom) => CampaignCase<TRequest, TResponse>,
): Workload<TRequest, TResponse> {
  return {
    method: workload.method,
    generate: random => (random.next() < 1 / every ? { ...worst(random), minDeadlineMs: WORST_CASE_DEADLINE_MS } : workload.generate(random)),
  };
}

/** 100,000 values (the limit), from the full signed 64-bit range, with many duplicates. */
export function worstSort(random: SeededRandom): CampaignCase<SortRequest, SortResponse> {
  const values = Array.from({ length: 100_000 }, (_, i) => {
    const kind = random.next();
    if (kind < 0.3) return BigInt(random.int(-1000, 1000));
    if (kind < 0.35) return i % 2 === 0 ? INT64_MIN : INT64_MAX;
    return BigInt.asIntN(64, (BigInt(random.int(0, 2 ** 32 - 1)) << 32n) | BigInt(random.int(0, 2 ** 32 - 1)));
  });
  const expected = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    request: { values },
    expected: `${expected.length} values from ${expected[0]} to ${expected[expected.length - 1]}`,
    isCorrect: response => response.values.length === expected.length && response.values.every((v, i) => v === expected[i]),
  };
}

/**
 * Products of two primes just below 2^32 (the hardest n for every method but trial division),
 * the largest primes below 2^64, and squares of primes near 2^32.
 */
export function worstFactorize(random: SeededRandom): CampaignCase<FactorizeRequest, FactorizeResponse> {
  const kind = random.int(0, 2);
  const p = primeBelow(2n ** 32n - BigInt(random.int(0, 2 ** 20)));
  const factors =
    kind === 0 ? [primeBelow(p), p] : kind === 1 ? [primeBelow(UINT64_MAX - BigInt(random.int(0, 2 ** 20)))] : [p, p];
  const n = factors.reduce((product, factor) => product * factor, 1n);
  return {
    request: { n },
    expected: factors.map(String),
    isCorrect: response => response.factors.length === factors.length && response.factors.every((f, i) => f === factors[i]),
  };
}

/**
 * The longest expressions: 10,000 characters of small integer terms, whose sum is exact in
 * doubles in any order, and nesting 200 deep (the limit), or 5,000 unary minus signs.
 */
export function worstEvaluate(random: SeededRandom, kind = random.int(0, 2)): CampaignCase<EvaluateRequest, EvaluateResponse> {
  let expression: string;
  let expected: number;
  if (kind === 0) {
    const terms: string[] = [];
    expected = 0;
    let length = 0;
    for (;;) {
      const term = random.int(0, 999);
      const sign = terms.length === 0 ? '' : random.next() < 0.5 ? '+' : '-';
      const text = `${sign}${term}`;
      if (length + text.length > 10_000) break;
      terms.push(text);
      length += text.length;
      expected += sign === '-' ? -term : term;
    }
    expression = terms.join('');
  } else if (kind === 1) {
    const a = random.int(1, 99);
    const b = random.int(1, 99);
    expression = `${'('.repeat(200)}${a}*${b}${')'.repeat(200)}`;
    expected = a * b;
  } else {
    const a = random.int(1, 9);
    expression = `${'-'.repeat(5_000)}${a}`;
    expected = a;
  }
  return {
    request: { expression },
    expected,
    isCorrect: response => response.value === expected,
  };
}

/**
 * 10,000 nodes and 100,000 edges (the limits) around a planted chain from source to target
 * whose weights sum to D; every other edge weighs more than D, so the chain is the one
 * shortest path, known without running any shortest-path algorithm.
 */
export function worstShortestPath(random: SeededRandom): CampaignCase<ShortestPathRequest, ShortestPathResponse> {
  const nodeCount = 10_000;
  const order = Array.from({ length: nodeCount }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const chainLength = random.int(50, 2_000);
  const chain = order.slice(0, chainLength + 1);
  // Halves: sums are exact in doubles whatever order a version adds in.
  const weights = Array.from({ length: chainLength }, () => random.int(0, 20) / 2);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const edges: Edge[] = weights.map((weight, i) => ({ from: chain[i] as number, to: chain[i + 1] as number, weight }));
  while (edges.length < 100_000) {
    edges.push({ from: random.int(0, nodeCount - 1), to: random.int(0, nodeCount - 1), weight: total + 1 + random.int(0, 1000) });
  }
  for (let i = edges.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [edges[i], edges[j]] = [edges[j] as Edge, edges[i] as Edge];
  }
  const source = chain[0] as number;
  const target = chain[chain.length - 1] as number;
  return {
    request: { nodeCount, edges, source, target },
    expected: { reachable: true, distance: total, path: `${chain.length} nodes from ${source} to ${target}` },
    isCorrect: response =>
      response.reachable && response.distance === total && response.path.length === chain.length && response.path.every((node, i) => node === chain[i]),
  };
}

/**
 * 1,000,000 values (the limit) near 1e9 with a small spread: the large-mean, small-variance case
 * that defeats the one-pass formula. Values are k/4 offsets, so the exact statistics are
 * rationals computed here with BigInts.
 */
export function worstStatistics(random: SeededRandom): CampaignCase<StatisticsRequest, StatisticsResponse> {
  const count = 1_000_000;
  const base = 1e9;
  const spread = 400;
  // Offsets in quarters, tallied: every statistic follows from the 801 counts, cheaply, which
  // matters because the campaign's own gateway shares this event loop.
  const tally = new Float64Array(2 * spread + 1);
  const values = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const q = random.int(-spread, spread);
    tally[q + spread] = (tally[q + spread] as number) + 1;
    values[i] = base + q / 4;
  }
  let sum = 0n;
  let squares = 0n;
  let min = Infinity;
  let max = -Infinity;
  for (let q = -spread; q <= spread; q++) {
    const k = tally[q + spread] as number;
    if (k === 0) continue;
    sum += BigInt(k) * BigInt(q);
    squares += BigInt(k) * BigInt(q * q);
    min = Math.min(min, base + q / 4);
    max = Math.max(max, base + q / 4);
  }
  const rank = (r: number): number => {
    let seen = 0;
    for (let q = -spread; q <= spread; q++) {
      seen += tally[q + spread] as number;
      if (seen > r) return q;
    }
    return spread;
  };
  const n = BigInt(count);
  // In quarter units: mean offset = sum / n, variance = (n * squares - sum^2) / (n (n - 1)).
  const mean = base + Number(sum) / count / 4;
  const variance = Number(squares * n - sum * sum) / Number(n * (n - 1n)) / 16;
  const median = base + (rank(count / 2 - 1) + rank(count / 2)) / 8;
  const close = (got: number, want: number, scale: number): boolean => Math.abs(got - want) <= 1e-9 * Math.max(Math.abs(want), scale);
  return {
    request: { values },
    expected: { count, mean, variance, min, max, median },
    isCorrect: response =>
      response.count === BigInt(count) &&
      close(response.mean, mean, 1) &&
      close(response.variance, variance, 1e-12) &&
      close(response.stddev, Math.sqrt(variance), 1e-12) &&
      response.min === min &&
      response.max === max &&
      close(response.median, median, 1),
  };
}

/** The largest prime below `limit`, by a deterministic Miller-Rabin exact below 3.3e24. */
function primeBelow(limit: bigint): bigint {
  let candidate = limit - 1n;
  if (candidate % 2n === 0n) candidate -= 1n;
  while (!isPrime(candidate)) candidate -= 2n;
  return candidate;
}

const BASES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of BASES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    s += 1;
  }
  return BASES.every(a => {
    let x = power(a, d, n);
    if (x === 1n || x === n - 1n) return true;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) return true;
    }
    return false;
  });
}

function power(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}
