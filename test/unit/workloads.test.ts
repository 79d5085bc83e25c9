import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../tools/campaign/seeded-random.js';
import type {
  EvaluateResponse,
  ShortestPathRequest,
  ShortestPathResponse,
  StatisticsResponse,
} from '../../voter/gen/nvote/v1/compute_service.js';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';
import type { CampaignCase, Workload } from '../../tools/campaign/workload.js';
import type { Expression } from '../../tools/campaign/workloads/evaluate.js';
import { evaluateExpression, evaluateWorkload, renderExpression } from '../../tools/campaign/workloads/evaluate.js';
import { factorizeWorkload } from '../../tools/campaign/workloads/factorize.js';
import { builtInWorkloads, workloadFor } from '../../tools/campaign/workloads/index.js';
import { shortestPathCase, shortestPathWorkload } from '../../tools/campaign/workloads/shortest-path.js';
import { sortWorkload } from '../../tools/campaign/workloads/sort.js';
import { statisticsWorkload } from '../../tools/campaign/workloads/statistics.js';

const SEEDS = Array.from({ length: 300 }, (_, i) => i);

function casesOf<TRequest, TResponse>(workload: Workload<TRequest, TResponse>): CampaignCase<TRequest, TResponse>[] {
  return SEEDS.map(seed => workload.generate(seededRandom(`workloads-test-${seed}`)));
}

describe('builtInWorkloads', () => {
  it('lists every RPC of nvote.v1.ComputeService in the proto order', () => {
    const rpcs = Object.values(ComputeServiceService).map(({ path }) => path.slice(path.lastIndexOf('/') + 1));
    expect(builtInWorkloads.map(workload => workload.method)).toEqual(rpcs);
  });

  it('finds a workload by method and nothing for an unknown one', () => {
    expect(workloadFor('Evaluate')?.method).toBe('Evaluate');
    expect(workloadFor('Divide')).toBeUndefined();
  });

  it('generates the same request and reference for the same seed', () => {
    for (const workload of builtInWorkloads) {
      for (const seed of [0, 1, 'campaign-7']) {
        const first = workload.generate(seededRandom(seed));
        const second = workload.generate(seededRandom(seed));
        expect(second.request).toEqual(first.request);
        expect(second.expected).toEqual(first.expected);
      }
    }
  });

  it('keeps every reference JSON-safe', () => {
    for (const workload of builtInWorkloads) {
      for (const { expected } of casesOf(workload)) {
        expect(JSON.parse(JSON.stringify(expected))).toEqual(expected);
      }
    }
  });
});

describe('sortWorkload', () => {
  const cases = casesOf(sortWorkload);

  it('sends 1 to 200 signed 64-bit values', () => {
    for (const { request } of cases) {
      expect(request.values.length).toBeGreaterThanOrEqual(1);
      expect(request.values.length).toBeLessThanOrEqual(200);
      expect(request.values.every(value => BigInt.asIntN(64, value) === value)).toBe(true);
    }
  });

  it('mixes duplicates and values near both ends of the 64-bit range', () => {
    const all = cases.flatMap(({ request }) => request.values);
    expect(all).toContain(-(2n ** 63n));
    expect(all).toContain(2n ** 63n - 1n);
    expect(cases.some(({ request }) => new Set(request.values).size < request.values.length)).toBe(true);
  });

  it('expects the same multiset in ascending order', () => {
    for (const { request, expected } of cases) {
      const sorted = (expected as string[]).map(BigInt);
      expect(sorted.every((value, i) => i === 0 || sorted[i - 1]! <= value)).toBe(true);
      expect([...request.values].map(String).sort()).toEqual([...(expected as string[])].sort());
    }
  });

  it('accepts the reference and rejects one changed, missing or extra element', () => {
    for (const { expected, isCorrect } of cases) {
      const values = (expected as string[]).map(BigInt);
      expect(isCorrect({ values })).toBe(true);
      const changed = [...values];
      const i = values.length >> 1;
      changed[i] = changed[i]! === 2n ** 63n - 1n ? changed[i]! - 1n : changed[i]! + 1n;
      expect(isCorrect({ values: changed })).toBe(false);
      expect(isCorrect({ values: values.slice(1) })).toBe(false);
      expect(isCorrect({ values: [...values, values[0]!] })).toBe(false);
    }
  });
});

