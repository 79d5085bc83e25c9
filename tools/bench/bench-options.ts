import { parseArgs } from 'node:util';

/** The rows of the report, in the order they run and print. */
export const SECTIONS = ['closed', 'open', 'hung', 'statistics', 'rss', 'versions', 'payload'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  /** Measured time of one round (ms). */
  readonly durationMs: number;
  /** Unrecorded load before each measured round (ms). */
  readonly warmupMs: number;
  /** Rounds per compared pair, in ABBA order. */
  readonly rounds: number;
  /** Measured Statistics calls of 1,000,000 values (after one unrecorded call). */
  readonly statisticsCalls: number;
  readonly only: ReadonlySet<Section>;
}

export const DEFAULTS = {
  durationMs: 2_000, // ms
  warmupMs: 500, // ms
  rounds: 2, // rounds per pair
  statisticsCalls: 7, // calls
} as const;

export const BENCH_USAGE = `usage: node dist/tools/bench/compare.js [--duration-ms N] [--warmup-ms N] [--rounds N] [--statistics-calls N] [--only SECTIONS]
  --duration-ms       measured time of each round (default ${DEFAULTS.durationMs})
  --warmup-ms         unrecorded load before each measured round (default ${DEFAULTS.warmupMs})
  --rounds            rounds of each compared pair, in ABBA order (default ${DEFAULTS.rounds})
  --statistics-calls  measured Statistics calls of 1,000,000 values (default ${DEFAULTS.statisticsCalls})
  --only              comma-separated sections to run (default all): ${SECTIONS.join(',')}
      closed      closed loop, Sort of 16 values, c=1 and c=64, plain vs nvote
      open        open loop at 50% and 80% of the plain server's closed-loop c=64 rate
      hung        one Sort version permanently hung (fault injection), c=16, vs fault-free
      statistics  Statistics of 1,000,000 doubles, c=1, against the versions' compute bound
      rss         the gateway's idle RSS, and after the load sections
      versions    closed loop c=64 with 3, 5 and 7 Sort versions
      payload     closed loop c=16, Sort of 10, 1,000 and 100,000 values
  exit status: 0 every section measured (targets met or not), 1 a section could not be measured, 2 bad usage`;

/** The options, or every problem with the arguments at once. */
export function parseBenchOptions(argv: readonly string[]): { options: BenchOptions; help: boolean } | { problems: string[] } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'duration-ms': { type: 'string' },
        'warmup-ms': { type: 'string' },
        rounds: { type: 'string' },
        'statistics-calls': { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The old bench's flags: its table had free levels, this one's rows are fixed.
    const retired = /'--(concurrency|values)'/.exec(message);
    return {
      problems: [retired === null ? message : `--${retired[1]} is gone: every row of the report has its own fixed levels (see --only to run fewer)`],
    };
  }
  const problems: string[] = [];
  const integer = (flag: string, text: string | undefined, fallback: number, min: number, max: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`--${flag}: "${text}" is not an integer from ${min} to ${max}`);
    }
    return value;
  };
  const only = new Set<Section>();
  if (values.only === undefined) {
    for (const section of SECTIONS) only.add(section);
  } else {
    for (const name of values.only.split(',').map(part => part.trim())) {
      if ((SECTIONS as readonly string[]).includes(name)) only.add(name as Section);
      else problems.push(`--only: "${name}" is not a section (${SECTIONS.join(', ')})`);
    }
  }
  const options: BenchOptions = {
    durationMs: integer('duration-ms', values['duration-ms'], DEFAULTS.durationMs, 100, 600_000),
    warmupMs: integer('warmup-ms', values['warmup-ms'], DEFAULTS.warmupMs, 0, 600_000),
    rounds: integer('rounds', values.rounds, DEFAULTS.rounds, 1, 20),
    statisticsCalls: integer('statistics-calls', values['statistics-calls'], DEFAULTS.statisticsCalls, 1, 1_000),
    only,
  };
  return problems.length > 0 ? { problems } : { options, help: values.help === true };
}
