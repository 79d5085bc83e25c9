import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { Edge, ShortestPathValue, VersionResult } from '../../versions/contract.js';
import shortestPath, { shortestPathWithWorkBudget, type TracedAnswer } from '../../versions/shortest-path/bellman-ford.js';

const edge = (from: number, to: number, weight: number): Edge => ({ from, to, weight });
const run = (nodeCount: number, edges: readonly Edge[], source: number, target: number) =>
  shortestPath({ nodeCount, edges, source, target });

const reasonOf = (result: VersionResult<ShortestPathValue>): string =>
  result.kind === 'domain_error' ? result.reason : `value ${JSON.stringify(result.value)}`;
const valueOf = (result: VersionResult<ShortestPathValue>): ShortestPathValue => {
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
};

const UNREACHABLE: ShortestPathValue = { reachable: false, distance: 0, path: [] };

/** The next double above a positive finite x. */
const nextUp = (x: number): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
};

/** Deterministic 32-bit generator (mulberry32), so the big graphs are the same on every run. */
const makeRandom = (seed: number) => {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface Graph {
  nodeCount: number;
  edges: Edge[];
}

/** 10,000 nodes: a chain of random light edges, padded to 100,000 edges with random heavy ones. */
const randomMaximumGraph = (seed: number): Graph => {
  const random = makeRandom(seed);
  const nodeCount = 10_000;
  const edges: Edge[] = [];
  for (let v = 0; v + 1 < nodeCount; v++) edges.push(edge(v, v + 1, Math.floor(random() * 1_000)));
  while (edges.length < 100_000) {
    const from = Math.floor(random() * nodeCount);
    const to = Math.floor(random() * nodeCount);
    edges.push(edge(from, to, Math.floor(random() * 1_000_000)));
  }
  return { nodeCount, edges };
};

/** A side x side grid with independent random weights in both directions of every link. */
const gridGraph = (seed: number, side: number): Graph => {
  const random = makeRandom(seed);
  const id = (row: number, column: number) => row * side + column;
  const edges: Edge[] = [];
  for (let row = 0; row < side; row++) {
    for (let column = 0; column < side; column++) {
      if (column + 1 < side) {
        edges.push(edge(id(row, column), id(row, column + 1), random() * 1e6));
        edges.push(edge(id(row, column + 1), id(row, column), random() * 1e6));
      }
      if (row + 1 < side) {
        edges.push(edge(id(row, column), id(row + 1, column), random() * 1e6));
        edges.push(edge(id(row + 1, column), id(row, column), random() * 1e6));
      }
    }
  }
  return { nodeCount: side * side, edges };
};

/**
 * The graph that makes Small Label First as slow as FIFO (source 0, target nodeCount - 2): a
 * zero-weight edge to the last node first, so that node heads the queue at label 0; then
 * shortcuts 0 -> i of weight 2i from the top down, so the chain nodes queue behind it in
 * descending order; then the chain i -> i + 1 (weight chainWeight(i), 1 by default), along which
 * each pass improves labels by one hop only. Padding edges back to the source fill it up to
 * edgeCount and multiply the cost of each pass.
 */
const smallLabelFirstAdversary = (
  nodeCount: number,
  edgeCount: number,
  chainWeight: (i: number) => number = () => 1,
): Graph => {
  const edges: Edge[] = [edge(0, nodeCount - 1, 0)];
  for (let i = nodeCount - 2; i >= 1; i--) edges.push(edge(0, i, 2 * i));
  for (let i = 1; i <= nodeCount - 3; i++) edges.push(edge(i, i + 1, chainWeight(i)));
  for (let k = 0; edges.length < edgeCount; k++) edges.push(edge(1 + (k % (nodeCount - 3)), 0, 1));
  return { nodeCount, edges };
};

/** Lightest weight of each ordered pair, as the SPEC counts parallel edges. */
const lightestEdges = (edges: readonly Edge[]): Map<string, number> => {
  const lightest = new Map<string, number>();
  for (const { from, to, weight } of edges) {
    const key = `${from},${to}`;
    const known = lightest.get(key);
    if (known === undefined || weight < known) lightest.set(key, weight);
  }
  return lightest;
};

/**
 * Asserts that value is a valid answer with a real path: it starts at source, ends at target,
 * repeats no node, follows edges, and its distance is exactly the in-order sum of lightest edges.
 */
const expectValidPath = (value: ShortestPathValue, edges: readonly Edge[], source: number, target: number): void => {
  expect(value.reachable).toBe(true);
  const { path } = value;
  expect(path[0]).toBe(source);
  expect(path[path.length - 1]).toBe(target);
  expect(new Set(path).size).toBe(path.length);
  const lightest = lightestEdges(edges);
  let total = 0;
  const missing: string[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const key = `${path[i]},${path[i + 1]}`;
    const weight = lightest.get(key);
    if (weight === undefined) missing.push(key);
    else total += weight;
  }
  expect(missing, 'path steps that are not edges').toEqual([]);
  expect(Object.is(value.distance, total), `distance ${value.distance} vs in-order sum ${total}`).toBe(true);
};

/** Floyd-Warshall over lightest parallel edges: all-pairs least weights, Infinity when unreachable. */
const floydWarshall = (nodeCount: number, edges: readonly Edge[]): number[][] => {
  const d = Array.from({ length: nodeCount }, (_, i) =>
    Array.from({ length: nodeCount }, (_, j) => (i === j ? 0 : Infinity)),
  );
  for (const { from, to, weight } of edges) {
    if (from !== to && weight < d[from]![to]!) d[from]![to] = weight;
  }
  for (let k = 0; k < nodeCount; k++) {
    for (let i = 0; i < nodeCount; i++) {
      for (let j = 0; j < nodeCount; j++) {
        const through = d[i]![k]! + d[k]![j]!;
        if (through < d[i]![j]!) d[i]![j] = through;
      }
    }
  }
  return d;
};

/** Textbook Dijkstra with a lazy binary heap, for graphs too large for Floyd-Warshall. */
const dijkstra = (nodeCount: number, edges: readonly Edge[], source: number): Float64Array => {
  const outgoing: Edge[][] = Array.from({ length: nodeCount }, () => []);
  for (const e of edges) outgoing[e.from]!.push(e);
  const best = new Float64Array(nodeCount).fill(Infinity);
  const heap: [number, number][] = [];
  const push = (entry: [number, number]) => {
    heap.push(entry);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent]![0] <= heap[i]![0]) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        let least = i;
        for (const child of [2 * i + 1, 2 * i + 2]) {
          if (child < heap.length && heap[child]![0] < heap[least]![0]) least = child;
        }
        if (least === i) break;
        [heap[least], heap[i]] = [heap[i]!, heap[least]!];
        i = least;
      }
    }
    return top;
  };
  best[source] = 0;
  push([0, source]);
  while (heap.length > 0) {
    const [d, u] = pop();
    if (d > best[u]!) continue;
    for (const e of outgoing[u]!) {
      if (d + e.weight < best[e.to]!) {
        best[e.to] = d + e.weight;
        push([d + e.weight, e.to]);
      }
    }
  }
  return best;
};