describe('factorizeWorkload', () => {
  const cases = casesOf(factorizeWorkload);

  it('builds n in [2, 2^40] with at most one factor above 10,000, below 1,000,000', () => {
    for (const { request, expected } of cases) {
      const factors = (expected as string[]).map(BigInt);
      expect(request.n >= 2n && request.n <= 2n ** 40n).toBe(true);
      expect(factors.reduce((product, p) => product * p, 1n)).toBe(request.n);
      expect(factors.filter(p => p > 10_000n).length).toBeLessThanOrEqual(1);
      for (const p of factors) expect(p < 1_000_000n && isPrimeByTrialDivision(p)).toBe(true);
      for (let i = 1; i < factors.length; i += 1) expect(factors[i - 1]! <= factors[i]!).toBe(true);
    }
  });

  it('stays cheap for a plain trial divider: about 10^4 candidate divisors at most', () => {
    for (const { request } of cases) {
      let n = request.n;
      let divisors = 0;
      for (let d = 2n; d * d <= n; d += 1n) {
        divisors += 1;
        while (n % d === 0n) n /= d;
      }
      expect(divisors).toBeLessThanOrEqual(10_000);
    }
  });

  it('covers primes, prime powers, large prime factors and long products', () => {
    const lists = cases.map(({ expected }) => (expected as string[]).map(BigInt));
    expect(lists.some(factors => factors.length === 1 && factors[0]! > 10_000n)).toBe(true);
    expect(lists.some(factors => factors.length >= 3 && new Set(factors).size === 1)).toBe(true);
    expect(lists.some(factors => factors.length >= 2 && factors.at(-1)! > 10_000n)).toBe(true);
    expect(lists.some(factors => factors.length >= 8)).toBe(true);
  });

  it('accepts the reference and rejects a replaced, missing or extra factor', () => {
    for (const { expected, isCorrect } of cases) {
      const factors = (expected as string[]).map(BigInt);
      expect(isCorrect({ factors })).toBe(true);
      const replaced = [...factors.slice(0, -1), factors.at(-1)! === 2n ? 3n : 2n];
      expect(isCorrect({ factors: replaced })).toBe(false);
      expect(isCorrect({ factors: factors.slice(1) })).toBe(false);
      expect(isCorrect({ factors: [2n, ...factors] })).toBe(false);
      expect(isCorrect({ factors: [...factors].reverse() })).toBe(factors.length === 1 || new Set(factors).size === 1);
    }
  });
});

