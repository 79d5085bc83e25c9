import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtInMethods } from '../../voter/methods/built-in.js';
import type { AnyVotedMethod } from '../../voter/methods/voted-method.js';
import { GOLDEN } from './golden-cases.js';

type VersionFunction = (input: unknown) => unknown;

async function load(method: AnyVotedMethod): Promise<[string, VersionFunction][]> {
  return Promise.all(
    method.versions.map(async version => {
      const module = (await import(version.module.href)) as { default: VersionFunction };
      return [version.id, module.default] as [string, VersionFunction];
    }),
  );
}

/** Every version, on its own, against the shared golden cases, compared through the method's own voter. */
describe.each(builtInMethods.map(method => [method.name, method] as const))('%s versions', (name, method) => {
  const voter = method.voters[method.defaultVoter]!(method.defaultTolerance);
  it.each((GOLDEN[name] ?? []).map(golden => [golden.name, golden] as const))('pass the golden case: %s', async (_, golden) => {
    for (const [id, run] of await load(method)) {
      const result = run(structuredClone(golden.input)) as typeof golden.expected;
      expect({ id, kind: result.kind }).toEqual({ id, kind: golden.expected.kind });
      if (result.kind === 'domain_error' || golden.expected.kind === 'domain_error') {
        expect({ id, result }).toEqual({ id, result: golden.expected });
      } else {
        expect(method.isValue(result.value), `${id} returns a well-formed value`).toBe(true);
        expect(voter.isAcceptable(result.value, golden.input), `${id} returns an acceptable value`).toBe(true);
        expect(voter.agree(result.value, golden.expected.value), `${id}: ${String(result.value)}`).toBe(true);
      }
    }
  });
});

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

/** Property tests: each version against an independent oracle written here. */
describe('version properties', () => {
  const byName = new Map(builtInMethods.map(method => [method.name, method]));

  it('every Sort version returns the sorted multiset', async () => {
    const versions = await load(byName.get('Sort')!);
    fc.assert(
      fc.property(fc.array(int64, { maxLength: 200 }), values => {
        const expected = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        for (const [id, run] of versions) expect({ id, result: run({ values }) }).toEqual({ id, result: { kind: 'value', value: expected } });
      }),
      { numRuns: 200 },
    );
  });

  it('every Factorize version returns ascending primes whose product is n', async () => {
    const versions = await load(byName.get('Factorize')!);
    const isPrime = (p: bigint): boolean => {
      if (p < 2n) return false;
      for (let d = 2n; d * d <= p; d++) if (p % d === 0n) return false;
      return true;
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 2n, max: 2n ** 40n }), n => {
        for (const [id, run] of versions) {
          const result = run({ n }) as { kind: string; value: bigint[] };
          expect({ id, kind: result.kind }).toEqual({ id, kind: 'value' });
          expect(result.value.reduce((a, b) => a * b, 1n)).toBe(n);
          expect([...result.value].sort((a, b) => (a < b ? -1 : 1))).toEqual(result.value);
          // Factors up to 2^20 are checked by trial division; larger ones must be the only large factor.
          for (const factor of result.value) if (factor < 2n ** 20n) expect(isPrime(factor)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('every Evaluate version agrees with the others on random arithmetic', async () => {
    const method = byName.get('Evaluate')!;
    const versions = await load(method);
    const voter = method.voters[method.defaultVoter]!(method.defaultTolerance);
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>(tie => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer({ min: 0, max: 99 }).map(String),
        fc.constantFrom('pi', 'e', '.5', '1e2'),
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '^'), tie('e')).map(([a, op, b]) => `${a}${op}${b}`),
        tie('e').map(a => `(${a})`),
        tie('e').map(a => `-${a}`),
        fc.tuple(fc.constantFrom('sqrt', 'sin', 'cos', 'tan', 'exp', 'ln', 'log10', 'abs'), tie('e')).map(([f, a]) => `${f}(${a})`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, expression => {
        const results = versions.map(([id, run]) => [id, run({ expression })] as const);
        const [, first] = results[0]!;
        for (const [id, result] of results) {
          const a = first as { kind: string; value?: number; reason?: string };
          const b = result as { kind: string; value?: number; reason?: string };
          expect({ id, expression, kind: b.kind, reason: b.reason }).toEqual({ id, expression, kind: a.kind, reason: a.reason });
          if (a.kind === 'value') expect(voter.agree(a.value, b.value), `${id}: ${expression}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every ShortestPath version returns a valid path of the optimal distance', async () => {
    const method = byName.get('ShortestPath')!;
    const versions = await load(method);
    const voter = method.voters[method.defaultVoter]!(method.defaultTolerance);
    const graph = fc.integer({ min: 1, max: 12 }).chain(nodeCount =>
      fc.record({
        nodeCount: fc.constant(nodeCount),
        edges: fc.array(
          fc.record({
            from: fc.nat(nodeCount - 1),
            to: fc.nat(nodeCount - 1),
            weight: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 10, noNaN: true })),
          }),
          { maxLength: 40 },
        ),
        source: fc.nat(nodeCount - 1),
        target: fc.nat(nodeCount - 1),
      }),
    );
    fc.assert(
      fc.property(graph, input => {
        // Floyd-Warshall oracle: a different algorithm from every version.
        const n = input.nodeCount;
        const dist = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : Infinity)));
        for (const { from, to, weight } of input.edges) dist[from]![to] = Math.min(dist[from]![to]!, weight);
        for (let k = 0; k < n; k++)
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dist[i]![j] = Math.min(dist[i]![j]!, dist[i]![k]! + dist[k]![j]!);
        const best = dist[input.source]![input.target]!;
        for (const [id, run] of versions) {
          const result = run(input) as { kind: string; value: { reachable: boolean; distance: number; path: number[] } };
          expect({ id, kind: result.kind }).toEqual({ id, kind: 'value' });
          expect(voter.isAcceptable(result.value, input), `${id} path is valid`).toBe(true);
          expect(result.value.reachable).toBe(Number.isFinite(best));
          if (Number.isFinite(best)) expect(Math.abs(result.value.distance - best)).toBeLessThanOrEqual(1e-9 * Math.max(1, best));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('every Statistics version agrees with an exact oracle within the voting tolerance', async () => {
    const method = byName.get('Statistics')!;
    const versions = await load(method);
    const voter = method.voters[method.defaultVoter]!(method.defaultTolerance);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 200 }), values => {
        const n = values.length;
        const sum = values.reduce((a, b) => a + b, 0);
        const mean = sum / n;
        // Integers: the sum of squared deviations is exact as n*sum(x^2) - sum^2 over n.
        const sq = values.reduce((a, b) => a + BigInt(b) * BigInt(b), 0n);
        const variance = n === 1 ? 0 : Number(BigInt(n) * sq - BigInt(sum) * BigInt(sum)) / n / (n - 1);
        const sorted = [...values].sort((a, b) => a - b);
        const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
        const expected = { count: n, mean, variance, stddev: Math.sqrt(variance), min: sorted[0]!, max: sorted[n - 1]!, median };
        for (const [id, run] of versions) {
          const result = run({ values }) as { kind: string; value: unknown };
          expect({ id, kind: result.kind }).toEqual({ id, kind: 'value' });
          expect(voter.agree(result.value, expected), `${id}: ${JSON.stringify(result.value)} vs ${JSON.stringify(expected)}`).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