/** Plain Bellman-Ford: passes over the edge list in order until nothing improves. */
const bellmanFordRounds = (nodeCount: number, edges: readonly Edge[], source: number): Float64Array => {
  const best = new Float64Array(nodeCount).fill(Infinity);
  best[source] = 0;
  for (let pass = 0; pass < nodeCount; pass++) {
    let changed = false;
    for (const { from, to, weight } of edges) {
      if (best[from]! + weight < best[to]!) {
        best[to] = best[from]! + weight;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return best;
};

const expectClose = (actual: number, expected: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-9);
};

describe('shortest-path/bellman-ford: rule 1, size limits', () => {
  it('refuses more than 10,000 nodes with TOO_LARGE', () => {
    expect(reasonOf(run(10_001, [], 0, 1))).toBe('TOO_LARGE');
    expect(reasonOf(run(4_294_967_295, [], 0, 1))).toBe('TOO_LARGE');
  });

  it('refuses more than 100,000 edges with TOO_LARGE', () => {
    const edges = Array.from({ length: 100_001 }, (_, i) => edge(i % 5, (i + 1) % 5, 1));
    expect(reasonOf(run(5, edges, 0, 4))).toBe('TOO_LARGE');
  });

  it('accepts exactly 10,000 nodes and exactly 100,000 edges', () => {
    const edges = Array.from({ length: 100_000 }, (_, i) => edge(i % 10_000, (i + 1) % 10_000, 1));
    expect(valueOf(run(10_000, edges, 9_999, 0))).toEqual({ reachable: true, distance: 1, path: [9_999, 0] });
  });

  it('answers TOO_LARGE before any INVALID_GRAPH clause', () => {
    const badEdges = [edge(0, 99_999, NaN), edge(99_999, 0, -1), edge(0, 1, 1e308)];
    expect(reasonOf(run(10_001, badEdges, 20_000, 30_000))).toBe('TOO_LARGE');
    const tooMany = new Array<Edge>(100_001).fill(edge(7, 7, -Infinity));
    expect(reasonOf(run(0, tooMany, 5, 5))).toBe('TOO_LARGE');
    expect(reasonOf(run(10_001, tooMany, 0, 0))).toBe('TOO_LARGE');
  });
});

describe('shortest-path/bellman-ford: rule 2, INVALID_GRAPH', () => {
  it('refuses an empty graph', () => {
    expect(reasonOf(run(0, [], 0, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(0, [edge(0, 0, 1)], 0, 1))).toBe('INVALID_GRAPH');
  });

  it('refuses a source or target that is not below nodeCount', () => {
    expect(reasonOf(run(3, [], 3, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [], 0, 3))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [], 4_294_967_295, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(10_000, [], 0, 10_000))).toBe('INVALID_GRAPH');
    expect(valueOf(run(10_000, [], 0, 9_999))).toEqual(UNREACHABLE);
  });

  it('refuses an edge endpoint that is not below nodeCount, wherever the edge is', () => {
    expect(reasonOf(run(3, [edge(3, 0, 1)], 0, 1))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [edge(0, 3, 1)], 0, 1))).toBe('INVALID_GRAPH');
    // The bad edge is last, and far from any path between source and target.
    const edges = [edge(0, 1, 1), edge(1, 2, 1), edge(2, 1, 1), edge(2, 4_294_967_295, 1)];
    expect(reasonOf(run(3, edges, 0, 1))).toBe('INVALID_GRAPH');
    expect(valueOf(run(3, [edge(2, 2, 1), edge(0, 2, 1)], 0, 2)).distance).toBe(1);
  });

  it('refuses negative weights, however small', () => {
    for (const weight of [-1, -1e-300, -Number.MIN_VALUE, -1e300]) {
      expect(reasonOf(run(3, [edge(0, 1, 1), edge(2, 0, weight)], 0, 1))).toBe('INVALID_GRAPH');
    }
  });

  it('refuses weights that are not finite', () => {
    for (const weight of [NaN, Infinity, -Infinity]) {
      expect(reasonOf(run(3, [edge(0, 1, 1), edge(2, 0, weight)], 0, 1))).toBe('INVALID_GRAPH');
    }
  });

  it('refuses weights greater than 1e300, from the next double above it up to the largest double', () => {
    const justAbove = nextUp(1e300);
    expect(justAbove).toBeGreaterThan(1e300);
    for (const weight of [justAbove, 1e301, 1e308, Number.MAX_VALUE]) {
      expect(reasonOf(run(3, [edge(0, 1, 1), edge(2, 0, weight)], 0, 1))).toBe('INVALID_GRAPH');
    }
  });

  it('refuses two edges of 1e308, whose sum would overflow, instead of answering unreachable', () => {
    expect(reasonOf(run(3, [edge(0, 1, 1e308), edge(1, 2, 1e308)], 0, 2))).toBe('INVALID_GRAPH');
  });

  it('allows a weight of exactly 1e300', () => {
    expect(valueOf(run(2, [edge(0, 1, 1e300)], 0, 1))).toEqual({ reachable: true, distance: 1e300, path: [0, 1] });
  });

  it('allows -0, and reports a distance of +0 over it', () => {
    const value = valueOf(run(3, [edge(0, 1, -0), edge(1, 2, -0)], 0, 2));
    expect(value.path).toEqual([0, 1, 2]);
    expect(Object.is(value.distance, 0)).toBe(true);
  });

  it('answers INVALID_GRAPH before the source == target rule', () => {
    expect(reasonOf(run(3, [], 5, 5))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [edge(1, 1, -1)], 0, 0))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [edge(1, 2, 2e300)], 1, 1))).toBe('INVALID_GRAPH');
    expect(reasonOf(run(3, [edge(9, 2, 1)], 2, 2))).toBe('INVALID_GRAPH');
  });
});

