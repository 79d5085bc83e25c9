import type { Edge, ShortestPathInput, ShortestPathValue, VersionResult } from '../contract.js';

const HEAP_ARITY = 4;

/** One refusal of SPEC ShortestPath rules 1-2: when `violated` holds, the answer is `reason`. */
interface InputCheck {
  readonly name: string;
  readonly violated: (input: ShortestPathInput) => boolean;
  readonly reason: 'TOO_LARGE' | 'INVALID_GRAPH';
}

// Weights up to 1e300 keep every simple path's sum (at most 9,999 edges) far from overflow.
const HEAVIEST_WEIGHT = 1e300;

/** Evaluated top to bottom; the first violated check decides, which is the SPEC's order. */
const INPUT_CHECKS: readonly InputCheck[] = [
  {
    name: 'at most 10,000 nodes and 100,000 edges',
    reason: 'TOO_LARGE',
    violated: (input) => input.nodeCount > 10_000 || input.edges.length > 100_000,
  },
  {
    name: 'at least one node',
    reason: 'INVALID_GRAPH',
    violated: (input) => input.nodeCount === 0,
  },
  {
    name: 'source and target are nodes of the graph',
    reason: 'INVALID_GRAPH',
    violated: ({ source, target, nodeCount }) => !(source < nodeCount && target < nodeCount),
  },
  {
    name: 'both ends of every edge are nodes of the graph',
    reason: 'INVALID_GRAPH',
    violated: ({ edges, nodeCount }) => !edges.every(({ from, to }) => from < nodeCount && to < nodeCount),
  },
  {
    name: 'every weight lies in [0, 1e300]',
    reason: 'INVALID_GRAPH',
    // NaN fails both comparisons, -Infinity the first, +Infinity the second; -0 passes.
    violated: ({ edges }) => !edges.every(({ weight }) => weight >= 0 && weight <= HEAVIEST_WEIGHT),
  },
];

/**
 * Bidirectional Dijkstra: a forward search from the source over outgoing edges and a
 * backward search from the target over incoming edges, each with its own 4-ary indexed
 * heap. Whenever a node's label changes on one side while the other side has labelled it,
 * the sum is a candidate s-t distance. The search stops once the two heaps' minimum keys
 * sum to at least the best candidate; the path is rebuilt through the meeting node.
 */
export default function bidirectionalDijkstra(
  input: ShortestPathInput,
): VersionResult<ShortestPathValue> {
  const refusal = INPUT_CHECKS.find((check) => check.violated(input));
  if (refusal !== undefined) return { kind: 'domain_error', reason: refusal.reason };
  // The one-node path needs no edge, so a self-loop on the source changes nothing.
  if (input.source === input.target) {
    return { kind: 'value', value: { reachable: true, distance: 0, path: [input.target] } };
  }
  const { nodeCount, edges, source, target } = input;

  const forward = new SearchSide(buildAdjacency(nodeCount, edges, 'forward'));
  const backward = new SearchSide(buildAdjacency(nodeCount, edges, 'backward'));
  const meeting = { node: -1, distance: Infinity };

  forward.label(source, 0, -1);
  backward.label(target, 0, -1);

  while (!forward.heap.isEmpty() && !backward.heap.isEmpty()) {
    // Stopping rule: every path not yet seen is at least topForward + topBackward long.
    // Stopping when the frontiers first meet instead would be wrong.
    if (forward.heap.minKey() + backward.heap.minKey() >= meeting.distance) break;
    if (forward.heap.size <= backward.heap.size) {
      expand(forward, backward, meeting);
    } else {
      expand(backward, forward, meeting);
    }
  }
  // An exhausted heap means its side has labelled everything it can reach, and every
  // label change was checked against the other side, so no meeting means no path.
  if (meeting.node === -1) {
    return { kind: 'value', value: { reachable: false, distance: 0, path: [] } };
  }

  const path = removeCycles(joinHalves(forward.parent, backward.parent, meeting.node), nodeCount);
  return {
    kind: 'value',
    value: { reachable: true, distance: pathWeight(path, edges, nodeCount), path },
  };
}

