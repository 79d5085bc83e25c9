import type { Edge, ShortestPathInput, ShortestPathValue, VersionResult } from '../contract.js';

const MAX_NODES = 10_000;
const MAX_EDGES = 100_000;
const NO_PREDECESSOR = -1;

/** Outgoing edges of every node in compressed sparse row form. */
interface AdjacencyRows {
  /** Edges of node v are at positions rowStart[v] .. rowStart[v + 1] - 1. */
  readonly rowStart: Int32Array;
  readonly heads: Int32Array;
  readonly weights: Float64Array;
}

/**
 * Dijkstra's algorithm with a lazy-deletion binary min-heap over (distance, node) pairs,
 * a CSR adjacency and a predecessor array to rebuild the path.
 */
export default function dijkstra(input: ShortestPathInput): VersionResult<ShortestPathValue> {
  const { nodeCount, edges, source, target } = input;
  if (nodeCount > MAX_NODES || edges.length > MAX_EDGES) {
    return { kind: 'domain_error', reason: 'TOO_LARGE' };
  }
  if (!isValidGraph(nodeCount, edges, source, target)) {
    return { kind: 'domain_error', reason: 'INVALID_GRAPH' };
  }
  if (source === target) {
    return { kind: 'value', value: { reachable: true, distance: 0, path: [source] } };
  }

  const adjacency = buildAdjacency(nodeCount, edges);
  const distance = new Float64Array(nodeCount);
  // A separate flag rather than an Infinity sentinel: a finite-weight path whose sum
  // overflows to Infinity still reaches its end node.
  const reached = new Uint8Array(nodeCount);
  const settled = new Uint8Array(nodeCount);
  const predecessor = new Int32Array(nodeCount).fill(NO_PREDECESSOR);
  // Each successful relaxation pushes once, plus the source: at most edges + 1 entries.
  const heap = createHeap(edges.length + 1);

  reached[source] = 1;
  distance[source] = 0;
  heapPush(heap, 0, source);

  while (heap.size > 0) {
    const node = heapPopNode(heap);
    if (settled[node] === 1) continue;
    settled[node] = 1;
    if (node === target) break;
    const nodeDistance = distance[node] as number;
    const end = adjacency.rowStart[node + 1] as number;
    for (let slot = adjacency.rowStart[node] as number; slot < end; slot++) {
      const head = adjacency.heads[slot] as number;
      if (settled[head] === 1) continue;
      const candidate = nodeDistance + (adjacency.weights[slot] as number);
      if (reached[head] === 0 || candidate < (distance[head] as number)) {
        reached[head] = 1;
        distance[head] = candidate;
        predecessor[head] = node;
        heapPush(heap, candidate, head);
      }
    }
  }

  if (reached[target] === 0) {
    return { kind: 'value', value: { reachable: false, distance: 0, path: [] } };
  }
  return {
    kind: 'value',
    value: { reachable: true, distance: distance[target] as number, path: rebuildPath(predecessor, target) },
  };
}

function isValidGraph(nodeCount: number, edges: readonly Edge[], source: number, target: number): boolean {
  if (nodeCount === 0 || source >= nodeCount || target >= nodeCount) return false;
  for (const edge of edges) {
    if (edge.from >= nodeCount || edge.to >= nodeCount) return false;
    // -0 < 0 is false, so -0 passes as required; NaN fails Number.isFinite.
    if (!Number.isFinite(edge.weight) || edge.weight < 0) return false;
  }
  return true;
}

function buildAdjacency(nodeCount: number, edges: readonly Edge[]): AdjacencyRows {
  const rowStart = new Int32Array(nodeCount + 1);
  for (const edge of edges) {
    rowStart[edge.from + 1] = (rowStart[edge.from + 1] as number) + 1;
  }
  for (let node = 0; node < nodeCount; node++) {
    rowStart[node + 1] = (rowStart[node + 1] as number) + (rowStart[node] as number);
  }
  const nextFree = rowStart.slice(0, nodeCount);
  const heads = new Int32Array(edges.length);
  const weights = new Float64Array(edges.length);
  for (const edge of edges) {
    const slot = nextFree[edge.from] as number;
    nextFree[edge.from] = slot + 1;
    heads[slot] = edge.to;
    weights[slot] = edge.weight;
  }
  return { rowStart, heads, weights };
}

/**
 * Predecessors always point to a node settled earlier (a settled node is never relaxed
 * again), so following them from the target ends at the source without repeating a node.
 */
function rebuildPath(predecessor: Int32Array, target: number): number[] {
  const path: number[] = [];
  for (let node = target; node !== NO_PREDECESSOR; node = predecessor[node] as number) {
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