describe('shortest-path/bellman-ford: rule 3, source == target', () => {
  it('answers the one-node path at distance 0', () => {
    expect(valueOf(run(1, [], 0, 0))).toEqual({ reachable: true, distance: 0, path: [0] });
  });

  it('ignores self-loops and cycles back to the source', () => {
    const edges = [edge(2, 2, 5), edge(2, 0, 1), edge(0, 2, 1), edge(2, 2, 0)];
    expect(valueOf(run(3, edges, 2, 2))).toEqual({ reachable: true, distance: 0, path: [2] });
  });
});

describe('shortest-path/bellman-ford: rule 4, least-weight paths', () => {
  it('finds the cheaper two-hop path over a heavier direct edge', () => {
    const edges = [edge(0, 1, 1), edge(1, 2, 1), edge(0, 2, 3)];
    expect(valueOf(run(3, edges, 0, 2))).toEqual({ reachable: true, distance: 2, path: [0, 1, 2] });
  });

  it('answers unreachable when only reverse edges, or no edges, lead to the target', () => {
    expect(valueOf(run(3, [edge(1, 0, 1), edge(2, 1, 1)], 0, 2))).toEqual(UNREACHABLE);
    expect(valueOf(run(2, [], 0, 1))).toEqual(UNREACHABLE);
    // The target sits in a separate component that has its own cycle.
    const edges = [edge(0, 1, 1), edge(1, 0, 1), edge(2, 3, 1), edge(3, 2, 1)];
    expect(valueOf(run(4, edges, 0, 3))).toEqual(UNREACHABLE);
  });

  it('counts the lightest of parallel edges, whatever their order', () => {
    const edges = [edge(0, 1, 5), edge(0, 1, 1.5), edge(0, 1, 3), edge(1, 2, 0.25), edge(1, 2, 0.5)];
    for (const order of [edges, [...edges].reverse()]) {
      expect(valueOf(run(3, order, 0, 2))).toEqual({ reachable: true, distance: 1.75, path: [0, 1, 2] });
    }
  });

  it('is not misled by self-loops, even zero-weight ones', () => {
    const edges = [edge(0, 0, 0), edge(0, 1, 2), edge(1, 1, 0), edge(1, 1, 7), edge(1, 2, 3), edge(2, 2, 0)];
    expect(valueOf(run(3, edges, 0, 2))).toEqual({ reachable: true, distance: 5, path: [0, 1, 2] });
  });

  it('finds zero-distance paths over zero weights', () => {
    const edges = [edge(0, 1, 0), edge(1, 2, 0), edge(0, 2, 1e-300)];
    expect(valueOf(run(3, edges, 0, 2))).toEqual({ reachable: true, distance: 0, path: [0, 1, 2] });
  });

  it('returns simple paths through zero-weight cycles', () => {
    // A zero-weight strongly connected blob between source and target, with an exit of weight 1.
    const edges = [
      edge(0, 1, 0),
      edge(1, 2, 0),
      edge(2, 3, 0),
      edge(3, 1, 0),
      edge(2, 1, 0),
      edge(3, 2, 0),
      edge(1, 3, 0),
      edge(3, 0, 0),
      edge(3, 3, 0),
      edge(2, 4, 1),
      edge(4, 0, 0),
    ];
    for (let target = 1; target <= 4; target++) {
      const value = valueOf(run(5, edges, 0, target));
      expectValidPath(value, edges, 0, target);
      expect(value.distance).toBe(target === 4 ? 1 : 0);
    }
  });

  it('gives a finite distance over a path of 9,999 edges of weight 1e300', () => {
    const nodeCount = 10_000;
    const edges: Edge[] = [];
    for (let v = 0; v + 1 < nodeCount; v++) edges.push(edge(v, v + 1, 1e300));
    // Doubled shortcuts over one node each: one 1e300 edge instead of two, so the optimum takes all 104.
    for (let v = 0; v + 2 < nodeCount; v += 97) edges.push(edge(v, v + 2, 1e300), edge(v, v + 2, 1e300));
    const value = valueOf(run(nodeCount, edges, 0, nodeCount - 1));
    expect(Number.isFinite(value.distance)).toBe(true);
    expectValidPath(value, edges, 0, nodeCount - 1);
    expect(value.path.length).toBe(nodeCount - 104);
    expectClose(value.distance, 1e300 * (nodeCount - 1 - 104));
  });

  it('sums a long path of 1e300 edges without overflow when no shortcut exists', () => {
    const nodeCount = 10_000;
    const edges = Array.from({ length: nodeCount - 1 }, (_, v) => edge(v, v + 1, 1e300));
    let expected = 0;
    for (let i = 0; i + 1 < nodeCount; i++) expected += 1e300;
    const value = valueOf(run(nodeCount, edges, 0, nodeCount - 1));
    expect(value.distance).toBe(expected);
    expect(value.path).toEqual(Array.from({ length: nodeCount }, (_, v) => v));
  });

  it('mixes 1e300 with tiny weights and still picks the lighter route', () => {
    const edges = [edge(0, 1, 1e300), edge(1, 3, 1e-300), edge(0, 2, 1e300), edge(2, 3, 0), edge(0, 3, 1e300)];
    const value = valueOf(run(4, edges, 0, 3));
    expectValidPath(value, edges, 0, 3);
    expect(value.distance).toBe(1e300);
  });
});

