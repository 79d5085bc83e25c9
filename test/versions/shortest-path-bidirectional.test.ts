import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import bidirectionalDijkstra from '../../versions/shortest-path/bidirectional.js';
import type { Edge, ShortestPathInput, ShortestPathValue } from '../../versions/contract.js';

// ---------------------------------------------------------------------------------------
// Helpers and oracles, written for this file only
// ---------------------------------------------------------------------------------------

/** Mulberry32: a small seeded generator so the big fixed graphs are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

function intBelow(random: () => number, bound: number): number {
  return Math.floor(random() * bound);
}

/** The smallest double greater than the positive finite double x. */
function nextDoubleUp(x: number): number {
  const floats = new Float64Array([x]);
  const bits = new BigInt64Array(floats.buffer);
  bits[0] = bits[0]! + 1n;
  return floats[0]!;
}

const e = (from: number, to: number, weight: number): Edge => ({ from, to, weight });

function solve(nodeCount: number, edges: readonly Edge[], source: number, target: number) {
  return bidirectionalDijkstra({ nodeCount, edges, source, target });
}

function refusedWith(reason: string) {
  return { kind: 'domain_error', reason };
}

const UNREACHABLE = { kind: 'value', value: { reachable: false, distance: 0, path: [] } };

function valueOf(input: ShortestPathInput): ShortestPathValue {
  const result = bidirectionalDijkstra(input);
  if (result.kind !== 'value') throw new Error(`expected a value, got ${result.reason}`);
  return result.value;
}

/** SPEC ShortestPath rules 1 and 2 as a plain if-chain: the reason expected, or undefined. */
function expectedRefusal(input: ShortestPathInput): string | undefined {
  const { nodeCount, edges, source, target } = input;
  if (nodeCount > 10_000) return 'TOO_LARGE';
  if (edges.length > 100_000) return 'TOO_LARGE';
  if (nodeCount === 0) return 'INVALID_GRAPH';
  if (source >= nodeCount || target >= nodeCount) return 'INVALID_GRAPH';
  for (const edge of edges) {
    if (edge.from >= nodeCount || edge.to >= nodeCount) return 'INVALID_GRAPH';
    if (Number.isNaN(edge.weight) || edge.weight < 0 || edge.weight > 1e300) return 'INVALID_GRAPH';
  }
  return undefined;
}

/** Bellman-Ford, relaxing every edge until nothing changes: obviously correct for small graphs. */
function bellmanFord(nodeCount: number, edges: readonly Edge[], source: number): number[] {
  const distance = new Array<number>(nodeCount).fill(Infinity);
  distance[source] = 0;
  for (let round = 0; round < nodeCount; round++) {
    let changed = false;
    for (const { from, to, weight } of edges) {
      const through = distance[from]! + weight;
      if (through < distance[to]!) {
        distance[to] = through;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return distance;
}

/** Textbook Dijkstra with a lazy binary heap of (distance, node) pairs; stale pairs are skipped. */
function lazyHeapDijkstra(nodeCount: number, edges: readonly Edge[], source: number, target: number): number {
  const outgoing: Edge[][] = Array.from({ length: nodeCount }, () => []);
  for (const edge of edges) outgoing[edge.from]!.push(edge);
  const distance = new Array<number>(nodeCount).fill(Infinity);
  const done = new Array<boolean>(nodeCount).fill(false);
  const heap: Array<[number, number]> = [];
  const push = (entry: [number, number]): void => {
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (heap[up]![0] <= entry[0]) break;
      heap[i] = heap[up]!;
      i = up;
    }
    heap[i] = entry;
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= heap.length) break;
        if (child + 1 < heap.length && heap[child + 1]![0] < heap[child]![0]) child += 1;
        if (heap[child]![0] >= last[0]) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  };
  distance[source] = 0;
  push([0, source]);
  while (heap.length > 0) {
    const [reached, node] = pop();
    if (done[node]) continue;
    done[node] = true;
    if (node === target) return reached;
    for (const { to, weight } of outgoing[node]!) {
      const through = reached + weight;
      if (through < distance[to]!) {
        distance[to] = through;
        push([through, to]);
      }
    }
  }
  return Infinity;
}

/**
 * Checks that the path starts at source, ends at target, repeats no node and uses real edges,
 * and that the reported distance is exactly its weight added in path order (lightest of
 * parallel edges). Returns that weight.
 */
function expectValidPath(value: ShortestPathValue, input: ShortestPathInput): number {
  const { path } = value;
  expect(path[0]).toBe(input.source);
  expect(path[path.length - 1]).toBe(input.target);
  expect(new Set(path).size).toBe(path.length);
  // Step i of the path leaves path[i]; the lightest edge found for each step is kept.
  const stepFrom = new Map(path.slice(0, -1).map((node, step) => [node, step]));
  const lightest = new Array<number>(Math.max(path.length - 1, 0)).fill(Infinity);
  for (const { from, to, weight } of input.edges) {
    const step = stepFrom.get(from);
    if (step !== undefined && path[step + 1] === to && weight < lightest[step]!) lightest[step] = weight;
  }
  const missing = lightest.findIndex((weight) => weight === Infinity);
  expect(missing, `no edge for step ${missing} of the path`).toBe(-1);
  let total = 0;
  for (const weight of lightest) total += weight;
  expect(value.distance).toBe(total);
  return total;
}

function expectWithinRelative(actual: number, expected: number, relative = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * expected);
}

