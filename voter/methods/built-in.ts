import { evaluateMethod } from './evaluate.js';
import { factorizeMethod } from './factorize.js';
import { shortestPathMethod } from './shortest-path.js';
import { sortMethod } from './sort.js';
import { statisticsMethod } from './statistics.js';
import type { AnyVotedMethod } from './voted-method.js';

/** The RPCs of nvote.v1.ComputeService, in proto order. */
export const builtInMethods: readonly AnyVotedMethod[] = [
  sortMethod,
  factorizeMethod,
  evaluateMethod,
  shortestPathMethod,
  statisticsMethod,
];
