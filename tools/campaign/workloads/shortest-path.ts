import type { Edge, ShortestPathRequest, ShortestPathResponse } from '../../../voter/gen/nvote/v1/compute_service.js';
import type { SeededRandom } from '../seeded-random.js';
import type { CampaignCase, Workload } from '../workload.js';

const MIN_NODES = 2;
const MAX_NODES = 12;
const MAX_EDGES_PER_NODE = 3;
// Halves up to 10: every path sum is exact in a double, so only a wrong path can miss.
const MAX_HALF_WEIGHTS = 20;
const TOLERANCE = 1e-9;

/**
 * Small random digraphs with self-loops, parallel and zero-weight edges; the reference distance
 * comes from Floyd-Warshall, and any response path is checked edge by edge rather than compared.
 */
export const shortestPathWorkload: Workload<ShortestPathRequest, ShortestPathResponse> = {
  method: 'ShortestPath',
  generate: random => shortestPathCase(generateRequest(random)),
};

/** The reference answer and checker for any valid request, generated or hand-written. */
export function shortestPathCase(request: ShortestPathRequest): CampaignCase<ShortestPathRequest, ShortestPathResponse> {
  const { nodeCount, source, target } = request;
  const lightest = lightestEdges(nodeCount, request.edges);
  const distances = allPairsDistances(nodeCount, lightest);
  const distance = distances[source * nodeCount + target] ?? Infinity;
  const reachable = Number.isFinite(distance);
  const path = reachable ? shortestPath(nodeCount, lightest, distances, source, target) : [];
  const close = (value: number): boolean => Math.abs(value - distance) <= TOLERANCE * Math.max(distance, 1);
  return {
    request,
    expected: { reachable, distance: reachable ? distance : 0, path },
    isCorrect(response) {
      if (response.reachable !== reachable) return false;
      if (!reachable) return response.distance === 0 && response.path.length === 0;
      const weight = pathWeight(nodeCount, lightest, source, target, response.path);
      return close(response.distance) && weight !== undefined && close(weight);
    },
  };
}

function generateRequest(random: SeededRandom): ShortestPathRequest {
  const nodeCount = random.int(MIN_NODES, MAX_NODES);
  const node = (): number => random.int(0, nodeCount - 1);
  const edges: Edge[] = Array.from({ length: random.int(0, MAX_EDGES_PER_NODE * nodeCount) }, () => ({
    from: node(),
    to: node(),
    weight: random.next() < 0.1 ? 0 : random.int(0, MAX_HALF_WEIGHTS) / 2,
  }));
  const source = node();
  const target = random.next() < 0.1 ? source : (source + random.int(1, nodeCount - 1)) % nodeCount;
  return { nodeCount, edges, source, target };
}

/** Row-major nodeCount x nodeCount weights of the lightest edge from i to j, Infinity if none. */
function lightestEdges(nodeCount: number, edges: readonly Edge[]): Float64Array {
  const lightest = new Float64Array(nodeCount * nodeCount).fill(Infinity);
  for (const { from, to, weight } of edges) {
    lightest[from * nodeCount + to] = Math.min(lightest[from * nodeCount + to] ?? Infinity, weight);
  }
  return lightest;
}

function allPairsDistances(nodeCount: number, lightest: Float64Array): Float64Array {
  const distances = Float64Array.from(lightest);
  for (let i = 0; i < nodeCount; i += 1) distances[i * nodeCount + i] = 0;
  for (let k = 0; k < nodeCount; k += 1) {
    for (let i = 0; i < nodeCount; i += 1) {
      for (let j = 0; j < nodeCount; j += 1) {
        const through = (distances[i * nodeCount + k] ?? Infinity) + (distances[k * nodeCount + j] ?? Infinity);
        if (through < (distances[i * nodeCount + j] ?? Infinity)) distances[i * nodeCount + j] = through;
      }
    }
  }
  return distances;
}

/**
 * One simple shortest path, by depth-first search over edges that stay on some shortest walk
 * (prefix + edge + rest == distance); weights are non-negative, so a simple one exists.
 */
function shortestPath(
  nodeCount: number,
  lightest: Float64Array,
  distances: Float64Array,
  source: number,
  target: number,
): number[] {
  const distance = distances[source * nodeCount + target] ?? Infinity;
  const path = [source];
  const onPath = new Set(path);
  const search = (node: number, sum: number): boolean => {
    if (node === target) return true;
    for (let next = 0; next < nodeCount; next += 1) {
      const weight = lightest[node * nodeCount + next] ?? Infinity;
      const rest = distances[next * nodeCount + target] ?? Infinity;
      if (onPath.has(next) || sum + weight + rest !== distance) continue;
      path.push(next);
      onPath.add(next);
      if (search(next, sum + weight)) return true;
      path.pop();
      onPath.delete(next);
    }
    return false;
  };
  return search(source, 0) ? path : [];
}

/** The weight of a valid simple source-to-target path, undefined for anything else. */
function pathWeight(
  nodeCount: number,
  lightest: Float64Array,
  source: number,
  target: number,
  path: readonly number[],
): number | undefined {
  if (path[0] !== source || path.at(-1) !== target) return undefined;
  if (!path.every(node => Number.isInteger(node) && node >= 0 && node < nodeCount)) return undefined;
  if (new Set(path).size !== path.length) return undefined;
  let sum = 0;
  for (let i = 1; i < path.length; i += 1) {
    sum += lightest[(path[i - 1] ?? 0) * nodeCount + (path[i] ?? 0)] ?? Infinity;
  }
  return Number.isFinite(sum) ? sum : undefined;
}
