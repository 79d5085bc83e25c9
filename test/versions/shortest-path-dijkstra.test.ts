import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { Edge, ShortestPathInput, ShortestPathValue, VersionResult } from '../../versions/contract.js';
import dijkstra from '../../versions/shortest-path/dijkstra.js';

// ---------------------------------------------------------------------------------------------
// Oracles and helpers, written plainly from the SPEC.

const TOO_LARGE = { kind: 'domain_error', reason: 'TOO_LARGE' } as const;
const INVALID_GRAPH = { kind: 'domain_error', reason: 'INVALID_GRAPH' } as const;
const UNREACHABLE = { kind: 'value', value: { reachable: false, distance: 0, path: [] } } as const;

function input(nodeCount: number, edges: Edge[], source: number, target: number): ShortestPathInput {
  return { nodeCount, edges, source, target };
}

function edge(from: number, to: number, weight: number): Edge {
  return { from, to, weight };
}

/** The smallest double above x (x positive and finite). */
function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

const ABOVE_1E300 = nextUp(1e300);

/** SPEC rules 1 and 2 taken literally, in order; null when the input passes both. */
function expectedRefusal(graph: ShortestPathInput): string | null {
  if (graph.nodeCount > 10_000 || graph.edges.length > 100_000) return 'TOO_LARGE';
  if (graph.nodeCount === 0) return 'INVALID_GRAPH';
  if (graph.source >= graph.nodeCount || graph.target >= graph.nodeCount) return 'INVALID_GRAPH';
  for (const e of graph.edges) {
    if (e.from >= graph.nodeCount || e.to >= graph.nodeCount) return 'INVALID_GRAPH';
    if (Number.isNaN(e.weight)) return 'INVALID_GRAPH';
    if (e.weight < 0) return 'INVALID_GRAPH';
    if (e.weight === Infinity || e.weight > 1e300) return 'INVALID_GRAPH';
  }
  return null;
}

/**
 * Bellman-Ford: relax every edge until nothing changes (at most nodeCount - 1 useful rounds
 * with non-negative weights). Distances are path-order sums, as the SPEC defines them;
 * null marks an unreachable node.
 */
