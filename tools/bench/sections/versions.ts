import { abba, best, closedLoop, measureRound, prime, SORT_16, type BenchContext, type Server } from '../bench-context.js';
import { formatCount, formatErrors, formatMs, formatRatio, summarize } from '../format.js';
import type { LoadResult } from '../load-worker.js';
import type { SectionReport } from '../section-report.js';
import { startBenchGateway, whyNotStarted } from '../start-bench-gateway.js';
import { textTable } from '../text-table.js';
import { votedVersions } from '../voted-versions.js';

/**
 * The Sort versions of each gateway in the row, one list per N: the first three, the first five,
 * all seven. sort-introsort, sort-shell and sort-tree are being written by other teams; until
 * they are merged, the N=5 and N=7 gateways refuse their configuration and their rows say so.
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
    const rounds = new Map<Server, LoadResult[]>([
      [context.plain, []],
      [nvote, []],
    ]);
    try {
      await prime(context, nvote);
      const voted = await votedVersions(nvote.address, 'Sort');
      if (voted.join(',') !== versions.join(',')) throw new Error(`the N=${n} gateway votes over ${voted.join(', ')}, not ${versions.join(', ')}`);
      for (let round = 0; round < options.rounds; round++) {
        for (const server of abba(round, context.plain, nvote)) {
          context.progress(`versions N=${n} c=${CONCURRENCY}, round ${round + 1}/${options.rounds}: ${server.label} ...`);
          const result = await measureRound(context, server, SORT_16, closedLoop(options, CONCURRENCY));
          rounds.get(server)?.push(result);
          context.progress(`  ${summarize(result)}`);
        }
      }
    } finally {
      await nvote.gateway.stop();
    }
    const plain = best(rounds.get(context.plain) ?? []);
    const gateway = best(rounds.get(nvote) ?? []);
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
        formatErrors(rounds.get(server) ?? []),
        (rounds.get(server) ?? []).map(result => formatCount(result.requestsPerSecond)).join(' / '),
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
