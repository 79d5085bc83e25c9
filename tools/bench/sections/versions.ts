import { best, closedLoop, measurePair, prime, SORT_16, type BenchContext, type PairedRounds } from '../bench-context.js';
import { formatCount, formatErrors, formatMs, formatRatio } from '../format.js';
import type { SectionReport } from '../section-report.js';
import { startBenchGateway, whyNotStarted } from '../start-bench-gateway.js';
import { textTable } from '../text-table.js';
import { votedVersions } from '../voted-versions.js';

/**
 * The Sort versions of each gateway in the row, one list per N: the first three, the first five,
 * all seven. sort-introsort, sort-shell and sort-tree are opt-in versions (not run by default);
 * a gateway that refuses a list (a version missing) is a row that says why.
 */
export const SORT_VERSION_LISTS: readonly (readonly string[])[] = [
  ['sort-merge', 'sort-heap', 'sort-radix'],
  ['sort-merge', 'sort-heap', 'sort-radix', 'sort-typed-array', 'sort-introsort'],
  ['sort-merge', 'sort-heap', 'sort-radix', 'sort-typed-array', 'sort-introsort', 'sort-shell', 'sort-tree'],
];

const CONCURRENCY = 64;

/** Row 6: closed-loop c=64 throughput of gateways with N Sort versions, each against plain, ABBA. */
export async function runVersionsSection(context: BenchContext): Promise<SectionReport> {
  const { options } = context;
  const rows: string[][] = [['N', 'Sort versions', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'req/s of each round', 'nvote/plain']];
  const unmeasured: string[] = [];
  const notes: string[] = [];
  for (const versions of SORT_VERSION_LISTS) {
    const n = versions.length;
    let nvote;
    try {
      nvote = await startBenchGateway(context, 'nvote', { methods: { Sort: { versions } } }, `${n} Sort versions`);
    } catch (error) {
      const reason = whyNotStarted(error);
      context.progress(`  N=${n}: ${reason}`);
      unmeasured.push(`versions N=${n}: ${reason}`);
      rows.push([String(n), versions.join(','), 'nvote', '-', '-', '-', '-', '-', 'not measured (below)']);
      notes.push(`   N=${n} not measured: ${reason}`);
      continue;
    }
    let rounds: PairedRounds;
    try {
      await prime(context, nvote);
      const voted = await votedVersions(nvote.address, 'Sort');
      if (voted.join(',') !== versions.join(',')) throw new Error(`the N=${n} gateway votes over ${voted.join(', ')}, not ${versions.join(', ')}`);
      rounds = await measurePair(context, nvote, SORT_16, closedLoop(options, CONCURRENCY), `versions N=${n} c=${CONCURRENCY}`);
    } finally {
      await nvote.gateway.stop();
    }
    const plain = best(rounds.plain);
    const gateway = best(rounds.nvote);
    for (const [server, top] of [
      [context.plain, plain],
      [nvote, gateway],
    ] as const) {
      const isPlain = server === context.plain;
      rows.push([
        isPlain ? String(n) : '',
        isPlain ? versions.join(',') : '',
        isPlain ? 'plain' : 'nvote',
        formatCount(top.requestsPerSecond),
        formatMs(top.latency.p50Us),
        formatMs(top.latency.p99Us),
        formatErrors(isPlain ? rounds.plain : rounds.nvote),
        (isPlain ? rounds.plain : rounds.nvote).map(result => formatCount(result.requestsPerSecond)).join(' / '),
        isPlain ? '' : formatRatio(gateway.requestsPerSecond / plain.requestsPerSecond),
      ]);
    }
  }
  const lines = [
    `6. Throughput vs N: closed loop c=${CONCURRENCY}, Sort of 16 values, a gateway per N (methods.Sort.versions), started alone after the one before stopped`,
    `   each against plain at the same concurrency; best of ${options.rounds} round(s) per server, ABBA order; no target`,
    '',
    textTable(rows, new Set([0, 3, 4, 5])),
    ...notes,
  ];
  return { lines, judged: [], warnings: [], unmeasured };
}
