import type { StatisticsRequest, StatisticsResponse } from '../../../voter/gen/nvote/v1/compute_service.js';
import type { SeededRandom } from '../seeded-random.js';
import type { Workload } from '../workload.js';

const MAX_VALUES = 100;
// A large offset with a small spread is where the one-pass sum-of-squares formula falls apart.
const OFFSETS = [0, 0, 1e6, -1e6, 1e9] as const;
const SPREADS = [3, 100, 1000] as const;
// All-equal samples must give exactly their value and a zero variance.
const ALL_EQUAL_CHANCE = 0.08;
const RELATIVE_TOLERANCE = 1e-9;
const ABSOLUTE_TOLERANCE = 1e-12;

interface Summary {
  readonly mean: number;
  readonly variance: number;
  readonly stddev: number;
  readonly min: number;
  readonly max: number;
  readonly median: number;
}
const FIELDS = ['mean', 'variance', 'stddev', 'min', 'max', 'median'] as const satisfies readonly (keyof Summary)[];

/**
 * Values are offset + k / scale for integers k, so every value is an exact double and the
 * summary is computed exactly over the integers offset * scale + k, rounded once at the end.
 */
export const statisticsWorkload: Workload<StatisticsRequest, StatisticsResponse> = {
  method: 'Statistics',
  generate(random) {
    const scale = random.pick([1, 2]);
    const units = generateUnits(random, scale);
    const summary = summarise(units, BigInt(scale));
    const count = BigInt(units.length);
    return {
      request: { values: units.map(unit => Number(unit) / scale) },
      expected: { count: String(count), ...summary },
      isCorrect: response =>
        response.count === count && FIELDS.every(field => isClose(response[field], summary[field])),
    };
  },
};

function generateUnits(random: SeededRandom, scale: number): bigint[] {
  const offset = BigInt(random.pick(OFFSETS) * scale);
  const spread = random.next() < ALL_EQUAL_CHANCE ? 0 : random.pick(SPREADS) * scale;
  return Array.from({ length: random.int(1, MAX_VALUES) }, () => offset + BigInt(random.int(-spread, spread)));
}

/** The summary of units / scale from exact rational arithmetic. */
function summarise(units: readonly bigint[], scale: bigint): Summary {
  const n = BigInt(units.length);
  const sum = units.reduce((acc, unit) => acc + unit, 0n);
  const sumOfSquares = units.reduce((acc, unit) => acc + unit * unit, 0n);
  const variance = n === 1n ? 0 : ratio(n * sumOfSquares - sum * sum, n * (n - 1n) * scale * scale);
  const sorted = [...units].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = units.length >> 1;
  const upper = sorted[middle] ?? 0n;
  const median = units.length % 2 === 1 ? ratio(upper, scale) : ratio((sorted[middle - 1] ?? 0n) + upper, 2n * scale);
  return {
    mean: ratio(sum, n * scale),
    variance,
    stddev: Math.sqrt(variance),
    min: ratio(sorted[0] ?? 0n, scale),
    max: ratio(sorted.at(-1) ?? 0n, scale),
    median,
  };
}

/** Three roundings at most (each operand, then the quotient): a few ulps, far inside the tolerance. */
function ratio(numerator: bigint, denominator: bigint): number {
  return Number(numerator) / Number(denominator);
}

function isClose(got: number, expected: number): boolean {
  const error = Math.abs(got - expected);
  return Number.isFinite(got) && (error <= ABSOLUTE_TOLERANCE || error <= RELATIVE_TOLERANCE * Math.abs(expected));
}