describe('renderExpression', () => {
  const num = (text: string): Expression => ({ kind: 'number', text });
  const neg = (operand: Expression): Expression => ({ kind: 'sign', op: '-', operand });
  const pow = (base: Expression, exponent: Expression): Expression => ({ kind: 'power', base, exponent });
  const bin = (op: '+' | '-' | '*' | '/', left: Expression, right: Expression): Expression => ({
    kind: 'binary',
    op,
    left,
    right,
  });

  it.each<[string, Expression, number]>([
    ['-2^2', neg(pow(num('2'), num('2'))), -4],
    ['(-2)^2', pow(neg(num('2')), num('2')), 4],
    ['2^3^2', pow(num('2'), pow(num('3'), num('2'))), 512],
    ['(2^3)^2', pow(pow(num('2'), num('3')), num('2')), 64],
    ['2^-1', pow(num('2'), neg(num('1'))), 0.5],
    ['1-2-3', bin('-', bin('-', num('1'), num('2')), num('3')), -4],
    ['1-(2-3)', bin('-', num('1'), bin('-', num('2'), num('3'))), 2],
    ['8/(2*2)', bin('/', num('8'), bin('*', num('2'), num('2'))), 2],
    ['(1+2)*3', bin('*', bin('+', num('1'), num('2')), num('3')), 9],
    ['-2*3', bin('*', neg(num('2')), num('3')), -6],
    ['-(2*3)', neg(bin('*', num('2'), num('3'))), -6],
    ['1--1', bin('-', num('1'), neg(num('1'))), 2],
    ['2*-1.5', bin('*', num('2'), neg(num('1.5'))), -3],
    ['--1', neg(neg(num('1'))), 1],
    ['sqrt(9+7)^2', pow({ kind: 'call', name: 'sqrt', argument: bin('+', num('9'), num('7')) }, num('2')), 16],
    ['-pi^0', neg(pow({ kind: 'constant', name: 'pi' }, num('0'))), -1],
  ])('renders %s so the SPEC grammar reads back the same tree', (text, tree, value) => {
    expect(renderExpression(tree)).toBe(text);
    expect(evaluateExpression(tree)).toBe(value);
    expect(parseAndEvaluate(text)).toBe(value);
  });
});

describe('evaluateWorkload', () => {
  const cases = casesOf(evaluateWorkload);

  it('sends short expressions whose value is finite and moderate', () => {
    for (const { request, expected } of cases) {
      expect(request.expression.length).toBeGreaterThan(0);
      expect(request.expression.length).toBeLessThanOrEqual(1000);
      expect(maxParenthesisDepth(request.expression)).toBeLessThanOrEqual(20);
      expect(Number.isFinite(expected)).toBe(true);
      expect(Math.abs(expected as number)).toBeLessThanOrEqual(1e12);
    }
  });

  it('expects exactly what an independent reading of the text under the SPEC grammar gives', () => {
    // + 0 folds -0 into 0, as the JSON-safe reference does.
    for (const { request, expected } of cases) expect(parseAndEvaluate(request.expression) + 0).toBe(expected);
  });

  it('uses every operator and function over the campaign', () => {
    const text = cases.map(({ request }) => request.expression).join(' ');
    for (const token of ['+', '-', '*', '/', '^', '(', ' ', '.', 'pi', 'sqrt', 'abs', 'sin', 'cos', 'exp', 'ln', 'log10']) {
      expect(text).toContain(token);
    }
  });

  it('accepts the reference and rejects a value off by 1e-6 relative or not finite', () => {
    for (const { expected, isCorrect } of cases) {
      const value = expected as number;
      const response = (v: number): EvaluateResponse => ({ value: v });
      expect(isCorrect(response(value))).toBe(true);
      expect(isCorrect(response(value + 1e-6 * Math.max(Math.abs(value), 1)))).toBe(false);
      expect(isCorrect(response(-value - 1))).toBe(false);
      expect(isCorrect(response(Number.NaN))).toBe(false);
    }
  });
});