function bellmanFord(graph: ShortestPathInput): (number | null)[] {
  const best: (number | null)[] = [];
  for (let v = 0; v < graph.nodeCount; v++) best.push(null);
  best[graph.source] = 0;
  for (let round = 0; round < graph.nodeCount; round++) {
    let changed = false;
    for (const e of graph.edges) {
      const start = best[e.from];
      if (start === null || start === undefined) continue;
      const through = start + e.weight;
      const current = best[e.to];
      if (current === null || current === undefined || through < current) {
        best[e.to] = through;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return best;
}

function valueOf(result: VersionResult<ShortestPathValue>): ShortestPathValue {
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
}

/** Lightest weight among the edges from -> to, or undefined when there is none. */
function lightestEdge(graph: ShortestPathInput, from: number, to: number): number | undefined {
  let lightest: number | undefined;
  for (const e of graph.edges) {
    if (e.from === from && e.to === to && (lightest === undefined || e.weight < lightest)) lightest = e.weight;
  }
  return lightest;
}

/**
 * The path starts at source, ends at target, repeats no node, follows edges, and the
 * lightest weights of its steps added in path order give exactly the reported distance.
 */
function expectValidPath(graph: ShortestPathInput, value: ShortestPathValue): void {
  const { path } = value;
  expect(path[0]).toBe(graph.source);
  expect(path[path.length - 1]).toBe(graph.target);
  expect(new Set(path).size).toBe(path.length);
  let sum = 0;
  for (let step = 0; step + 1 < path.length; step++) {
    const weight = lightestEdge(graph, path[step] as number, path[step + 1] as number);
    expect(weight, `no edge ${path[step]} -> ${path[step + 1]}`).not.toBeUndefined();
    sum += weight as number;
  }
  expect(value.distance).toBe(sum);
}

/** Checks a result against the oracles: refusal reason, reachability, distance and path. */
function expectAgreesWithOracle(graph: ShortestPathInput, result: VersionResult<ShortestPathValue>): void {
  const refusal = expectedRefusal(graph);
  if (refusal !== null) {
    expect(result).toEqual({ kind: 'domain_error', reason: refusal });
    return;
  }
  const value = valueOf(result);
  const expected = bellmanFord(graph)[graph.target];
  if (expected === null || expected === undefined) {
    expect(value).toEqual({ reachable: false, distance: 0, path: [] });
    return;
  }
  expect(value.reachable).toBe(true);
  expect(Number.isFinite(value.distance)).toBe(true);
  expect(Math.abs(value.distance - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
  expectValidPath(graph, value);
}

/** xorshift32, so the large graphs are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

function randomGraph(seed: number, nodeCount: number, edgeCount: number, maxWeight: number): Edge[] {
  const random = seededRandom(seed);
  const edges: Edge[] = [];
  for (let i = 0; i < edgeCount; i++) {
    edges.push(edge(Math.floor(random() * nodeCount), Math.floor(random() * nodeCount), random() * maxWeight));
  }
  return edges;
}

function timed<T>(run: () => T): { result: T; milliseconds: number } {
  const started = performance.now();
  const result = run();
  return { result, milliseconds: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------

describe('shortest-path/dijkstra: rule 1, TOO_LARGE', () => {
  it('refuses more than 10,000 nodes and accepts exactly 10,000', () => {
    expect(dijkstra(input(10_001, [], 0, 1))).toEqual(TOO_LARGE);
    expect(dijkstra(input(4_294_967_295, [], 0, 1))).toEqual(TOO_LARGE);
    expect(dijkstra(input(10_000, [], 0, 9_999))).toEqual(UNREACHABLE);
  });

  it('refuses more than 100,000 edges and accepts exactly 100,000', () => {
    const many = Array.from({ length: 100_001 }, () => edge(0, 1, 1));
    expect(dijkstra(input(2, many, 0, 1))).toEqual(TOO_LARGE);
    expect(valueOf(dijkstra(input(2, many.slice(1), 0, 1)))).toEqual({ reachable: true, distance: 1, path: [0, 1] });
  });

  it('decides TOO_LARGE before any INVALID_GRAPH reason', () => {
    // Too many nodes, with every rule 2 violation present as well.
    const bad = [edge(20_000, 0, NaN), edge(0, 1, -1), edge(0, 1, Infinity), edge(0, 1, ABOVE_1E300)];
    expect(dijkstra(input(10_001, bad, 50_000, 60_000))).toEqual(TOO_LARGE);
    // Too many edges, all of them bad, with source and target out of range.
    const badEdges = Array.from({ length: 100_001 }, (_, i) => edge(i, 7, i % 2 === 0 ? NaN : -5));
    expect(dijkstra(input(3, badEdges, 9, 9))).toEqual(TOO_LARGE);
    // Too many edges on a graph with no nodes.
    expect(dijkstra(input(0, Array.from({ length: 100_001 }, () => edge(0, 0, 1)), 0, 0))).toEqual(TOO_LARGE);
  });
});

describe('shortest-path/dijkstra: rule 2, INVALID_GRAPH', () => {
  it('refuses a graph with no nodes, even when source equals target and there are no edges', () => {
    expect(dijkstra(input(0, [], 0, 0))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(0, [], 0, 1))).toEqual(INVALID_GRAPH);
  });

  it('refuses a source or target that is not below nodeCount', () => {
    expect(dijkstra(input(3, [], 3, 0))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [], 0, 3))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [], 3, 3))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [edge(0, 1, 1)], 4_294_967_295, 1))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(10_000, [], 0, 10_000))).toEqual(INVALID_GRAPH);
  });

  it('refuses an edge endpoint that is not below nodeCount, on either end', () => {
    expect(dijkstra(input(3, [edge(3, 0, 1)], 0, 1))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [edge(0, 3, 1)], 0, 1))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [edge(4_294_967_295, 1, 1)], 0, 1))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [edge(1, 4_294_967_295, 1)], 0, 1))).toEqual(INVALID_GRAPH);
    // Even an edge that the search would never reach.
    expect(dijkstra(input(3, [edge(0, 1, 1), edge(2, 9, 1)], 0, 1))).toEqual(INVALID_GRAPH);
  });

  it('refuses negative, NaN and infinite weights', () => {
    for (const weight of [-1, -1e-300, -Number.MIN_VALUE, -Number.MAX_VALUE, NaN, Infinity, -Infinity]) {
      expect(dijkstra(input(3, [edge(0, 1, weight)], 0, 1)), String(weight)).toEqual(INVALID_GRAPH);
      expect(dijkstra(input(3, [edge(0, 1, 1), edge(2, 2, weight)], 0, 1)), String(weight)).toEqual(INVALID_GRAPH);
    }
  });

  it('refuses a weight just above 1e300 and anything larger', () => {
    expect(ABOVE_1E300).toBeGreaterThan(1e300);
    for (const weight of [ABOVE_1E300, 1.0000001e300, 1e301, 1e308, Number.MAX_VALUE]) {
      expect(dijkstra(input(2, [edge(0, 1, weight)], 0, 1)), String(weight)).toEqual(INVALID_GRAPH);
    }
  });

  it('refuses the former overflow case: two edges of 1e308 between source and target', () => {
    const edges = [edge(0, 1, 1e308), edge(1, 2, 1e308)];
    expect(dijkstra(input(3, edges, 0, 2))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [edge(0, 1, Number.MAX_VALUE), edge(1, 2, Number.MAX_VALUE)], 0, 2))).toEqual(INVALID_GRAPH);
  });

  it('accepts a weight of exactly 1e300', () => {
    expect(valueOf(dijkstra(input(2, [edge(0, 1, 1e300)], 0, 1)))).toEqual({ reachable: true, distance: 1e300, path: [0, 1] });
  });

  it('accepts -0 weights and treats them as zero', () => {
    const value = valueOf(dijkstra(input(3, [edge(0, 1, -0), edge(1, 2, -0), edge(0, 2, 1)], 0, 2)));
    expect(value).toEqual({ reachable: true, distance: 0, path: [0, 1, 2] });
    expect(Object.is(value.distance, 0)).toBe(true);
  });

  it('finds a bad edge wherever it is in the list, including the very last of 100,000', () => {
    const good = randomGraph(5, 100, 99_999, 10);
    for (const position of [0, 50_000, 99_999]) {
      const edges = [...good];
      edges.splice(position, 0, edge(0, 1, NaN));
      expect(edges.length).toBe(100_000);
      expect(dijkstra(input(100, edges, 0, 1)), `bad edge at ${position}`).toEqual(INVALID_GRAPH);
    }
  });

  it('answers INVALID_GRAPH when a bad edge and a bad source or target occur together', () => {
    const badEdges = [edge(0, 1, 1), edge(0, 7, 1), edge(1, 2, -3)];
    expect(dijkstra(input(3, badEdges, 5, 1))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, badEdges, 0, 5))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [edge(0, 1, NaN)], 3, 3))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(0, [edge(0, 0, NaN)], 0, 0))).toEqual(INVALID_GRAPH);
  });
});

describe('shortest-path/dijkstra: rule 3, source equals target', () => {
  it('returns the one-node path with distance 0', () => {
    expect(dijkstra(input(1, [], 0, 0))).toEqual({ kind: 'value', value: { reachable: true, distance: 0, path: [0] } });
    const edges = [edge(2, 2, 5), edge(2, 0, 1), edge(0, 2, 1)];
    expect(dijkstra(input(3, edges, 2, 2))).toEqual({ kind: 'value', value: { reachable: true, distance: 0, path: [2] } });
    expect(dijkstra(input(10_000, [], 9_999, 9_999))).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 0, path: [9_999] },
    });
  });

  it('still checks every edge first (rule 2 comes before rule 3)', () => {
    expect(dijkstra(input(3, [edge(0, 1, 1), edge(1, 2, -1)], 1, 1))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [edge(0, 3, 1)], 0, 0))).toEqual(INVALID_GRAPH);
    expect(dijkstra(input(3, [edge(0, 0, ABOVE_1E300)], 0, 0))).toEqual(INVALID_GRAPH);
  });
});

describe('shortest-path/dijkstra: rule 4, the shortest path', () => {
  it('uses the lightest of parallel edges', () => {
    const edges = [edge(0, 1, 7), edge(0, 1, 2), edge(0, 1, 5), edge(1, 2, 3), edge(1, 2, 1)];
    expect(valueOf(dijkstra(input(3, edges, 0, 2)))).toEqual({ reachable: true, distance: 3, path: [0, 1, 2] });
  });

  it('ignores self-loops, even weightless ones', () => {
    const edges = [edge(0, 0, 0), edge(0, 1, 4), edge(1, 1, 0), edge(1, 1, 3), edge(1, 2, 1), edge(2, 2, 0)];
    expect(valueOf(dijkstra(input(3, edges, 0, 2)))).toEqual({ reachable: true, distance: 5, path: [0, 1, 2] });
  });

  it('follows zero-weight edges and zero-weight cycles without repeating a node', () => {
    const edges = [edge(0, 1, 0), edge(1, 2, 0), edge(2, 0, 0), edge(2, 1, 0), edge(1, 0, 0), edge(2, 3, 0)];
    const value = valueOf(dijkstra(input(4, edges, 0, 3)));
    expect(value).toEqual({ reachable: true, distance: 0, path: [0, 1, 2, 3] });
  });

  it('picks the lighter of two routes, not the one with fewer edges', () => {
    const edges = [edge(0, 4, 10), edge(0, 1, 1), edge(1, 2, 2), edge(2, 3, 3), edge(3, 4, 3.5)];
    expect(valueOf(dijkstra(input(5, edges, 0, 4)))).toEqual({ reachable: true, distance: 9.5, path: [0, 1, 2, 3, 4] });
    const shortcut = [...edges, edge(1, 4, 8)];
    expect(valueOf(dijkstra(input(5, shortcut, 0, 4)))).toEqual({ reachable: true, distance: 9, path: [0, 1, 4] });
  });

  it('reports the sum of the path weights added in path order', () => {
    const value = valueOf(dijkstra(input(4, [edge(0, 1, 0.1), edge(1, 2, 0.2), edge(2, 3, 0.3)], 0, 3)));
    expect(value.distance).toBe(0.1 + 0.2 + 0.3);
    expect(value.distance).not.toBe(0.1 + (0.2 + 0.3));
  });

  it('reports an unreachable target, including one reachable only against edge direction', () => {
    const edges = [edge(0, 1, 1), edge(2, 0, 1), edge(3, 3, 0)];
    expect(dijkstra(input(4, edges, 0, 2))).toEqual(UNREACHABLE);
    expect(dijkstra(input(4, edges, 0, 3))).toEqual(UNREACHABLE);
    expect(dijkstra(input(4, edges, 1, 0))).toEqual(UNREACHABLE);
    expect(dijkstra(input(2, [], 0, 1))).toEqual(UNREACHABLE);
    expect(valueOf(dijkstra(input(4, edges, 2, 1)))).toEqual({ reachable: true, distance: 2, path: [2, 0, 1] });
  });

  it('gives a finite distance along a 9,999-edge path of 1e300 weights', () => {
    const edges: Edge[] = [];
    for (let v = 0; v + 1 < 10_000; v++) edges.push(edge(v, v + 1, 1e300));
    const value = valueOf(dijkstra(input(10_000, edges, 0, 9_999)));
    let expected = 0;
    for (let i = 0; i < 9_999; i++) expected += 1e300;
    expect(Number.isFinite(value.distance)).toBe(true);
    expect(value.distance).toBe(expected);
    expect(value.distance).toBeGreaterThan(9.99e303);
    expect(value.path).toEqual(Array.from({ length: 10_000 }, (_, v) => v));
  });

  it('mixes 1e300 edges with tiny ones and still picks the lightest route', () => {
    const edges = [edge(0, 1, 1e300), edge(1, 3, 1e300), edge(0, 2, 1e300), edge(2, 3, Number.MIN_VALUE), edge(0, 3, 1e300)];
    expect(valueOf(dijkstra(input(4, edges, 0, 3)))).toEqual({ reachable: true, distance: 1e300, path: [0, 3] });
    expectAgreesWithOracle(input(4, edges, 0, 3), dijkstra(input(4, edges, 0, 3)));
  });

  it('does not modify its input', () => {
    const edges = Object.freeze([edge(0, 1, 2), edge(1, 2, 2), edge(0, 2, 5)].map((e) => Object.freeze(e)));
    const graph = Object.freeze({ nodeCount: 3, edges, source: 0, target: 2 });
    expect(valueOf(dijkstra(graph))).toEqual({ reachable: true, distance: 4, path: [0, 1, 2] });
  });
});

describe('shortest-path/dijkstra: large graphs', () => {
  it('agrees with Bellman-Ford on random graphs of 2,000 nodes and 20,000 edges', () => {
    for (const seed of [11, 12, 13]) {
      const edges = randomGraph(seed, 2_000, 20_000, 1_000);
      for (const target of [1, 999, 1_999]) {
        const graph = input(2_000, edges, 0, target);
        expectAgreesWithOracle(graph, dijkstra(graph));
      }
    }
  });

  it('agrees with Bellman-Ford on sparse graphs where many targets are unreachable', () => {
    const edges = randomGraph(21, 3_000, 3_000, 10);
    let unreachable = 0;
    for (let target = 1; target < 3_000; target += 97) {
      const graph = input(3_000, edges, 0, target);
      const result = dijkstra(graph);
      expectAgreesWithOracle(graph, result);
      if (!valueOf(result).reachable) unreachable++;
    }
    expect(unreachable).toBeGreaterThan(0);
  });

  it('solves a random graph of the largest size (10,000 nodes, 100,000 edges) quickly', () => {
    const edges = randomGraph(31, 10_000, 100_000, 1e300);
    const graph = input(10_000, edges, 0, 9_999);
    const { result, milliseconds } = timed(() => dijkstra(graph));
    // A loose bound on a shared machine; the measured time is far below it.
    expect(milliseconds).toBeLessThan(1_500);
    // Bellman-Ford settles a random graph in a few dozen rounds, so it is cheap here.
    expectAgreesWithOracle(graph, result);
  });

  it('solves a largest-size graph whose heap sees a push for almost every edge', () => {
    // Node i settles at distance i along the unit chain; each edge i -> j (j up to i + 10)
    // arrives at j + 1/(i + 2), a little less for every later i, so nearly every edge is a
    // successful relaxation before the chain edge wins.
    const edges: Edge[] = [];
    for (let i = 0; i + 1 < 10_000; i++) edges.push(edge(i, i + 1, 1));
    for (let i = 0; i < 10_000 && edges.length < 100_000; i++) {
      for (let j = i + 2; j <= i + 10 && j < 10_000 && edges.length < 100_000; j++) edges.push(edge(i, j, j - i + 1 / (i + 2)));
    }
    while (edges.length < 100_000) edges.push(edge(5, 5, 0));
    const graph = input(10_000, edges, 0, 9_999);
    const { result, milliseconds } = timed(() => dijkstra(graph));
    expect(milliseconds).toBeLessThan(1_500);
    expect(valueOf(result)).toEqual({ reachable: true, distance: 9_999, path: Array.from({ length: 10_000 }, (_, v) => v) });
  });

  it('solves a largest-size graph whose target is unreachable after exploring everything else', () => {
    const edges = randomGraph(41, 9_999, 100_000, 100);
    const graph = input(10_000, edges, 0, 9_999);
    const { result, milliseconds } = timed(() => dijkstra(graph));
    expect(milliseconds).toBeLessThan(1_500);
    expect(result).toEqual(UNREACHABLE);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties against the oracles.

const validWeight = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.double({ min: 0, max: 1_000, noNaN: true }),
  fc.constantFrom(0, -0, 0.1, 0.2, 0.3, Number.MIN_VALUE, 1e-300, 1e300, 5e299),
);

const validGraph = fc.integer({ min: 1, max: 12 }).chain((nodeCount) =>
  fc.record({
    nodeCount: fc.constant(nodeCount),
    edges: fc.array(
      fc.record({ from: fc.nat(nodeCount - 1), to: fc.nat(nodeCount - 1), weight: validWeight }),
      { maxLength: 40 },
    ),
    source: fc.nat(nodeCount - 1),
    target: fc.nat(nodeCount - 1),
  }),
);

const anyWeight = fc.oneof(
  { weight: 6, arbitrary: validWeight },
  { weight: 1, arbitrary: fc.constantFrom(-1, -0.5, -Number.MIN_VALUE, NaN, Infinity, -Infinity, ABOVE_1E300, 1e308, Number.MAX_VALUE) },
);
const anyId = fc.oneof({ weight: 6, arbitrary: fc.nat(6) }, { weight: 1, arbitrary: fc.constantFrom(9_999, 10_000, 10_001, 4_294_967_295) });

const anyGraph = fc.record({
  nodeCount: fc.oneof({ weight: 6, arbitrary: fc.nat(6) }, { weight: 1, arbitrary: fc.constantFrom(10_000, 10_001, 4_294_967_295) }),
  edges: fc.array(fc.record({ from: anyId, to: anyId, weight: anyWeight }), { maxLength: 12 }),
  source: anyId,
  target: anyId,
});

describe('shortest-path/dijkstra: properties', () => {
  it('agrees with Bellman-Ford on random valid graphs: distance, reachability and a valid path', () => {
    fc.assert(
      fc.property(validGraph, (graph) => {
        expectAgreesWithOracle(graph, dijkstra(graph));
      }),
      { numRuns: 1_000 },
    );
  });

  it('answers every random input, valid or not, with the first rule it breaks', () => {
    fc.assert(
      fc.property(anyGraph, (graph) => {
        const result = dijkstra(graph);
        expectAgreesWithOracle(graph, result);
        const refusal = expectedRefusal(graph);
        if (refusal === null && graph.source === graph.target) {
          expect(result).toEqual({ kind: 'value', value: { reachable: true, distance: 0, path: [graph.source] } });
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
