import type { ShortestPathInput, ShortestPathValue } from '../../versions/contract.js';
import type {
  ShortestPathRequest,
  ShortestPathResponse,
} from '../gen/nvote/v1/compute_service.js';
import { createShortestPathVoter } from '../vote/index.js';
import { isNumber, isRecord, isUint32Array } from './guards.js';
import { defineVotedMethod, versionModule } from './voted-method.js';

export const shortestPathMethod = defineVotedMethod<
  ShortestPathRequest,
  ShortestPathResponse,
  ShortestPathInput,
  ShortestPathValue
>({
  name: 'ShortestPath',
  service: 'nvote.v1.ComputeService',
  versions: [
    versionModule('shortest-path-dijkstra', 'shortest-path/dijkstra.js'),
    versionModule('shortest-path-bellman-ford', 'shortest-path/bellman-ford.js'),
    versionModule('shortest-path-bidirectional', 'shortest-path/bidirectional.js'),
  ],
  voters: { 'shortest-path': tolerance => createShortestPathVoter(tolerance) },
  defaultVoter: 'shortest-path',
  defaultTolerance: { relative: 1e-9, absolute: 0 },
  toInput: request => ({
    nodeCount: request.nodeCount,
    edges: request.edges.map(({ from, to, weight }) => ({ from, to, weight })),
    source: request.source,
    target: request.target,
  }),
  isValue: (value): value is ShortestPathValue =>
    isRecord(value) &&
    typeof value['reachable'] === 'boolean' &&
    isNumber(value['distance']) &&
    isUint32Array(value['path']),
  toResponse: value => ({ reachable: value.reachable, distance: value.distance, path: value.path }),
  fromResponse: response => ({ reachable: response.reachable, distance: response.distance, path: response.path }),
  // A reachable target reported unreachable: a search that stopped early. The converse (a path
  // that does not exist) is refused by the voter's path check before it can vote.
  wrongValue: (value, input) =>
    value.reachable
      ? { reachable: false, distance: 0, path: [] }
      : { reachable: true, distance: 1, path: [input.source, input.target] },
  knownAnswer: {
    request: {
      nodeCount: 4,
      edges: [
        { from: 0, to: 1, weight: 1 },
        { from: 1, to: 2, weight: 1 },
        { from: 0, to: 2, weight: 5 },
        { from: 2, to: 3, weight: 0.5 },
      ],
      source: 0,
      target: 3,
    },
    expected: { reachable: true, distance: 2.5, path: [0, 1, 2, 3] },
  },
});