describe('shortestPathWorkload', () => {
  const cases = casesOf(shortestPathWorkload);
  type Expected = ShortestPathResponse;

  it('sends 2 to 12 nodes with valid endpoints and non-negative half-integer weights', () => {
    for (const { request } of cases) {
      expect(request.nodeCount).toBeGreaterThanOrEqual(2);
      expect(request.nodeCount).toBeLessThanOrEqual(12);
      expect(request.edges.length).toBeLessThanOrEqual(36);
      for (const node of [request.source, request.target, ...request.edges.flatMap(edge => [edge.from, edge.to])]) {
        expect(Number.isInteger(node) && node >= 0 && node < request.nodeCount).toBe(true);
      }
      for (const { weight } of request.edges) expect(weight >= 0 && Number.isInteger(weight * 2)).toBe(true);
    }
  });

  it('mixes reachable, unreachable and source == target requests', () => {
    const outcomes = cases.map(({ request, expected }) =>
      request.source === request.target ? 'same' : (expected as Expected).reachable ? 'reachable' : 'unreachable',
    );
    expect(new Set(outcomes)).toEqual(new Set(['same', 'reachable', 'unreachable']));
  });

  it('agrees with a brute-force search over every simple path', () => {
    for (const { request, expected } of cases) {
      const best = bruteForceDistance(request);
      expect((expected as Expected).reachable).toBe(best !== undefined);
      expect((expected as Expected).distance).toBe(best ?? 0);
    }
  });

  it('accepts the reference', () => {
    for (const { expected, isCorrect } of cases) expect(isCorrect(expected as Expected)).toBe(true);
  });

  it('rejects a wrong distance, a wrong reachability, or a path through a missing edge', () => {
    for (const { request, expected, isCorrect } of cases) {
      const reference = expected as Expected;
      expect(isCorrect({ ...reference, reachable: !reference.reachable })).toBe(false);
      if (!reference.reachable) {
        expect(isCorrect({ reachable: false, distance: 1, path: [] })).toBe(false);
        continue;
      }
      expect(isCorrect({ ...reference, distance: reference.distance + 0.5 })).toBe(false);
      expect(isCorrect({ ...reference, path: [] })).toBe(false);
      const { source, target } = request;
      if (source !== target && !request.edges.some(edge => edge.from === source && edge.to === target)) {
        expect(isCorrect({ ...reference, path: [source, target] })).toBe(false);
      }
      if (reference.path.length >= 2) {
        expect(isCorrect({ ...reference, path: [...reference.path, source] })).toBe(false);
        expect(isCorrect({ ...reference, path: [...reference.path].reverse() })).toBe(false);
      }
    }
  });

  it('accepts any optimal path, not only the reference one', () => {
    const request: ShortestPathRequest = {
      nodeCount: 4,
      edges: [
        { from: 0, to: 1, weight: 1 },
        { from: 1, to: 3, weight: 1 },
        { from: 0, to: 2, weight: 1.5 },
        { from: 2, to: 3, weight: 0.5 },
        { from: 2, to: 3, weight: 4 },
      ],
      source: 0,
      target: 3,
    };
    const { isCorrect } = shortestPathCase(request);
    expect(isCorrect({ reachable: true, distance: 2, path: [0, 1, 3] })).toBe(true);
    expect(isCorrect({ reachable: true, distance: 2, path: [0, 2, 3] })).toBe(true);
    expect(isCorrect({ reachable: true, distance: 2, path: [0, 3] })).toBe(false);
  });
});

describe('statisticsWorkload', () => {
  const cases = casesOf(statisticsWorkload);
  const fields = ['mean', 'variance', 'stddev', 'min', 'max', 'median'] as const;
  const responseOf = (expected: unknown): StatisticsResponse => {
    const reference = expected as Record<(typeof fields)[number], number> & { count: string };
    return { ...reference, count: BigInt(reference.count) };
  };

  it('sends 1 to 100 finite values, some with a large offset and some all equal', () => {
    for (const { request } of cases) {
      expect(request.values.length).toBeGreaterThanOrEqual(1);
      expect(request.values.length).toBeLessThanOrEqual(100);
      for (const value of request.values) expect(Number.isFinite(value)).toBe(true);
    }
    expect(cases.some(({ request }) => Math.min(...request.values) > 1e8)).toBe(true);
    expect(cases.some(({ request }) => request.values.length > 1 && new Set(request.values).size === 1)).toBe(true);
  });

  it('agrees with a plain two-pass computation in doubles', () => {
    for (const { request, expected } of cases) {
      const { values } = request;
      const n = values.length;
      const mean = values.reduce((a, b) => a + b, 0) / n;
      const variance = n === 1 ? 0 : values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      const sorted = [...values].sort((a, b) => a - b);
      const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
      const reference = responseOf(expected);
      expect(reference.count).toBe(BigInt(n));
      expect(reference.mean).toBeCloseTo(mean, 6);
      expect(reference.variance).toBeCloseTo(variance, 4);
      expect(reference.stddev).toBeCloseTo(Math.sqrt(variance), 6);
      expect(reference.min).toBe(sorted[0]);
      expect(reference.max).toBe(sorted.at(-1));
      expect(reference.median).toBe(median);
    }
  });

  it('accepts the reference and rejects any one field nudged, or a wrong count', () => {
    for (const { expected, isCorrect } of cases) {
      const reference = responseOf(expected);
      expect(isCorrect(reference)).toBe(true);
      expect(isCorrect({ ...reference, count: reference.count + 1n })).toBe(false);
      for (const field of fields) {
        const nudged = reference[field] + 1e-6 * Math.max(Math.abs(reference[field]), 1);
        expect(isCorrect({ ...reference, [field]: nudged })).toBe(false);
      }
      expect(isCorrect({ ...reference, mean: Number.NaN })).toBe(false);
    }
  });
});

