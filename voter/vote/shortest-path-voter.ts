import type { ShortestPathInput, ShortestPathValue } from '../../versions/contract.js';
import { withinTolerance, type Tolerance } from './tolerance.js';
import type { Voter } from './voter.js';

/**
 * Several paths can be equally short, so paths are not compared directly: two answers agree
 * when reachability matches and the distances agree within the tolerance. Every path is checked
 * against the graph first (starts at source, ends at target, repeats no node, uses real edges
 * whose weights sum to the distance); a path that fails is a disagreeing ballot. The returned
 * answer is the agreeing one with the fewest nodes, then the lexicographically smallest path.
 */
export function createShortestPathVoter(
  tolerance: Tolerance,
): Voter<ShortestPathInput, ShortestPathValue> {
  const lightestEdges = new WeakMap<ShortestPathInput, Map<number, number>>();
  const edgesOf = (input: ShortestPathInput): Map<number, number> => {
    let edges = lightestEdges.get(input);
    if (edges === undefined) {
      edges = new Map();
      for (const { from, to, weight } of input.edges) {
        const key = from * input.nodeCount + to;
        const known = edges.get(key);
        if (known === undefined || weight < known) edges.set(key, weight);
      }
      lightestEdges.set(input, edges);
    }
    return edges;
  };

  return {
    isAcceptable(value, input) {
      if (!Number.isFinite(value.distance) || value.distance < 0) return false;
      if (!value.reachable) return value.path.length === 0 && value.distance === 0;
      const { path } = value;
      if (path[0] !== input.source || path[path.length - 1] !== input.target) return false;
      if (new Set(path).size !== path.length) return false;
      const edges = edgesOf(input);
      let sum = 0;
      for (let i = 1; i < path.length; i++) {
        const weight = edges.get((path[i - 1] as number) * input.nodeCount + (path[i] as number));
        if (weight === undefined) return false;
        sum += weight;
      }
      return withinTolerance(sum, value.distance, tolerance);
    },
    agree: (a, b) => a.reachable === b.reachable && withinTolerance(a.distance, b.distance, tolerance),
    compare: comparePaths,
    pick(agreeing) {
      const best = [...agreeing].sort(comparePaths)[0];
      if (best === undefined) throw new RangeError('pick needs at least one answer');
      return best;
    },
  };
}

function comparePaths(a: ShortestPathValue, b: ShortestPathValue): number {
  if (a.reachable !== b.reachable) return a.reachable ? -1 : 1;
  if (a.path.length !== b.path.length) return a.path.length - b.path.length;
  for (let i = 0; i < a.path.length; i++) {
    const difference = (a.path[i] as number) - (b.path[i] as number);
    if (difference !== 0) return difference;
  }
  return a.distance - b.distance;
}
