import type { Edge, ShortestPathInput, ShortestPathValue, VersionResult } from '../contract.js';

const NODE_LIMIT = 10_000;
const EDGE_LIMIT = 100_000;
// SPEC ShortestPath rule 2: with weights up to this bound no simple path's sum can overflow.
const WEIGHT_LIMIT = 1e300;
const NO_NODE = -1;
const NO_ENTRY = -1;
// SPFA's allowance of queue pops plus edge scans, linear in the graph size. Random and grid
// graphs at the limits were measured at a quarter to two thirds of it; adversaries exceed it.
const WORK_PER_EDGE = 8;
const WORK_PER_NODE = 2;

/**
 * Queue-based Bellman-Ford (SPFA with Small Label First): only nodes whose distance just
 * improved are queued to relax their out-edges; a predecessor array rebuilds the path.
 * Every queue discipline has inputs that make it quadratic, so SPFA gets a linear work budget;
 * past it, the labels it has reached are finished by Dijkstra over a radix heap.
 */
export default function shortestPathBellmanFord(
  input: ShortestPathInput,
): VersionResult<ShortestPathValue> {
  return shortestPathWithWorkBudget(input).result;
}

/**
 * Work done, so tests can check the bounds: `correcting` counts SPFA's queue pops plus edge
 * scans; `setting` counts the fallback's heap entry visits (filings, scans for the least, pops).
 */
export interface WorkTally {
  correcting: number;
  setting: number;
}

/** The answer, whether the label-setting fallback had to finish it, and the work done. */
export interface TracedAnswer {
  result: VersionResult<ShortestPathValue>;
  fellBack: boolean;
  work: WorkTally;
}

/**
 * The version with its SPFA work budget exposed, so tests can force the fallback at any point
 * (0 hands over before the first pop) or forbid it (Infinity). Without a budget: the default.
 */
export function shortestPathWithWorkBudget(input: ShortestPathInput, workBudget?: number): TracedAnswer {
  const work: WorkTally = { correcting: 0, setting: 0 };
  const refusal = firstBrokenRule(input);
  if (refusal !== null) return { result: { kind: 'domain_error', reason: refusal }, fellBack: false, work };

  const { nodeCount, edges, source, target } = input;
  // SPEC rule 3: the one-node path at distance 0, whatever edges leave the source.
  if (source === target) {
    const value = { reachable: true, distance: 0, path: [source] };
    return { result: { kind: 'value', value }, fellBack: false, work };
  }

  const budget = workBudget ?? WORK_PER_EDGE * edges.length + WORK_PER_NODE * nodeCount;
  const { predecessor, fellBack } = relaxFromSource(nodeCount, edges, source, budget, work);
  if (predecessor[target] === NO_NODE) {
    return { result: { kind: 'value', value: { reachable: false, distance: 0, path: [] } }, fellBack, work };
  }
  const path = rebuildPath(predecessor, source, target);
  const distance = pathWeight(path, edges, nodeCount);
  return { result: { kind: 'value', value: { reachable: true, distance, path } }, fellBack, work };
}

/**
 * The reason code of the first SPEC ShortestPath rule (1, then 2) that the input breaks, or
 * null if it breaks none. The scalar fields are judged before any edge, then the edges in order.
 */
function firstBrokenRule(input: ShortestPathInput): 'TOO_LARGE' | 'INVALID_GRAPH' | null {
  const { nodeCount, edges, source, target } = input;

  // Rule 1: "nodeCount > 10,000 or more than 100,000 edges".
  if (nodeCount > NODE_LIMIT) return 'TOO_LARGE';
  if (edges.length > EDGE_LIMIT) return 'TOO_LARGE';

  // Rule 2, scalar clauses: "nodeCount == 0", "source or target not below nodeCount".
  // Written as !(id < nodeCount) so that anything not comparable is refused too.
  if (nodeCount === 0) return 'INVALID_GRAPH';
  if (!(source < nodeCount)) return 'INVALID_GRAPH';
  if (!(target < nodeCount)) return 'INVALID_GRAPH';

  // Rule 2, edge clauses: "an edge endpoint not below nodeCount", then the three weight clauses.
  for (let index = 0; index < edges.length; index++) {
    const { from, to, weight } = edges[index]!;
    if (!(from < nodeCount) || !(to < nodeCount)) return 'INVALID_GRAPH';
    // "negative": -0 < 0 is false, so -0 is kept, as the SPEC says.
    if (weight < 0) return 'INVALID_GRAPH';
    // "not finite (NaN, ±Infinity)".
    if (!Number.isFinite(weight)) return 'INVALID_GRAPH';
    // "greater than 1e300" (1e300 itself is allowed).
    if (weight > WEIGHT_LIMIT) return 'INVALID_GRAPH';
  }
  return null;
}