function isPrimeByTrialDivision(p: bigint): boolean {
  if (p < 2n) return false;
  for (let d = 2n; d * d <= p; d += 1n) if (p % d === 0n) return false;
  return true;
}

function maxParenthesisDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (const char of text) {
    depth += char === '(' ? 1 : char === ')' ? -1 : 0;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

function bruteForceDistance({ edges, source, target }: ShortestPathRequest): number | undefined {
  let best: number | undefined;
  const visited = new Set([source]);
  const walk = (node: number, sum: number): void => {
    if (node === target) {
      best = best === undefined ? sum : Math.min(best, sum);
      return;
    }
    for (const edge of edges) {
      if (edge.from !== node || visited.has(edge.to) || (best !== undefined && sum + edge.weight >= best)) continue;
      visited.add(edge.to);
      walk(edge.to, sum + edge.weight);
      visited.delete(edge.to);
    }
  };
  walk(source, 0);
  return best;
}

/**
 * A test-only recursive-descent reading of the SPEC grammar (no error handling beyond throwing),
 * so the renderer is checked against the grammar rather than against itself.
 */
function parseAndEvaluate(text: string): number {
  const tokens = text.match(/\d+(?:\.\d+)?|[a-z][a-z0-9]*|\S/g) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new SyntaxError(`at ${at}`);
    at += 1;
    return token;
  };
  const functions: Record<string, (x: number) => number> = {
    sqrt: Math.sqrt,
    sin: Math.sin,
    cos: Math.cos,
    tan: Math.tan,
    exp: Math.exp,
    ln: Math.log,
    log10: Math.log10,
    abs: Math.abs,
  };
  const expr = (): number => {
    let value = term();
    while (peek() === '+' || peek() === '-') value = take() === '+' ? value + term() : value - term();
    return value;
  };
  const term = (): number => {
    let value = unary();
    while (peek() === '*' || peek() === '/') value = take() === '*' ? value * unary() : value / unary();
    return value;
  };
  const unary = (): number => {
    if (peek() === '-' || peek() === '+') return take() === '-' ? -unary() : unary();
    const base = primary();
    if (peek() !== '^') return base;
    take('^');
    return Math.pow(base, unary());
  };
  const primary = (): number => {
    const token = take();
    if (token === '(') {
      const value = expr();
      take(')');
      return value;
    }
    if (/^\d/.test(token)) return Number(token);
    if (token === 'pi') return Math.PI;
    if (token === 'e') return Math.E;
    const apply = functions[token];
    if (apply === undefined) throw new SyntaxError(`unknown ${token}`);
    take('(');
    const argument = expr();
    take(')');
    return apply(argument);
  };
  const value = expr();
  if (at !== tokens.length) throw new SyntaxError(`trailing ${tokens[at]}`);
  return value;
}