/** Runs the version and checks it against an oracle distance (Infinity for unreachable). */
function expectMatchesOracle(input: ShortestPathInput, oracleDistance: number): ShortestPathValue {
  const value = valueOf(input);
  if (oracleDistance === Infinity) {
    expect(value).toEqual({ reachable: false, distance: 0, path: [] });
    return value;
  }
  expect(value.reachable).toBe(true);
  expectValidPath(value, input);
  expect(Number.isFinite(value.distance)).toBe(true);
  expectWithinRelative(value.distance, oracleDistance);
  return value;
}

function checkAgainstBellmanFord(input: ShortestPathInput): void {
  const expected = input.source === input.target ? 0 : bellmanFord(input.nodeCount, input.edges, input.source)[input.target]!;
  expectMatchesOracle(input, expected);
}

function randomGraph(random: () => number, nodeCount: number, edgeCount: number, weight: () => number): Edge[] {
  return Array.from({ length: edgeCount }, () => e(intBelow(random, nodeCount), intBelow(random, nodeCount), weight()));
}

// ---------------------------------------------------------------------------------------
// Rules 1-3: input checks and their order
// ---------------------------------------------------------------------------------------

describe('shortest-path/bidirectional: input checks in SPEC order', () => {
  it('refuses more than 10,000 nodes with TOO_LARGE and accepts exactly 10,000', () => {
    expect(solve(10_001, [], 0, 1)).toEqual(refusedWith('TOO_LARGE'));
    expect(solve(4_294_967_295, [], 0, 1)).toEqual(refusedWith('TOO_LARGE'));
    expect(solve(10_000, [], 0, 9_999)).toEqual(UNREACHABLE);
  });

  it('refuses more than 100,000 edges with TOO_LARGE and accepts exactly 100,000', () => {
    const loop = e(0, 0, 1);
    expect(solve(2, new Array<Edge>(100_001).fill(loop), 0, 1)).toEqual(refusedWith('TOO_LARGE'));
    expect(solve(2, new Array<Edge>(100_000).fill(loop), 0, 1)).toEqual(UNREACHABLE);
  });

  it('reports TOO_LARGE ahead of every INVALID_GRAPH condition and of source == target', () => {
    const bad = [e(50_000, 0, NaN), e(0, 1, -1), e(1, 0, Infinity), e(0, 1, 1e308)];
    expect(solve(10_001, bad, 20_000, 30_000)).toEqual(refusedWith('TOO_LARGE'));
    expect(solve(10_001, [], 7, 7)).toEqual(refusedWith('TOO_LARGE'));
    const tooMany = new Array<Edge>(100_001).fill(e(9, 9, -5));
    expect(solve(0, tooMany, 0, 0)).toEqual(refusedWith('TOO_LARGE'));
    expect(solve(3, tooMany, 1, 1)).toEqual(refusedWith('TOO_LARGE'));
  });

  it('refuses a graph with no nodes with INVALID_GRAPH, even for source == target == 0', () => {
    expect(solve(0, [], 0, 0)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(0, [e(0, 0, 1)], 0, 1)).toEqual(refusedWith('INVALID_GRAPH'));
  });

  it('refuses a source or target that is not below nodeCount', () => {
    expect(solve(3, [e(0, 1, 1)], 3, 0)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(3, [e(0, 1, 1)], 0, 3)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(3, [], 4_294_967_295, 0)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(3, [], 3, 3)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(10_000, [], 10_000, 10_000)).toEqual(refusedWith('INVALID_GRAPH'));
  });

  it('refuses an edge endpoint that is not below nodeCount, wherever the edge is in the list', () => {
    const good = Array.from({ length: 50 }, (_, i) => e(i % 4, (i + 1) % 4, i));
    expect(solve(4, [...good, e(4, 0, 1)], 0, 3)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(4, [e(0, 4, 1), ...good], 0, 3)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(4, [...good.slice(0, 20), e(4_294_967_295, 1, 1), ...good], 0, 3)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(4, good, 0, 3).kind).toBe('value');
  });

  it('refuses negative, NaN and infinite weights', () => {
    for (const weight of [-1, -Number.MIN_VALUE, -1e300, NaN, Infinity, -Infinity]) {
      expect(solve(2, [e(0, 1, 1), e(1, 0, weight)], 0, 1), `weight ${weight}`).toEqual(refusedWith('INVALID_GRAPH'));
    }
  });

  it('allows a weight of exactly 1e300 and refuses the next double above it and anything larger', () => {
    expect(solve(2, [e(0, 1, 1e300)], 0, 1)).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 1e300, path: [0, 1] },
    });
    const justAbove = nextDoubleUp(1e300);
    expect(justAbove).toBeGreaterThan(1e300);
    for (const weight of [justAbove, 1.0000001e300, 1e301, 1e308, Number.MAX_VALUE]) {
      expect(solve(2, [e(0, 1, weight)], 0, 1), `weight ${weight}`).toEqual(refusedWith('INVALID_GRAPH'));
    }
  });

  it('refuses two edges of 1e308 with INVALID_GRAPH rather than reporting an overflowed sum', () => {
    const edges = [e(0, 1, 1e308), e(1, 2, 1e308)];
    expect(solve(3, edges, 0, 2)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(4, [...edges, e(2, 3, 1e308)], 0, 3)).toEqual(refusedWith('INVALID_GRAPH'));
  });

  it('refuses a bad edge even when no source-target path uses it', () => {
    expect(solve(5, [e(0, 1, 1), e(3, 4, -2)], 0, 1)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(5, [e(0, 1, 1), e(4, 3, 2e300)], 0, 1)).toEqual(refusedWith('INVALID_GRAPH'));
  });

  it('reports INVALID_GRAPH ahead of the source == target answer', () => {
    expect(solve(2, [e(0, 0, NaN)], 0, 0)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(2, [e(1, 2, 1)], 1, 1)).toEqual(refusedWith('INVALID_GRAPH'));
    expect(solve(2, [e(1, 1, 1e301)], 1, 1)).toEqual(refusedWith('INVALID_GRAPH'));
  });

  it('answers source == target with distance 0 and a one-node path, self-loop or not', () => {
    const answer = (node: number) => ({ kind: 'value', value: { reachable: true, distance: 0, path: [node] } });
    expect(solve(1, [], 0, 0)).toEqual(answer(0));
    expect(solve(2, [e(1, 1, 3)], 1, 1)).toEqual(answer(1));
    expect(solve(2, [e(1, 1, 0), e(1, 0, 1), e(0, 1, 1)], 1, 1)).toEqual(answer(1));
    expect(solve(10_000, [e(9_999, 0, 1e300)], 9_999, 9_999)).toEqual(answer(9_999));
    const value = valueOf({ nodeCount: 3, edges: [e(2, 2, 5)], source: 2, target: 2 });
    expect(Object.is(value.distance, 0)).toBe(true);
  });

  it('decides refusals, then source == target, exactly in SPEC order on random mixes of violations', () => {
    // Each part of the input is usually valid, so that single violations are common too.
    const caseArbitrary = fc.integer({ min: 1, max: 8 }).chain((nodes) => {
      const id = fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: nodes - 1 }) },
        { weight: 1, arbitrary: fc.constantFrom(nodes, nodes + 1, 10_000, 4_294_967_295) },
      );
      const goodWeight = fc.oneof(fc.constantFrom(-0, 0, 1, 2.5, 1e300), fc.double({ min: 0, max: 1e300, noNaN: true }));
      const badWeight = fc.oneof(
        fc.constantFrom(nextDoubleUp(1e300), 1e301, 1e308, Number.MAX_VALUE, -1, -Number.MIN_VALUE, NaN, Infinity, -Infinity),
        fc.double(),
      );
      return fc.record({
        nodeCount: fc.oneof(
          { weight: 8, arbitrary: fc.constant(nodes) },
          { weight: 1, arbitrary: fc.constantFrom(0, 10_000, 10_001, 4_294_967_295) },
        ),
        source: id,
        target: id,
        edges: fc.array(
          fc.record({
            from: id,
            to: id,
            weight: fc.oneof({ weight: 12, arbitrary: goodWeight }, { weight: 1, arbitrary: badWeight }),
          }),
          { maxLength: 6 },
        ),
        padding: fc.oneof({ weight: 30, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(99_999, 100_001) }),
      });
    });
    fc.assert(
      fc.property(caseArbitrary, ({ nodeCount, source, target, edges, padding }) => {
        const allEdges = padding === 0 ? edges : [...edges, ...new Array<Edge>(padding).fill(e(0, 0, 1))];
        const input = { nodeCount, edges: allEdges, source, target };
        const result = bidirectionalDijkstra(input);
        const reason = expectedRefusal(input);
        if (reason !== undefined) {
          expect(result).toEqual(refusedWith(reason));
        } else if (source === target) {
          expect(result).toEqual({ kind: 'value', value: { reachable: true, distance: 0, path: [source] } });
        } else {
          expect(result.kind).toBe('value');
          if (allEdges.length <= 6) checkAgainstBellmanFord(input);
        }
      }),
      { numRuns: 500, seed: 20_240_611 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Rule 4: distances and paths
// ---------------------------------------------------------------------------------------

describe('shortest-path/bidirectional: distances and paths', () => {
  it('finds the lighter of a direct edge and a two-edge detour', () => {
    const edges = [e(0, 1, 1), e(1, 2, 2), e(0, 2, 5)];
    expect(solve(3, edges, 0, 2)).toEqual({ kind: 'value', value: { reachable: true, distance: 3, path: [0, 1, 2] } });
    expect(solve(3, [...edges, e(0, 2, 2.5)], 0, 2)).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 2.5, path: [0, 2] },
    });
  });

  it('reports unreachable targets as not reachable with distance 0 and an empty path', () => {
    // Against the direction of the only edges.
    expect(solve(3, [e(0, 1, 1), e(1, 2, 1)], 2, 0)).toEqual(UNREACHABLE);
    // Target has only outgoing edges; source has only incoming edges.
    expect(solve(4, [e(3, 0, 1), e(3, 1, 1), e(1, 0, 1)], 0, 3)).toEqual(UNREACHABLE);
    // Two components, each with cycles, so both searches run until they exhaust.
    const twoIslands = [e(0, 1, 1), e(1, 2, 1), e(2, 0, 1), e(3, 4, 1), e(4, 5, 1), e(5, 3, 1)];
    expect(solve(6, twoIslands, 0, 4)).toEqual(UNREACHABLE);
    // A path into a dead end that passes right by the target's component.
    expect(solve(5, [e(0, 1, 0), e(1, 2, 0), e(4, 3, 0), e(3, 4, 0)], 0, 3)).toEqual(UNREACHABLE);
    expect(solve(2, [], 0, 1)).toEqual(UNREACHABLE);
  });

  it('treats -0 weights as zero and reports a path of -0 edges at distance +0', () => {
    const edges = [e(0, 1, -0), e(1, 2, -0), e(0, 2, 1)];
    const value = valueOf({ nodeCount: 3, edges, source: 0, target: 2 });
    expect(value.path).toEqual([0, 1, 2]);
    expect(Object.is(value.distance, 0)).toBe(true);
    expect(solve(3, [e(0, 1, -0), e(1, 2, 0.5), e(0, 2, 0.75)], 0, 2)).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 0.5, path: [0, 1, 2] },
    });
  });

  it('ignores self-loops of any weight, on and off the path', () => {
    const loops = [e(0, 0, 0), e(1, 1, -0), e(2, 2, 1e300), e(1, 1, 3)];
    expect(solve(3, [...loops, e(0, 1, 2), e(1, 2, 3)], 0, 2)).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 5, path: [0, 1, 2] },
    });
    // A self-loop on the source does not reach anything else.
    expect(solve(2, [e(0, 0, 0), e(1, 1, 0)], 0, 1)).toEqual(UNREACHABLE);
  });

  it('uses the lightest of parallel edges whatever order they are listed in', () => {
    const parallel = [e(0, 1, 4), e(0, 1, 1.5), e(0, 1, 1e300), e(0, 1, 2)];
    for (const edges of [parallel, [...parallel].reverse()]) {
      expect(solve(3, [...edges, e(1, 2, 1), e(0, 2, 2.6)], 0, 2)).toEqual({
        kind: 'value',
        value: { reachable: true, distance: 2.5, path: [0, 1, 2] },
      });
    }
    // Parallel edges in both directions of the search, one of them of weight 0.
    expect(solve(2, [e(0, 1, 7), e(0, 1, 0), e(0, 1, 3)], 0, 1)).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 0, path: [0, 1] },
    });
  });

  it('keeps the path simple when zero-weight cycles connect the two searches', () => {
    const edges = [
      e(0, 1, 0), e(1, 2, 0), e(2, 1, 0), e(2, 3, 0), e(3, 2, 0),
      e(3, 4, 0), e(4, 3, 0), e(1, 4, 0), e(4, 1, 0), e(4, 5, 0), e(5, 0, 0),
    ];
    for (let source = 0; source < 6; source++) {
      for (let target = 0; target < 6; target++) {
        const value = expectMatchesOracle({ nodeCount: 6, edges, source, target }, 0);
        expect(value.distance).toBe(0);
      }
    }
  });

  it('finds a zero-weight path hidden behind cheap but non-zero edges', () => {
    const edges = [e(0, 5, 1e-300), e(5, 6, 5e-324), e(0, 1, 0), e(1, 2, 0), e(2, 3, 0), e(3, 4, 0), e(6, 4, 0)];
    expect(solve(7, edges, 0, 4)).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 0, path: [0, 1, 2, 3, 4] },
    });
  });

  it('adds a chain of 9,999 edges of 1e300 to a finite distance', () => {
    const nodeCount = 10_000;
    const edges = Array.from({ length: nodeCount - 1 }, (_, i) => e(i, i + 1, 1e300));
    const input = { nodeCount, edges, source: 0, target: nodeCount - 1 };
    const value = valueOf(input);
    expect(value.reachable).toBe(true);
    expect(value.path).toEqual(Array.from({ length: nodeCount }, (_, i) => i));
    expect(Number.isFinite(value.distance)).toBe(true);
    expect(expectValidPath(value, input)).toBe(value.distance);
    expectWithinRelative(value.distance, 9.999e303);
  });

  it('chooses between paths of edges near 1e300 by their sums', () => {
    const edges = [e(0, 1, 1e300), e(1, 3, 1e300), e(0, 2, 1e300), e(2, 3, 5e299), e(0, 4, 9e299), e(4, 3, 9e299)];
    expect(solve(5, edges, 0, 3)).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 1.5e300, path: [0, 2, 3] },
    });
    // 1e300 + 1 rounds to 1e300, so both routes are optimal; either is acceptable.
    const value = valueOf({ nodeCount: 3, edges: [e(0, 1, 1e300), e(1, 2, 1), e(0, 2, 1e300)], source: 0, target: 2 });
    expect(value.distance).toBe(1e300);
  });

  it('does not stop when the frontiers first meet on a longer path', () => {
    // After one step per side, node 1 is labelled by both (3 + 3); the optimum 0-2-3-4 costs 5.
    const edges = [e(0, 1, 3), e(1, 4, 3), e(0, 2, 2), e(2, 3, 1), e(3, 4, 2)];
    expect(solve(5, edges, 0, 4)).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 5, path: [0, 2, 3, 4] },
    });
  });

  it('reports the best candidate, not the path through the first node settled by both searches', () => {
    // Optimum 0-1-2-4 (12) has a long middle edge; the decoy 3 sits at 6.5 from both ends.
    // Dead ends 5, 6, 7 (weight 100) steer either alternation (strict turns, or smaller heap
    // first) into settling 0, 1, 3 forward and 4, 2, 3 backward, so 3 is settled by both
    // first while 0-1-2-4 only ever appears as a candidate.
    const edges = [
      e(0, 1, 1), e(1, 2, 10), e(2, 4, 1), e(0, 3, 6.5), e(3, 4, 6.5),
      e(1, 5, 100), e(6, 2, 100), e(3, 7, 100),
    ];
    expect(solve(8, edges, 0, 4)).toEqual({
      kind: 'value',
      value: { reachable: true, distance: 12, path: [0, 1, 2, 4] },
    });
  });

  it('finds a long chain of light edges behind a heavy two-edge shortcut, for many shapes', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 200; trial++) {
      const length = 2 + intBelow(random, 40);
      const chainWeights = Array.from({ length }, () => (random() < 0.2 ? 0 : random() * 3));
      const chainTotal = chainWeights.reduce((sum, weight) => sum + weight, 0);
      const nodeCount = length + 1 + 10;
      const source = 0;
      const target = length;
      const hub = length + 1;
      // The decoy through the hub is met after one step per side and is only a little heavier.
      const decoyHalf = chainTotal / 2 + random() * 0.5 + 1e-6;
      const edges: Edge[] = chainWeights.map((weight, i) => e(i, i + 1, weight));
      edges.push(e(source, hub, decoyHalf), e(hub, target, decoyHalf));
      // Dead ends hanging off both sides make the two heaps grow at different rates.
      for (let extra = hub + 1; extra < nodeCount; extra++) {
        edges.push(e(intBelow(random, length + 1), extra, random() * 2));
        edges.push(e(extra, intBelow(random, length + 1), chainTotal + 1 + random()));
      }
      const input = { nodeCount, edges, source, target };
      const value = expectMatchesOracle(input, bellmanFord(nodeCount, edges, source)[target]!);
      expect(value.path).not.toContain(hub);
    }
  });

  it('stays correct when one side runs out of nodes long before the other', () => {
    // The target's only in-edge is heavy; the source side fans out into a large cheap tree.
    const edges: Edge[] = [e(0, 1, 100)];
    for (let node = 2; node < 300; node++) edges.push(e(Math.floor(node / 2), node, 0.01));
    edges.push(e(299, 1, 0.01));
    checkAgainstBellmanFord({ nodeCount: 300, edges, source: 0, target: 1 });
    // And the mirror image: the source's only out-edge is heavy, the target has a wide in-tree.
    const mirrored = edges.map(({ from, to, weight }) => e(to, from, weight));
    checkAgainstBellmanFord({ nodeCount: 300, edges: mirrored, source: 1, target: 0 });
  });

  it('matches Bellman-Ford on seeded random graphs of several densities and weight kinds', () => {
    const random = seededRandom(5);
    const weightKinds: Array<() => number> = [
      () => intBelow(random, 4),
      () => random() * 10,
      () => (random() < 0.5 ? 0 : 1),
      () => (random() < 0.5 ? 1e300 : random() * 1e300),
      () => [0, -0, 5e-324, 1, 1e300][intBelow(random, 5)]!,
    ];
    for (let trial = 0; trial < 400; trial++) {
      const nodeCount = 1 + intBelow(random, 60);
      const edgeCount = intBelow(random, 4 * nodeCount + 1);
      const edges = randomGraph(random, nodeCount, edgeCount, weightKinds[trial % weightKinds.length]!);
      const input = { nodeCount, edges, source: intBelow(random, nodeCount), target: intBelow(random, nodeCount) };
      checkAgainstBellmanFord(input);
      // Cross-checks the oracle the largest-graph tests rely on.
      const bellman = bellmanFord(nodeCount, edges, input.source)[input.target]!;
      expect(lazyHeapDijkstra(nodeCount, edges, input.source, input.target)).toBe(bellman);
    }
  });

  it('agrees with a Bellman-Ford oracle on arbitrary small graphs (property)', () => {
    const weight = fc.oneof(
      fc.integer({ min: 0, max: 5 }),
      fc.constantFrom(0, -0, 5e-324, 1e-300, 1e300),
      fc.double({ min: 0, max: 10, noNaN: true }),
      fc.double({ min: 0, max: 1e300, noNaN: true }),
    );
    const graph = fc.integer({ min: 1, max: 14 }).chain((nodeCount) =>
      fc.record({
        nodeCount: fc.constant(nodeCount),
        edges: fc.array(
          fc.record({
            from: fc.integer({ min: 0, max: nodeCount - 1 }),
            to: fc.integer({ min: 0, max: nodeCount - 1 }),
            weight,
          }),
          { maxLength: 60 },
        ),
        source: fc.integer({ min: 0, max: nodeCount - 1 }),
        target: fc.integer({ min: 0, max: nodeCount - 1 }),
      }),
    );
    fc.assert(
      fc.property(graph, (input) => {
        checkAgainstBellmanFord(input);
      }),
      { numRuns: 1000, seed: 424_242 },
    );
  });

  it('leaves its input unchanged and works on frozen input', () => {
    const edges = [e(0, 1, 2), e(1, 2, -0), e(0, 2, 3), e(2, 2, 1)].map((edge) => Object.freeze(edge));
    const input = Object.freeze({ nodeCount: 3, edges: Object.freeze(edges), source: 0, target: 2 });
    const before = structuredClone(input);
    expect(bidirectionalDijkstra(input)).toEqual({ kind: 'value', value: { reachable: true, distance: 2, path: [0, 1, 2] } });
    expect(input).toEqual(before);
    expect(Object.is(input.edges[1]!.weight, -0)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------
// The largest graphs the SPEC allows (10,000 nodes, 100,000 edges)
// ---------------------------------------------------------------------------------------

describe('shortest-path/bidirectional: largest graphs', () => {
  const nodeCount = 10_000;
  const edgeCount = 100_000;

  it('matches the heap oracle on random graphs of 10,000 nodes and 100,000 edges', () => {
    const random = seededRandom(99);
    const edges = randomGraph(random, nodeCount, edgeCount, () => 1 + intBelow(random, 100));
    for (const [source, target] of [[0, nodeCount - 1], [1234, 4321], [9_998, 3]] as const) {
      const input = { nodeCount, edges, source, target };
      const expected = lazyHeapDijkstra(nodeCount, edges, source, target);
      const value = expectMatchesOracle(input, expected);
      // Integer weights add exactly, so here the distance must be exactly the oracle's.
      expect(value.distance).toBe(expected);
    }
  });

  it('finds a 9,999-edge chain hidden among 90,001 shuffled heavier edges', () => {
    // Every shortcut skips ahead but costs more than the chain stretch it skips, so the
    // optimum is the whole chain and both searches must cover most of the graph.
    const random = seededRandom(7);
    const edges: Edge[] = Array.from({ length: nodeCount - 1 }, (_, i) => e(i, i + 1, 1 + random()));
    while (edges.length < edgeCount) {
      const from = intBelow(random, nodeCount);
      const to = intBelow(random, nodeCount);
      edges.push(e(from, to, 2 * Math.abs(to - from) + 1 + random()));
    }
    for (let i = edges.length - 1; i > 0; i--) {
      const j = intBelow(random, i + 1);
      [edges[i], edges[j]] = [edges[j]!, edges[i]!];
    }
    const input = { nodeCount, edges, source: 0, target: nodeCount - 1 };
    const value = expectMatchesOracle(input, lazyHeapDijkstra(nodeCount, edges, 0, nodeCount - 1));
    expect(value.path.length).toBe(nodeCount);
  });

  it('answers unreachable on the largest graph when only the target side is cut off', () => {
    const random = seededRandom(13);
    // Nothing enters the target, so the backward search runs dry after its first step.
    const edges = randomGraph(random, nodeCount, edgeCount, () => random() * 1e300).map((edge) =>
      edge.to === nodeCount - 1 ? e(edge.from, 0, edge.weight) : edge,
    );
    expect(solve(nodeCount, edges, 0, nodeCount - 1)).toEqual(UNREACHABLE);
    // Two halves with no edge between them: both searches exhaust their own half.
    const halves = randomGraph(random, nodeCount / 2, edgeCount, () => random()).flatMap((edge, index) =>
      index % 2 === 0 ? [edge] : [e(edge.from + nodeCount / 2, edge.to + nodeCount / 2, edge.weight)],
    );
    expect(halves.length).toBe(edgeCount);
    expect(solve(nodeCount, halves, 0, nodeCount - 1)).toEqual(UNREACHABLE);
  });

  it('handles the largest graph with weights near 1e300 and reaches a finite distance', () => {
    const random = seededRandom(21);
    const edges = randomGraph(random, nodeCount, edgeCount, () => (random() < 0.5 ? 1e300 : 1e300 * random()));
    const input = { nodeCount, edges, source: 5, target: 6 };
    const value = expectMatchesOracle(input, lazyHeapDijkstra(nodeCount, edges, 5, 6));
    expect(Number.isFinite(value.distance)).toBe(true);
  });
});