/** Out-edges of node v are at offsets[v] .. offsets[v + 1] - 1 of heads and weights. */
interface Adjacency {
  offsets: Int32Array;
  heads: Int32Array;
  weights: Float64Array;
}

/** Tentative labels; reachability has its own flag, so it never depends on a sum staying finite. */
interface Labels {
  distance: Float64Array;
  reached: Uint8Array;
  predecessor: Int32Array;
}

/**
 * Returns each node's predecessor on a shortest path (NO_NODE if unreached), and whether SPFA
 * ran out of budget and the radix-heap Dijkstra finished the job.
 *
 * Why the predecessor graph is a tree rooted at source, even in floating point with zero
 * weights, whichever phase relaxes an edge: a node is first reached before it has any children,
 * and afterwards its distance is only replaced on a strict decrease; for w >= 0,
 * fl(d + w) >= d. Hence dist[v] >= dist[pred[v]] always holds (pred's distance can only fall
 * later). If setting pred[v] = u on a decrease closed a cycle v -> ... -> u, then
 * dist[u] >= old dist[v], so the new dist[v] = fl(dist[u] + w) >= old dist[v], contradicting the
 * strict decrease. The source is reached first at 0 and can never strictly decrease, so it
 * never gets a predecessor.
 *
 * Why the answer is the same optimum either way: both phases end at labels where no edge can
 * strictly improve its head (see settleLabels), and since fl(a + w) is monotone in a, such a
 * label is at most the in-order floating-point sum of every path to that node, while being
 * that sum along its own tree path: the minimum, bit for bit, whichever phase finished.
 */
function relaxFromSource(
  nodeCount: number,
  edges: readonly Edge[],
  source: number,
  workBudget: number,
  work: WorkTally,
): { predecessor: Int32Array; fellBack: boolean } {
  const graph = buildAdjacency(nodeCount, edges);
  const labels: Labels = {
    distance: new Float64Array(nodeCount),
    reached: new Uint8Array(nodeCount),
    predecessor: new Int32Array(nodeCount).fill(NO_NODE),
  };
  labels.reached[source] = 1;
  const unfinished = correctLabels(graph, labels, source, workBudget, work);
  if (unfinished === null) return { predecessor: labels.predecessor, fellBack: false };
  settleLabels(graph, labels, unfinished, work);
  return { predecessor: labels.predecessor, fellBack: true };
}

function buildAdjacency(nodeCount: number, edges: readonly Edge[]): Adjacency {
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
  return { offsets, heads, weights };
}

/**
 * SPFA from source (already reached at +0). Returns null when the queue runs dry, or, once the
 * pops plus edge scans reach workBudget, the nodes still queued: every other reached node has
 * already relaxed its out-edges at its current label, so only these need scanning again.
 */
