import type { Edge, ShortestPathInput, ShortestPathValue, VersionResult } from '../contract.js';

const NODE_LIMIT = 10_000;
const EDGE_LIMIT = 100_000;
const WEIGHT_LIMIT = 1e300;
const NONE = -1;

/**
 * Forward-star adjacency: the outgoing edges of node v form a linked list that starts at
 * firstOut[v] and follows nextOut until NONE; edge i leads to head[i] with weight[i].
 */
interface ForwardStar {
  readonly firstOut: Int32Array;
  readonly nextOut: Int32Array;
  readonly head: Int32Array;
  readonly weight: Float64Array;
}

/**
 * Dijkstra's algorithm with a lazy-deletion binary min-heap over (distance, node) pairs,
 * a forward-star adjacency and a predecessor array to rebuild the path.
 */
export default function dijkstra(input: ShortestPathInput): VersionResult<ShortestPathValue> {
  const { nodeCount, edges, source, target } = input;
  if (nodeCount > NODE_LIMIT || edges.length > EDGE_LIMIT) {
    return { kind: 'domain_error', reason: 'TOO_LARGE' };
  }
  const graph = readGraph(nodeCount, edges, source, target);
  if (graph === undefined) {
    return { kind: 'domain_error', reason: 'INVALID_GRAPH' };
  }
  if (source === target) {
    return { kind: 'value', value: { reachable: true, distance: 0, path: [source] } };
  }

  // Weights are at most 1e300 and a path has fewer than 10,000 edges, so every real
  // distance is finite and Infinity can mark a node not reached yet.
  const distance = new Float64Array(nodeCount).fill(Infinity);
  const settled = new Uint8Array(nodeCount);
  const predecessor = new Int32Array(nodeCount).fill(NONE);
  // An edge is scanned only when its tail is settled, which happens once: at most one push
  // per edge, plus the source.
  const heap = createHeap(edges.length + 1);

  distance[source] = 0;
  heapPush(heap, 0, source);

  while (heap.size > 0) {
    const node = heapPopNode(heap);
    if (settled[node] === 1) continue;
    settled[node] = 1;
    if (node === target) break;
    const nodeDistance = distance[node] as number;
    for (let slot = graph.firstOut[node] as number; slot !== NONE; slot = graph.nextOut[slot] as number) {
      const next = graph.head[slot] as number;
      if (settled[next] === 1) continue;
      const candidate = nodeDistance + (graph.weight[slot] as number);
      if (candidate < (distance[next] as number)) {
        distance[next] = candidate;
        predecessor[next] = node;
        heapPush(heap, candidate, next);
      }
    }
  }

  const found = distance[target] as number;
  if (found === Infinity) {
    return { kind: 'value', value: { reachable: false, distance: 0, path: [] } };
  }
  return { kind: 'value', value: { reachable: true, distance: found, path: rebuildPath(predecessor, target) } };
}

/**
 * Checks SPEC rule 2 while building the adjacency in one pass over the edges; undefined
 * means INVALID_GRAPH. All of rule 2's causes give that same answer, so which one is met
 * first does not matter and the pass can stop at the first bad edge.
 */
function readGraph(nodeCount: number, edges: readonly Edge[], source: number, target: number): ForwardStar | undefined {
  // Ids are uint32 (the gateway checks), so no id is below a nodeCount of 0: this also
  // refuses the empty graph.
  if (!(source < nodeCount && target < nodeCount)) return undefined;

  const firstOut = new Int32Array(nodeCount).fill(NONE);
  const nextOut = new Int32Array(edges.length);
  const head = new Int32Array(edges.length);
  const weight = new Float64Array(edges.length);
  for (let index = 0; index < edges.length; index++) {
    const edge = edges[index] as Edge;
    const from = edge.from;
    const cost = edge.weight;
    // Phrased as "inside the range" so that NaN, false under every comparison, lands
    // outside; -0 >= 0 holds, so -0 is kept.
    if (!(from < nodeCount && edge.to < nodeCount && cost >= 0 && cost <= WEIGHT_LIMIT)) return undefined;
    head[index] = edge.to;
    weight[index] = cost;
    nextOut[index] = firstOut[from] as number;
    firstOut[from] = index;
  }
  return { firstOut, nextOut, head, weight };
}

/**
 * Predecessors always point to a node settled earlier (a settled node is never relaxed
 * again), so following them from the target ends at the source without repeating a node.
 */
function rebuildPath(predecessor: Int32Array, target: number): number[] {
  const path: number[] = [];
  for (let node = target; node !== NONE; node = predecessor[node] as number) {
    path.push(node);
  }
  path.reverse();
  return path;
}

interface MinHeap {
  readonly keys: Float64Array;
  readonly nodes: Int32Array;
  size: number;
}

function createHeap(capacity: number): MinHeap {
  return { keys: new Float64Array(capacity), nodes: new Int32Array(capacity), size: 0 };
}

function heapPush(heap: MinHeap, key: number, node: number): void {
  const { keys, nodes } = heap;
  let index = heap.size++;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    const parentKey = keys[parent] as number;
    if (parentKey <= key) break;
    keys[index] = parentKey;
    nodes[index] = nodes[parent] as number;
    index = parent;
  }
  keys[index] = key;
  nodes[index] = node;
}

/** Removes the entry with the least key and returns its node; the heap must not be empty. */
function heapPopNode(heap: MinHeap): number {
  const { keys, nodes } = heap;
  const top = nodes[0] as number;
  const last = --heap.size;
  const lastKey = keys[last] as number;
  const lastNode = nodes[last] as number;
  let index = 0;
  for (;;) {
    let child = 2 * index + 1;
    if (child >= last) break;
    const right = child + 1;
    if (right < last && (keys[right] as number) < (keys[child] as number)) child = right;
    const childKey = keys[child] as number;
    if (childKey >= lastKey) break;
    keys[index] = childKey;
    nodes[index] = nodes[child] as number;
    index = child;
  }
  keys[index] = lastKey;
  nodes[index] = lastNode;
  return top;
}
