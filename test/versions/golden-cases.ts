/** Golden cases every version of a method must pass: input and the exact expected result. */
export interface GoldenCase {
  readonly name: string;
  readonly input: unknown;
  readonly expected: { kind: 'value'; value: unknown } | { kind: 'domain_error'; reason: string };
}

const ok = (value: unknown) => ({ kind: 'value' as const, value });
const no = (reason: string) => ({ kind: 'domain_error' as const, reason });

export const GOLDEN: Readonly<Record<string, readonly GoldenCase[]>> = {
  Sort: [
    { name: 'empty', input: { values: [] }, expected: ok([]) },
    { name: 'duplicates and signs', input: { values: [3n, -1n, 3n, 0n, -1n] }, expected: ok([-1n, -1n, 0n, 3n, 3n]) },
    {
      name: 'int64 extremes',
      input: { values: [2n ** 63n - 1n, -(2n ** 63n), 0n] },
      expected: ok([-(2n ** 63n), 0n, 2n ** 63n - 1n]),
    },
    { name: 'too many values', input: { values: new Array<bigint>(100_001).fill(1n) }, expected: no('TOO_LARGE') },
  ],
  Factorize: [
    { name: 'one is out of range', input: { n: 1n }, expected: no('OUT_OF_RANGE') },
    { name: 'smallest prime', input: { n: 2n }, expected: ok([2n]) },
    { name: 'twelve', input: { n: 12n }, expected: ok([2n, 2n, 3n]) },
    { name: 'Carmichael 561', input: { n: 561n }, expected: ok([3n, 11n, 17n]) },
    { name: '2^64 - 1', input: { n: 2n ** 64n - 1n }, expected: ok([3n, 5n, 17n, 257n, 641n, 65537n, 6700417n]) },
    { name: 'a prime power', input: { n: 3n ** 40n }, expected: ok(new Array<bigint>(40).fill(3n)) },
  ],
  Evaluate: [
    { name: 'precedence', input: { expression: '1+2*3' }, expected: ok(7) },
    { name: 'right-associative power', input: { expression: '2^3^2' }, expected: ok(512) },
    { name: 'unary binds looser than power', input: { expression: '-2^2' }, expected: ok(-4) },
    { name: 'negative exponent', input: { expression: '2^-1' }, expected: ok(0.5) },
    { name: 'zero to the zero', input: { expression: '0^0' }, expected: ok(1) },
    { name: 'constants and functions', input: { expression: 'ln(e) + sqrt(16) + abs(-1)' }, expected: ok(6) },
    { name: 'first error in operand order', input: { expression: '1/0 + sqrt(-1)' }, expected: no('DIVISION_BY_ZERO') },
    { name: 'domain before division', input: { expression: 'sqrt(-1) + 1/0' }, expected: no('DOMAIN_ERROR') },
    { name: 'syntax before evaluation', input: { expression: '1/0 + (' }, expected: no('SYNTAX_ERROR') },
    { name: 'non-finite', input: { expression: 'exp(1000) - 1/0' }, expected: no('NON_FINITE') },
    { name: 'empty', input: { expression: '   ' }, expected: no('SYNTAX_ERROR') },
    { name: 'unknown name', input: { expression: 'foo(1)' }, expected: no('SYNTAX_ERROR') },
    { name: 'too long', input: { expression: '1+'.repeat(5_000) + '1' }, expected: no('TOO_COMPLEX') },
    { name: 'too deep', input: { expression: '('.repeat(201) + '1' + ')'.repeat(201) }, expected: no('TOO_COMPLEX') },
    { name: 'long unary chain', input: { expression: '-'.repeat(5_000) + '1' }, expected: ok(1) },
    // The exponent tower 2^2^...^2 overflows before the base 1 is raised to it.
    { name: 'long power chain', input: { expression: '1' + '^2'.repeat(3_000) }, expected: no('NON_FINITE') },
    { name: 'long power chain of ones', input: { expression: '2' + '^1'.repeat(3_000) }, expected: ok(2) },
  ],
  ShortestPath: [
    {
      name: 'unique shortest path',
      input: {
        nodeCount: 4,
        edges: [
          { from: 0, to: 1, weight: 1 },
          { from: 1, to: 2, weight: 1 },
          { from: 0, to: 2, weight: 5 },
          { from: 2, to: 3, weight: 0.5 },
        ],
        source: 0,
        target: 3,
      },
      expected: ok({ reachable: true, distance: 2.5, path: [0, 1, 2, 3] }),
    },
    {
      name: 'unreachable',
      input: { nodeCount: 3, edges: [{ from: 1, to: 0, weight: 1 }], source: 0, target: 2 },
      expected: ok({ reachable: false, distance: 0, path: [] }),
    },
    { name: 'source is target', input: { nodeCount: 1, edges: [], source: 0, target: 0 }, expected: ok({ reachable: true, distance: 0, path: [0] }) },
    {
      name: 'negative weight',
      input: { nodeCount: 2, edges: [{ from: 0, to: 1, weight: -1 }], source: 0, target: 1 },
      expected: no('INVALID_GRAPH'),
    },
    { name: 'too many nodes', input: { nodeCount: 10_001, edges: [], source: 0, target: 1 }, expected: no('TOO_LARGE') },
    {
      // Found by a gateway test: two versions answered distance Infinity, one unreachable.
      name: 'weights whose sum would overflow',
      input: {
        nodeCount: 3,
        edges: [
          { from: 0, to: 1, weight: 1e308 },
          { from: 1, to: 2, weight: 1e308 },
        ],
        source: 0,
        target: 2,
      },
      expected: no('INVALID_GRAPH'),
    },
    {
      name: 'the largest weight allowed',
      input: {
        nodeCount: 3,
        edges: [
          { from: 0, to: 1, weight: 1e300 },
          { from: 1, to: 2, weight: 1e300 },
        ],
        source: 0,
        target: 2,
      },
      expected: ok({ reachable: true, distance: 2e300, path: [0, 1, 2] }),
    },
  ],
  Statistics: [
    { name: 'empty', input: { values: [] }, expected: no('EMPTY') },
    { name: 'non-finite', input: { values: [1, Number.POSITIVE_INFINITY] }, expected: no('NON_FINITE') },
    {
      name: 'one value',
      input: { values: [4] },
      expected: ok({ count: 1, mean: 4, variance: 0, stddev: 0, min: 4, max: 4, median: 4 }),
    },
    {
      name: 'even count',
      input: { values: [4, 1, 3, 2] },
      expected: ok({ count: 4, mean: 2.5, variance: 5 / 3, stddev: Math.sqrt(5 / 3), min: 1, max: 4, median: 2.5 }),
    },
    {
      name: 'equal values',
      input: { values: [0.1, 0.1, 0.1] },
      expected: ok({ count: 3, mean: 0.1, variance: 0, stddev: 0, min: 0.1, max: 0.1, median: 0.1 }),
    },
  ],
};