function correctLabels(
  graph: Adjacency,
  labels: Labels,
  source: number,
  workBudget: number,
  tally: WorkTally,
): Int32Array | null {
  const { offsets, heads, weights } = graph;
  const { distance, reached, predecessor } = labels;
  const nodeCount = distance.length;
  const queued = new Uint8Array(nodeCount);
  // Each node is in the queue at most once at a time, so a ring of nodeCount slots suffices.
  const ring = new Int32Array(nodeCount);
  let front = 0;
  let queueLength = 1;
  ring[0] = source;
  queued[source] = 1;
  let work = 0;
  while (queueLength > 0) {
    if (work >= workBudget) {
      const pending = new Int32Array(queueLength);
      for (let i = 0; i < queueLength; i++) pending[i] = ring[(front + i) % nodeCount]!;
      tally.correcting = work;
      return pending;
    }
    const u = ring[front]!;
    front = front + 1 === nodeCount ? 0 : front + 1;
    queueLength--;
    queued[u] = 0;
    const base = distance[u]!;
    const end = offsets[u + 1]!;
    work += 1 + end - offsets[u]!;
    for (let slot = offsets[u]!; slot < end; slot++) {
      const v = heads[slot]!;
      const candidate = base + weights[slot]!;
      if (reached[v] === 0 || candidate < distance[v]!) {
        reached[v] = 1;
        distance[v] = candidate;
        predecessor[v] = u;
        if (queued[v] === 0) {
          queued[v] = 1;
          // Small Label First: a node that now beats the head of the queue goes in front of it.
          // This spares the ~nodeCount FIFO passes of shortcuts rising along a chain; it is only
          // a heuristic: a zero-label node queued ahead of that chain brings the passes back.
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
  tally.correcting = work;
  return null;
}

/**
 * Dijkstra from the labels SPFA left, over a radix heap keyed by the IEEE-754 bits of the
 * labels: non-negative doubles order like their bit patterns read as unsigned 64-bit integers.
 *
 * A radix heap needs every key inserted to be at least the last key extracted; here it is,
 * because fl(d + w) >= d for w >= 0. For the same reason a node extracted at label L can never
 * strictly improve afterwards (every later label is >= L), so it is settled once, scans its
 * out-edges once at its final label, and the heap holds at most pending.length + E entries.
 * Each entry only moves to lower buckets, at most 64 times, and is visited twice per move (the
 * scan for the least, then the refiling), so there are at most 130 (V + E) visits in all.
 */
function settleLabels(graph: Adjacency, labels: Labels, pending: Int32Array, tally: WorkTally): void {
  const { offsets, heads, weights } = graph;
  const { distance, reached, predecessor } = labels;
  const settled = new Uint8Array(distance.length);

  const capacity = pending.length + heads.length;
  const entryNode = new Int32Array(capacity);
  const entryLabel = new Float64Array(capacity);
  const entryHigh = new Uint32Array(capacity);
  const entryLow = new Uint32Array(capacity);
  const entryNext = new Int32Array(capacity);
  let entryCount = 0;
  // Bucket 0 holds keys equal to the last extracted key; bucket b > 0 the keys whose highest
  // bit differing from it is bit b - 1. Singly linked lists through entryNext.
  const bucketHead = new Int32Array(65).fill(NO_ENTRY);
  // The last extracted key starts as the bits of +0, below every label.
  let lastHigh = 0;
  let lastLow = 0;
  const bits = new DataView(new ArrayBuffer(8));
  let visits = 0;

  const file = (entry: number): void => {
    visits++;
    const highDiff = entryHigh[entry]! ^ lastHigh;
    const lowDiff = entryLow[entry]! ^ lastLow;
    let bucket = 0;
    if (highDiff !== 0) bucket = 64 - Math.clz32(highDiff);
    else if (lowDiff !== 0) bucket = 32 - Math.clz32(lowDiff);
    entryNext[entry] = bucketHead[bucket]!;
    bucketHead[bucket] = entry;
  };
  const insert = (node: number, label: number): void => {
    const entry = entryCount++;
    // Adding +0 turns a -0 (whose sign bit would sort it last) into +0 and changes nothing else.
    bits.setFloat64(0, label + 0, true);
    entryNode[entry] = node;
    entryLabel[entry] = label;
    entryLow[entry] = bits.getUint32(0, true);
    entryHigh[entry] = bits.getUint32(4, true);
    file(entry);
  };
  // An entry goes stale when its node improves (a newer entry exists) or is settled.
  const isLive = (entry: number): boolean => {
    const node = entryNode[entry]!;
    return settled[node] === 0 && entryLabel[entry] === distance[node];
  };
  const extractLeast = (): number => {
    for (;;) {
      for (let entry = bucketHead[0]!; entry !== NO_ENTRY; entry = bucketHead[0]!) {
        visits++;
        bucketHead[0] = entryNext[entry]!;
        if (isLive(entry)) return entry;
      }
      let bucket = 1;
      while (bucket < 65 && bucketHead[bucket] === NO_ENTRY) bucket++;
      if (bucket === 65) return NO_ENTRY;
      let least = NO_ENTRY;
      for (let entry = bucketHead[bucket]!; entry !== NO_ENTRY; entry = entryNext[entry]!) {
        visits++;
        if (isLive(entry) && (least === NO_ENTRY || entryLabel[entry]! < entryLabel[least]!)) least = entry;
      }
      let entry = bucketHead[bucket]!;
      bucketHead[bucket] = NO_ENTRY;
      if (least === NO_ENTRY) continue;
      // With the least key as reference, every other key here agrees with it above bit
      // bucket - 1, so each live entry refiles into a strictly lower bucket.
      lastHigh = entryHigh[least]!;
      lastLow = entryLow[least]!;
      while (entry !== NO_ENTRY) {
        const next = entryNext[entry]!;
        if (isLive(entry)) file(entry);
        entry = next;
      }
    }
  };

  for (const node of pending) insert(node, distance[node]!);
  for (let entry = extractLeast(); entry !== NO_ENTRY; entry = extractLeast()) {
    const u = entryNode[entry]!;
    settled[u] = 1;
    const base = distance[u]!;
    const end = offsets[u + 1]!;
    for (let slot = offsets[u]!; slot < end; slot++) {
      const v = heads[slot]!;
      // A settled head cannot improve (its label is <= base <= the candidate); skipping it
      // keeps the heap within its capacity by construction.
      if (settled[v] !== 0) continue;
      const candidate = base + weights[slot]!;
      if (reached[v] === 0 || candidate < distance[v]!) {
        reached[v] = 1;
        distance[v] = candidate;
        predecessor[v] = u;
        insert(v, candidate);
      }
    }
  }
  tally.setting = visits;
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