/** Compressed adjacency lists: the neighbours of `u` are at `offsets[u] .. offsets[u + 1] - 1`. */
interface Adjacency {
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
  readonly weights: Float64Array;
}

function buildAdjacency(
  nodeCount: number,
  edges: readonly Edge[],
  direction: 'forward' | 'backward',
): Adjacency {
  const reversed = direction === 'backward';
  const offsets = new Int32Array(nodeCount + 1);
  for (const edge of edges) {
    offsets[(reversed ? edge.to : edge.from) + 1]! += 1;
  }
  for (let node = 0; node < nodeCount; node++) {
    offsets[node + 1]! += offsets[node]!;
  }
  const cursor = offsets.slice(0, nodeCount);
  const neighbours = new Int32Array(edges.length);
  const weights = new Float64Array(edges.length);
  for (const edge of edges) {
    const tail = reversed ? edge.to : edge.from;
    const slot = cursor[tail]!;
    cursor[tail] = slot + 1;
    neighbours[slot] = reversed ? edge.from : edge.to;
    weights[slot] = edge.weight;
  }
  return { offsets, neighbours, weights };
}

/** One direction's Dijkstra state. `parent` points one step back toward this side's root. */
class SearchSide {
  readonly adjacency: Adjacency;
  readonly distance: Float64Array;
  readonly parent: Int32Array;
  readonly labelled: Uint8Array;
  readonly settled: Uint8Array;
  readonly heap: IndexedQuaternaryHeap;

  constructor(adjacency: Adjacency) {
    const nodeCount = adjacency.offsets.length - 1;
    this.adjacency = adjacency;
    this.distance = new Float64Array(nodeCount).fill(Infinity);
    this.parent = new Int32Array(nodeCount).fill(-1);
    // Tells a first label (push) from a better one (decrease-key).
    this.labelled = new Uint8Array(nodeCount);
    this.settled = new Uint8Array(nodeCount);
    this.heap = new IndexedQuaternaryHeap(this.distance);
  }

  /** Sets a new, smaller label for an unsettled node. */
  label(node: number, distance: number, parent: number): void {
    this.distance[node] = distance;
    this.parent[node] = parent;
    if (this.labelled[node] === 1) {
      this.heap.decreaseKey(node);
    } else {
      this.labelled[node] = 1;
      this.heap.push(node);
    }
  }
}

function expand(
  side: SearchSide,
  other: SearchSide,
  meeting: { node: number; distance: number },
): void {
  const node = side.heap.pop();
  side.settled[node] = 1;
  const base = side.distance[node]!;
  const { offsets, neighbours, weights } = side.adjacency;
  const end = offsets[node + 1]!;
  for (let slot = offsets[node]!; slot < end; slot++) {
    const next = neighbours[slot]!;
    // With non-negative weights a settled label is final.
    if (side.settled[next] === 1) continue;
    const candidate = base + weights[slot]!;
    if (side.labelled[next] === 1 && !(candidate < side.distance[next]!)) continue;
    side.label(next, candidate, node);
    if (other.labelled[next] === 1) {
      const through = candidate + other.distance[next]!;
      if (through < meeting.distance) {
        meeting.node = next;
        meeting.distance = through;
      }
    }
  }
}

/** Source ... meeting node ... target, following both parent chains from the meeting node. */
function joinHalves(forwardParent: Int32Array, backwardParent: Int32Array, meetingNode: number): number[] {
  const path: number[] = [];
  for (let node = meetingNode; node !== -1; node = forwardParent[node]!) path.push(node);
  path.reverse();
  for (let node = backwardParent[meetingNode]!; node !== -1; node = backwardParent[node]!) {
    path.push(node);
  }
  return path;
}