describe('shortest-path/bellman-ford: hardest inputs at the limits', () => {
  it('solves a random graph of 10,000 nodes and 100,000 edges like a binary-heap Dijkstra', () => {
    const { nodeCount, edges } = randomMaximumGraph(20240601);
    const value = valueOf(run(nodeCount, edges, 0, nodeCount - 1));
    expectValidPath(value, edges, 0, nodeCount - 1);
    expect(value.distance).toBe(dijkstra(nodeCount, edges, 0)[nodeCount - 1]);
  });

  it('solves a chain whose shortcuts from the source rise in weight (the FIFO worst case)', () => {
    // Plain FIFO SPFA would re-queue every chain node about nodeCount / 2 times here.
    const nodeCount = 10_000;
    const edges: Edge[] = [];
    for (let v = 1; v + 1 < nodeCount; v++) edges.push(edge(v, v + 1, 1));
    for (let v = nodeCount - 1; v >= 1; v--) edges.push(edge(0, v, 2 * v));
    const value = valueOf(run(nodeCount, edges, 0, nodeCount - 1));
    expectValidPath(value, edges, 0, nodeCount - 1);
    expect(value.distance).toBe(2 + (nodeCount - 2));
  });

  it('stays correct on a chain behind a zero-label blocker, the graph that defeats Small Label First', () => {
    // Node n-1 is reached first at label 0, so every chain node is queued behind it in
    // descending order and each relaxation pass improves the chain by one hop only. Without
    // the work budget this took about a second at 10,000 nodes, three padded to 100,000 edges.
    const { nodeCount, edges } = smallLabelFirstAdversary(3_000, 0);
    const target = nodeCount - 2;
    const value = valueOf(run(nodeCount, edges, 0, target));
    expectValidPath(value, edges, 0, target);
    expect(value.distance).toBe(2 + (target - 1));
  });

  it('solves a 100 x 100 grid with random weights in both directions', () => {
    const { nodeCount, edges } = gridGraph(7, 100);
    const target = nodeCount - 1;
    const value = valueOf(run(nodeCount, edges, 0, target));
    expectValidPath(value, edges, 0, target);
    expectClose(value.distance, dijkstra(nodeCount, edges, 0)[target]!);
  });
});

