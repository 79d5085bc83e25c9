import type { SortRequest, SortResponse } from '../../../voter/gen/nvote/v1/compute_service.js';
import type { SeededRandom } from '../seeded-random.js';
import type { Workload } from '../workload.js';

const MAX_VALUES = 200;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Up to 200 signed 64-bit values; the reference is a plain comparison sort of a copy. */
export const sortWorkload: Workload<SortRequest, SortResponse> = {
  method: 'Sort',
  generate(random) {
    const values = generateValues(random);
    const expected = [...values].sort(compareBigInt);
    return {
      request: { values },
      expected: expected.map(String),
      isCorrect: response =>
        response.values.length === expected.length && response.values.every((value, i) => value === expected[i]),
    };
  },
};

function generateValues(random: SeededRandom): bigint[] {
  const values: bigint[] = [];
  const length = random.int(1, MAX_VALUES);
  while (values.length < length) values.push(generateValue(random, values));
  // Already ordered and reversed inputs are the classic worst cases of naive pivots and merges.
  const layout = random.next();
  if (layout < 0.1) values.sort(compareBigInt);
  else if (layout < 0.2) values.sort((a, b) => compareBigInt(b, a));
  return values;
}

function generateValue(random: SeededRandom, earlier: readonly bigint[]): bigint {
  const kind = random.next();
  if (kind < 0.35) return BigInt(random.int(-50, 50));
  if (kind < 0.5 && earlier.length > 0) return random.pick(earlier);
  if (kind < 0.75) return BigInt(random.int(-(2 ** 31), 2 ** 31 - 1));
  if (kind < 0.93) return BigInt.asIntN(64, (BigInt(random.int(0, 2 ** 32 - 1)) << 32n) | BigInt(random.int(0, 2 ** 32 - 1)));
  // The extremes catch versions that go through doubles or 63-bit arithmetic.
  const offset = BigInt(random.int(0, 3));
  return random.next() < 0.5 ? INT64_MIN + offset : INT64_MAX - offset;
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