/**
 * A guard: each half is a simple path, and a node on both halves would have been recorded
 * as the meeting first (its sum is no larger), so only a rounding tie could make them
 * share a node. Cutting out the stretch between two visits of a node keeps every
 * consecutive pair an edge and, as weights are non-negative, cannot lengthen the path.
 */
function removeCycles(walk: readonly number[], nodeCount: number): number[] {
  const position = new Int32Array(nodeCount).fill(-1);
  const path: number[] = [];
  for (const node of walk) {
    const seenAt = position[node]!;
    if (seenAt !== -1) {
      while (path.length > seenAt + 1) position[path.pop()!] = -1;
      continue;
    }
    position[node] = path.length;
    path.push(node);
  }
  return path;
}

/** Sum in path order of the lightest edge between each consecutive pair. */
function pathWeight(path: readonly number[], edges: readonly Edge[], nodeCount: number): number {
  const position = new Int32Array(nodeCount).fill(-1);
  path.forEach((node, index) => {
    position[node] = index;
  });
  const lightest = new Float64Array(Math.max(path.length - 1, 0)).fill(Infinity);
  for (const edge of edges) {
    const index = position[edge.from]!;
    if (index === -1 || index + 1 >= path.length || path[index + 1] !== edge.to) continue;
    if (edge.weight < lightest[index]!) lightest[index] = edge.weight;
  }
  let total = 0;
  for (const weight of lightest) total += weight;
  return total;
}

/**
 * A 4-ary min-heap of node ids keyed by an external distance array, with positions
 * tracked so a label decrease can sift its node up in place.
 */
class IndexedQuaternaryHeap {
  readonly keys: Float64Array;
  readonly nodes: Int32Array;
  readonly position: Int32Array;
  size = 0;

  constructor(keys: Float64Array) {
    this.keys = keys;
    this.nodes = new Int32Array(keys.length);
    this.position = new Int32Array(keys.length).fill(-1);
  }

  isEmpty(): boolean {
    return this.size === 0;
  }

  minKey(): number {
    return this.keys[this.nodes[0]!]!;
  }

  push(node: number): void {
    this.nodes[this.size] = node;
    this.position[node] = this.size;
    this.size += 1;
    this.siftUp(this.size - 1);
  }

  decreaseKey(node: number): void {
    this.siftUp(this.position[node]!);
  }

  pop(): number {
    const top = this.nodes[0]!;
    this.size -= 1;
    this.position[top] = -1;
    if (this.size > 0) {
      const last = this.nodes[this.size]!;
      this.nodes[0] = last;
      this.position[last] = 0;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(start: number): void {
    const { keys, nodes, position } = this;
    const node = nodes[start]!;
    const key = keys[node]!;
    let index = start;
    while (index > 0) {
      const parentIndex = Math.floor((index - 1) / HEAP_ARITY);
      const parentNode = nodes[parentIndex]!;
      if (!(key < keys[parentNode]!)) break;
      nodes[index] = parentNode;
      position[parentNode] = index;
      index = parentIndex;
    }
    nodes[index] = node;
    position[node] = index;
  }

  private siftDown(start: number): void {
    const { keys, nodes, position, size } = this;
    const node = nodes[start]!;
    const key = keys[node]!;
    let index = start;
    for (;;) {
      const firstChild = index * HEAP_ARITY + 1;
      if (firstChild >= size) break;
      const lastChild = Math.min(firstChild + HEAP_ARITY, size);
      let bestIndex = firstChild;
      let bestKey = keys[nodes[firstChild]!]!;
      for (let child = firstChild + 1; child < lastChild; child++) {
        const childKey = keys[nodes[child]!]!;
        if (childKey < bestKey) {
          bestIndex = child;
          bestKey = childKey;
        }
      }
      if (!(bestKey < key)) break;
      const bestNode = nodes[bestIndex]!;
      nodes[index] = bestNode;
      position[bestNode] = index;
      index = bestIndex;
    }
    nodes[index] = node;
    position[node] = index;
  }
}