const randomWeight = fc.oneof(
  fc.constantFrom(0, -0, 1, 2, 1e300, 1e-300),
  fc.integer({ min: 0, max: 9 }),
  fc.double({ min: 0, max: 1e3, noNaN: true }),
  fc.double({ min: 0, max: 1e300, noNaN: true }),
);
const graph = fc.integer({ min: 1, max: 9 }).chain((nodeCount) =>
  fc.record({
    nodeCount: fc.constant(nodeCount),
    edges: fc.array(
      fc.record({
        from: fc.integer({ min: 0, max: nodeCount - 1 }),
        to: fc.integer({ min: 0, max: nodeCount - 1 }),
        weight: randomWeight,
      }),
      { maxLength: 30 },
    ),
    source: fc.integer({ min: 0, max: nodeCount - 1 }),
    target: fc.integer({ min: 0, max: nodeCount - 1 }),
  }),
);

describe('shortest-path/bellman-ford: random graphs against Floyd-Warshall', () => {

  it('matches the oracle distance within 1e-9 and returns a valid path summing to it', () => {
    fc.assert(
      fc.property(graph, ({ nodeCount, edges, source, target }) => {
        const value = valueOf(run(nodeCount, edges, source, target));
        const expected = floydWarshall(nodeCount, edges)[source]![target]!;
        if (source === target) {
          expect(value).toEqual({ reachable: true, distance: 0, path: [source] });
        } else if (expected === Infinity) {
          expect(value).toEqual(UNREACHABLE);
        } else {
          expectValidPath(value, edges, source, target);
          expect(Number.isFinite(value.distance)).toBe(true);
          expectClose(value.distance, expected);
        }
      }),
      { numRuns: 1_500, seed: 7 },
    );
  });

  it('refuses any graph that holds one bad edge, wherever it is', () => {
    const badWeight = fc.oneof(
      fc.constantFrom(NaN, Infinity, -Infinity, -Number.MIN_VALUE, nextUp(1e300), Number.MAX_VALUE),
      fc.double({ min: -1e300, max: -Number.MIN_VALUE, noNaN: true }),
      fc.double({ min: nextUp(1e300), max: Number.MAX_VALUE, noNaN: true }),
    );
    fc.assert(
      fc.property(graph, badWeight, fc.nat(), ({ nodeCount, edges, source, target }, bad, at) => {
        const position = at % (edges.length + 1);
        const spoiled = [...edges.slice(0, position), edge(0, nodeCount - 1, bad), ...edges.slice(position)];
        expect(reasonOf(run(nodeCount, spoiled, source, target))).toBe('INVALID_GRAPH');
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});

describe('shortest-path/bellman-ford: SPFA work budget and the radix-heap Dijkstra fallback', () => {
  const traced = (g: Graph, source: number, target: number, workBudget?: number) =>
    shortestPathWithWorkBudget({ nodeCount: g.nodeCount, edges: g.edges, source, target }, workBudget);
  const defaultBudget = (g: Graph) => 8 * g.edges.length + 2 * g.nodeCount;
  const maxOutDegree = (g: Graph) => {
    const degree = new Array<number>(g.nodeCount).fill(0);
    for (const e of g.edges) degree[e.from]!++;
    return Math.max(...degree);
  };
  /**
   * The guarantees: SPFA stops within one node's scan of its budget, and the radix heap visits
   * each of its at most V + E entries at most 130 times (two visits per move down 64 buckets).
   */
  const expectBoundedWork = (g: Graph, answer: TracedAnswer, budget: number): void => {
    expect(answer.work.correcting).toBeLessThanOrEqual(budget + 1 + maxOutDegree(g));
    expect(answer.work.setting).toBeLessThanOrEqual(130 * (g.nodeCount + g.edges.length));
  };

  it('answers the full-size Small Label First adversary through the fallback, with its unique optimal path', () => {
    const adversary = smallLabelFirstAdversary(10_000, 100_000);
    expect(adversary.edges.length).toBe(100_000);
    const answer = traced(adversary, 0, 9_998);
    expect(answer.fellBack).toBe(true);
    expectBoundedWork(adversary, answer, defaultBudget(adversary));
    // Far inside the proven bound: the radix heap visits about one entry per edge here.
    expect(answer.work.setting).toBeLessThanOrEqual(4 * 110_000);
    const value = valueOf(answer.result);
    // Shortcut to node 1 (weight 2), then 9,997 chain edges of weight 1.
    expect(value).toEqual({ reachable: true, distance: 9_999, path: Array.from({ length: 9_999 }, (_, v) => v) });
    expect(value.distance).toBe(dijkstra(adversary.nodeCount, adversary.edges, 0)[9_998]);
    expect(valueOf(run(adversary.nodeCount, adversary.edges, 0, 9_998))).toEqual(value);
    // The zero-weight decoy itself, and a chain node far along, through the same fallback.
    expect(valueOf(traced(adversary, 0, 9_999).result)).toEqual({ reachable: true, distance: 0, path: [0, 9_999] });
    expect(valueOf(traced(adversary, 0, 5_000).result).distance).toBe(5_001);
  });

  it('falls back on smaller adversaries and matches plain Bellman-Ford on sampled targets', () => {
    for (const nodeCount of [40, 57, 120, 400, 1_500]) {
      for (const padding of [0, 3, 10]) {
        const adversary = smallLabelFirstAdversary(nodeCount, padding * nodeCount);
        const expected = bellmanFordRounds(nodeCount, adversary.edges, 0);
        const random = makeRandom(nodeCount * 31 + padding);
        const targets = [1, 2, nodeCount >> 1, nodeCount - 3, nodeCount - 2, nodeCount - 1];
        for (let k = 0; k < 4; k++) targets.push(1 + Math.floor(random() * (nodeCount - 1)));
        for (const target of targets) {
          const answer = traced(adversary, 0, target);
          expect(answer.fellBack, `${nodeCount} nodes, padding ${padding}`).toBe(true);
          expectBoundedWork(adversary, answer, defaultBudget(adversary));
          const value = valueOf(answer.result);
          expectValidPath(value, adversary.edges, 0, target);
          expect(value.distance).toBe(expected[target]);
        }
      }
    }
  });

  it('gives the adversary with random fractional chain weights the same distance as unbudgeted SPFA', () => {
    for (const seed of [1, 2, 3]) {
      const random = makeRandom(seed);
      // Chain weights below 1 keep every chain route under its shortcut, so the passes stay.
      const chainWeight = (): number => {
        const roll = random();
        if (roll < 0.1) return 0;
        if (roll < 0.2) return -0;
        return random();
      };
      const adversary = smallLabelFirstAdversary(600, 3_000, chainWeight);
      const expected = bellmanFordRounds(adversary.nodeCount, adversary.edges, 0);
      for (const target of [1, 2, 77, 300, 597, 598, 599]) {
        const answer = traced(adversary, 0, target);
        expect(answer.fellBack).toBe(true);
        expectBoundedWork(adversary, answer, defaultBudget(adversary));
        const value = valueOf(answer.result);
        expectValidPath(value, adversary.edges, 0, target);
        expectClose(value.distance, expected[target]!);
        const unbudgeted = traced(adversary, 0, target, Infinity);
        expect(unbudgeted.fellBack).toBe(false);
        expect(Object.is(value.distance, valueOf(unbudgeted.result).distance)).toBe(true);
      }
    }
  });

  it('leaves random and grid graphs at the limits to SPFA alone under the default budget', () => {
    for (const g of [randomMaximumGraph(20240601), gridGraph(7, 100)]) {
      const { result, fellBack, work } = traced(g, 0, g.nodeCount - 1);
      expect(fellBack).toBe(false);
      expect(work.setting).toBe(0);
      // Measured at a quarter to two thirds of the budget: a margin, not a knife edge.
      expect(work.correcting).toBeLessThanOrEqual(0.7 * defaultBudget(g));
      expectValidPath(valueOf(result), g.edges, 0, g.nodeCount - 1);
    }
  });

  it('solves random maximum graphs and grids from scratch with the fallback alone (budget 0)', () => {
    for (const g of [randomMaximumGraph(99), gridGraph(8, 100)]) {
      const target = g.nodeCount - 1;
      const answer = traced(g, 0, target, 0);
      expect(answer.fellBack).toBe(true);
      expect(answer.work.correcting).toBe(0);
      expectBoundedWork(g, answer, 0);
      expect(answer.work.setting).toBeLessThanOrEqual(4 * (g.nodeCount + g.edges.length));
      const value = valueOf(answer.result);
      expectValidPath(value, g.edges, 0, target);
      expectClose(value.distance, dijkstra(g.nodeCount, g.edges, 0)[target]!);
      expect(Object.is(value.distance, valueOf(traced(g, 0, target, Infinity).result).distance)).toBe(true);
    }
  });

  it('keeps the fallback linear when all labels share their upper 32 bits, or spread over every exponent', () => {
    const nodeCount = 10_000;
    const random = makeRandom(41);
    const order = Array.from({ length: nodeCount - 1 }, (_, i) => i + 1).sort(() => random() - 0.5);
    // Labels 1 + i * 2^-45 differ only in the low 32 bits of their IEEE-754 patterns.
    const clustered: Graph = { nodeCount, edges: order.map((i) => edge(0, i, 1 + i * 2 ** -45)) };
    // Labels 2^-1000 .. 2^990: a different exponent for nearly every node.
    const spread: Graph = { nodeCount, edges: order.map((i) => edge(0, i, 2 ** ((i % 1_991) - 1_000))) };
    for (const g of [clustered, spread]) {
      for (let i = 0; i < 30_000; i++) {
        const from = 1 + Math.floor(random() * (nodeCount - 1));
        const to = 1 + Math.floor(random() * (nodeCount - 1));
        g.edges.push(edge(from, to, random() * 2 ** -30));
      }
      const expected = dijkstra(nodeCount, g.edges, 0);
      for (const target of [1, 2, 777, 5_000, nodeCount - 1]) {
        const answer = traced(g, 0, target, 0);
        expectBoundedWork(g, answer, 0);
        expect(answer.work.setting).toBeLessThanOrEqual(4 * (g.nodeCount + g.edges.length));
        const value = valueOf(answer.result);
        expectValidPath(value, g.edges, 0, target);
        expect(value.distance).toBe(expected[target]);
      }
    }
  });

  it('handles zero weights, -0, parallel edges and self-loops in the fallback', () => {
    const blob = [
      edge(0, 0, 0),
      edge(0, 1, -0),
      edge(1, 1, 0),
      edge(1, 2, 0),
      edge(2, 1, -0),
      edge(2, 3, 5),
      edge(2, 3, 0.5),
      edge(2, 3, 0.5),
      edge(3, 3, 0),
      edge(3, 0, 0),
      edge(3, 4, 1e300),
      edge(1, 4, 1e300),
      edge(1, 4, 2e-300),
      edge(4, 4, 0),
    ];
    const g: Graph = { nodeCount: 6, edges: blob };
    for (const budget of [0, 1, 2, 3, 5, 8, Infinity]) {
      const to2 = valueOf(traced(g, 0, 2, budget).result);
      expect(to2.path).toEqual([0, 1, 2]);
      expect(Object.is(to2.distance, 0)).toBe(true);
      expect(valueOf(traced(g, 0, 3, budget).result)).toEqual({ reachable: true, distance: 0.5, path: [0, 1, 2, 3] });
      expect(valueOf(traced(g, 0, 4, budget).result)).toEqual({ reachable: true, distance: 2e-300, path: [0, 1, 4] });
      expect(valueOf(traced(g, 0, 5, budget).result)).toEqual(UNREACHABLE);
      if (budget === 0) expect(traced(g, 0, 4, budget).fellBack).toBe(true);
      if (budget === Infinity) expect(traced(g, 0, 4, budget).fellBack).toBe(false);
    }
  });

  it('matches Floyd-Warshall and unbudgeted SPFA exactly when handed over after any amount of work', () => {
    const budget = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 }));
    fc.assert(
      fc.property(graph, budget, ({ nodeCount, edges, source, target }, workBudget) => {
        const g: Graph = { nodeCount, edges };
        const answer = traced(g, source, target, workBudget);
        const value = valueOf(answer.result);
        const unbudgeted = valueOf(traced(g, source, target, Infinity).result);
        const expected = floydWarshall(nodeCount, edges)[source]![target]!;
        if (source === target) {
          expect(value).toEqual({ reachable: true, distance: 0, path: [source] });
          return;
        }
        if (workBudget === 0) expect(answer.fellBack).toBe(true);
        expectBoundedWork(g, answer, workBudget);
        if (expected === Infinity) {
          expect(value).toEqual(UNREACHABLE);
        } else {
          expectValidPath(value, edges, source, target);
          expectClose(value.distance, expected);
          expect(Object.is(value.distance, unbudgeted.distance)).toBe(true);
        }
      }),
      { numRuns: 1_500, seed: 23 },
    );
  });

  it('refuses bad input and answers source == target before any relaxation, whatever the budget', () => {
    for (const budget of [0, Infinity]) {
      expect(shortestPathWithWorkBudget({ nodeCount: 10_001, edges: [], source: 0, target: 1 }, budget)).toEqual({
        result: { kind: 'domain_error', reason: 'TOO_LARGE' },
        fellBack: false,
        work: { correcting: 0, setting: 0 },
      });
      expect(shortestPathWithWorkBudget({ nodeCount: 2, edges: [edge(0, 1, -1)], source: 0, target: 1 }, budget)).toEqual({
        result: { kind: 'domain_error', reason: 'INVALID_GRAPH' },
        fellBack: false,
        work: { correcting: 0, setting: 0 },
      });
      expect(shortestPathWithWorkBudget({ nodeCount: 2, edges: [edge(0, 1, 1)], source: 1, target: 1 }, budget)).toEqual({
        result: { kind: 'value', value: { reachable: true, distance: 0, path: [1] } },
        fellBack: false,
        work: { correcting: 0, setting: 0 },
      });
    }
  });
});
