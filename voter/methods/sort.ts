import type { SortInput, SortValue } from '../../versions/contract.js';
import type {
  SortRequest, SortResponse } from '../gen/nvote/v1/compute_service.js';
import { createExactVoter } from '../vote/index.js';
import { isBigIntArray } from './guards.js';
import { defineVotedMethod, versionModule } from './voted-method.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A sorted list as the gateway holds it: a version's large answer stays the BigInt64Array it
 * crossed the thread boundary as (packed-arrays.ts `unpackResult`), a small one or a remote
 * version's is a plain array. The voter compares both by their elements.
 */
type HeldSortValue = SortValue | BigInt64Array;

export const sortMethod = defineVotedMethod<SortRequest, SortResponse, SortInput, HeldSortValue>({
  name: 'Sort',
  service: 'nvote.v1.ComputeService',
  versions: [
    versionModule('sort-merge', 'sort/merge.js'),
    versionModule('sort-heap', 'sort/heap.js'),
    versionModule('sort-radix', 'sort/radix.js'),
    versionModule('sort-typed-array', 'sort/typed-array.js'),
    // Three more teams' versions, for N = 5 or 7 where configuration asks for them: the default
    // stays N = 4, which masks one fault and, on two cores, costs what four versions cost.
    versionModule('sort-introsort', 'sort/introsort.js', { byDefault: false }),
    versionModule('sort-shell', 'sort/shell.js', { byDefault: false }),
    versionModule('sort-tree', 'sort/tree.js', { byDefault: false }),
  ],
  voters: { exact: () => createExactVoter() },
  defaultVoter: 'exact',
  defaultTolerance: { relative: 0, absolute: 0 },
  toInput: request => ({ values: request.values }),
  // Every BigInt64Array element is an int64 by construction.
  isValue: (value): value is HeldSortValue =>
    value instanceof BigInt64Array || (isBigIntArray(value) && value.every(item => item >= INT64_MIN && item <= INT64_MAX)),
  toResponse: value => ({ values: Array.isArray(value) ? value : plainOf(value) }),
  fromResponse: response => response.values,
  // One element off by a little: the kind of slip a sort bug makes. Independent faults pick
  // their own element and amount, so two of them rarely agree by chance.
  wrongValue: (value, _input, random) => {
    if (value.length === 0) return [0n];
    const wrong = [...value];
    const index = random.int(0, wrong.length - 1);
    const item = wrong[index] as bigint;
    const delta = BigInt(random.int(1, 1_000));
    wrong[index] = item > INT64_MAX - delta ? item - delta : item + delta;
    return wrong;
  },
  knownAnswer: { request: { values: [3n, -1n, 2n, -1n, INT64_MAX, INT64_MIN] }, expected: [INT64_MIN, -1n, -1n, 2n, 3n, INT64_MAX] },
});

/** The values of a BigInt64Array as a plain array, for the response (a loop: Array.from is slower). */
function plainOf(values: BigInt64Array): bigint[] {
  const plain: bigint[] = new Array(values.length);
  for (let index = 0; index < values.length; index++) plain[index] = values[index] as bigint;
  return plain;
}
