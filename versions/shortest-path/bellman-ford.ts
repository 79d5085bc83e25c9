import type { Edge, ShortestPathInput, ShortestPathValue, VersionResult } from '../contract.js';

const MAX_NODES = 10_000;
const MAX_EDGES = 100_000;
const NO_NODE = -1;

/**
 * Queue-based Bellman-Ford (SPFA): only nodes whose distance just improved are queued to
 * relax their out-edges; a predecessor array rebuilds the path.
 */
export default function shortestPathBellmanFord(
  input: ShortestPathInput,
): VersionResult<ShortestPathValue> {
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

  const predecessor = relaxFromSource(nodeCount, edges, source);
  if (predecessor[target] === NO_NODE) {
    return { kind: 'value', value: { reachable: false, distance: 0, path: [] } };
  }
  const path = rebuildPath(predecessor, source, target);
  return { kind: 'value', value: { reachable: true, distance: pathWeight(path, edges, nodeCount), path } };
}

function isValidGraph(
  nodeCount: number,
  edges: readonly Edge[],
  source: number,
  target: number,
): boolean {
  if (nodeCount === 0 || !(source < nodeCount) || !(target < nodeCount)) return false;
  for (const edge of edges) {
    if (!(edge.from < nodeCount) || !(edge.to < nodeCount)) return false;
    // `-0 < 0` is false, so -0 passes, as the spec requires.
    if (!Number.isFinite(edge.weight) || edge.weight < 0) return false;
  }
  return true;
}

/**
 * Runs SPFA and returns each node's predecessor on a shortest path (NO_NODE if unreached).
 *
 * Why the predecessor graph is a tree rooted at source, even in floating point with zero
 * weights: a node's distance is only replaced on a strict decrease, and for w >= 0,
 * fl(d + w) >= d. Hence dist[v] >= dist[pred[v]] always holds (pred's distance can only fall
 * later). If setting pred[v] = u closed a cycle v -> ... -> u, then dist[u] >= old dist[v],
 * so the new dist[v] = fl(dist[u] + w) >= old dist[v], contradicting the strict decrease.
 * The source starts at 0 and can never strictly decrease, so it never gets a predecessor.
 */
function relaxFromSource(nodeCount: number, edges: readonly Edge[], source: number): Int32Array {
  // Compressed adjacency: out-edges of node v are at offsets[v] .. offsets[v + 1] - 1.
  const offsets = new Int32Array(nodeCount + 1);
  for (const edge of edges) offsets[edge.from + 1]!++;
  for (let v = 0; v < nodeCount; v++) offsets[v + 1]! += offsets[v]!;
  const heads = new Int32Array(edges.length);
  const weights = new Float64Array(edges.length);
  const fill = offsets.slice(0, nodeCount);
  for (const edge of edges) {
    const slot = fill[edge.from]!++;
    heads[slot] = edge.to;
    weights[slot] = edge.weight;
  }

  const distance = new Float64Array(nodeCount).fill(Infinity);
  const predecessor = new Int32Array(nodeCount).fill(NO_NODE);
  const queued = new Uint8Array(nodeCount);
  // Each node is in the queue at most once at a time, so a ring of nodeCount slots suffices.
  const ring = new Int32Array(nodeCount);
  let front = 0;
  let queueLength = 0;

  distance[source] = 0;
  ring[0] = source;
  queued[source] = 1;
  queueLength = 1;
  while (queueLength > 0) {
    const u = ring[front]!;
    front = front + 1 === nodeCount ? 0 : front + 1;
    queueLength--;
    queued[u] = 0;
    const base = distance[u]!;
    const end = offsets[u + 1]!;
    for (let slot = offsets[u]!; slot < end; slot++) {
      const v = heads[slot]!;
      const candidate = base + weights[slot]!;
      if (candidate < distance[v]!) {
        distance[v] = candidate;
        predecessor[v] = u;
        if (queued[v] === 0) {
          queued[v] = 1;
          // Small Label First: a node that now beats the head of the queue goes in front of it.
          // Plain FIFO order can need about nodeCount passes over a graph whose shortcut weights
          // fall along a chain (seconds at the size limits); this ordering avoids that.
          if (queueLength > 0 && candidate < distance[ring[front]!]!) {
            front = front === 0 ? nodeCount - 1 : front - 1;
            ring[front] = v;
          } else {
            let back = front + queueLength;
            if (back >= nodeCount) back -= nodeCount;
            ring[back] = v;
          }
          queueLength++;
        }
      }
    }
  }
  return predecessor;
}

/** Follows predecessors back from target; target must be reached. */
function rebuildPath(predecessor: Int32Array, source: number, target: number): number[] {
  const reversed: number[] = [target];
  let node = target;
  // The predecessor graph is a tree (see relaxFromSource), so this walk reaches the source
  // in fewer than nodeCount steps; the bound merely makes a loop impossible by construction.
  for (let steps = 0; node !== source && steps < predecessor.length; steps++) {
    node = predecessor[node]!;
    reversed.push(node);
  }
  return reversed.reverse();
}

/** Sum of the path's edge weights in path order, taking the lightest of parallel edges. */
function pathWeight(path: readonly number[], edges: readonly Edge[], nodeCount: number): number {
  // The path repeats no node, so each node has at most one successor on it.
  const successor = new Int32Array(nodeCount).fill(NO_NODE);
  for (let i = 0; i + 1 < path.length; i++) successor[path[i]!] = path[i + 1]!;
  const lightest = new Float64Array(nodeCount).fill(Infinity);
  for (const edge of edges) {
    if (successor[edge.from] === edge.to && edge.weight < lightest[edge.from]!) {
      lightest[edge.from] = edge.weight;
    }
  }
  let total = 0;
  for (let i = 0; i + 1 < path.length; i++) total += lightest[path[i]!]!;
  return total;
}
