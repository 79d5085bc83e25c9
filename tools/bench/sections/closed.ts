import { best, closedLoop, measurePair, SORT_16, type BenchContext, type Server } from '../bench-context.js';
import { formatCount, formatErrors, formatMs, formatRatio, judge, type Target } from '../format.js';
import type { LoadResult } from '../load-worker.js';
import type { Judged, SectionReport } from '../section-report.js';
import { textTable } from '../text-table.js';

const LEVELS: readonly { concurrency: number; target: Target }[] = [
  { concurrency: 1, target: { comparison: '>=', limit: 0.7, text: '0.70x' } },
  { concurrency: 64, target: { comparison: '>=', limit: 0.85, text: '0.85x' } },
];

export interface ClosedSection {
  readonly report: SectionReport;
  /** The plain server's best closed-loop rate at c=64, the capacity the open loop is a share of. */
  readonly plainCapacity: number;
}

function cpuPerCall(result: LoadResult, side: 'serverMs' | 'generatorMs'): string {
  if (result.cpu === undefined || result.ok === 0) return 'n/a';
  return (result.cpu[side] / result.ok).toFixed(3);
}

/** Row 1: closed-loop Sort of 16 values, plain vs nvote at c=1 and c=64. */
export async function runClosedSection(context: BenchContext, nvote: Server, sortVersions: number): Promise<ClosedSection> {
  const { options } = context;
  const rows: string[][] = [
    ['concurrency', 'server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'CPU ms/call', 'generator', 'req/s of each round', 'nvote/plain', 'target', ''],
  ];
  const judged: Judged[] = [];
  let plainCapacity = Number.NaN;
  for (const { concurrency, target } of LEVELS) {
    const rounds = await measurePair(context, nvote, SORT_16, closedLoop(options, concurrency), `closed c=${concurrency}`);
    const plain = best(rounds.plain);
    const gateway = best(rounds.nvote);
    if (concurrency === 64) plainCapacity = plain.requestsPerSecond;
    const ratio = gateway.requestsPerSecond / plain.requestsPerSecond;
    const { target: targetText, verdict, met } = judge(ratio, target);
    judged.push({ label: `closed c=${concurrency} nvote/plain ${formatRatio(ratio)} (${targetText})`, met });
    for (const [server, top] of [
      [context.plain, plain],
      [nvote, gateway],
    ] as const) {
      const isPlain = server === context.plain;
      rows.push([
        isPlain ? String(concurrency) : '',
        server.label,
        formatCount(top.requestsPerSecond),
        formatMs(top.latency.p50Us),
        formatMs(top.latency.p99Us),
        formatMs(top.latency.maxUs),
        formatErrors(isPlain ? rounds.plain : rounds.nvote),
        cpuPerCall(top, 'serverMs'),
        cpuPerCall(top, 'generatorMs'),
        (isPlain ? rounds.plain : rounds.nvote).map(result => formatCount(result.requestsPerSecond)).join(' / '),
        isPlain ? '' : formatRatio(ratio),
        isPlain ? '' : targetText,
        isPlain ? '' : verdict,
      ]);
    }
  }
  const lines = [
    `1. Closed loop: Sort of 16 random int64 values, plain vs nvote (default configuration, ${sortVersions} Sort versions)`,
    `   best of ${options.rounds} round(s) per server and level, ABBA order; errors summed over all rounds; latencies of successful calls`,
    "   CPU ms/call: the server's CPU time over the best round's window per call answered in it (the gateway's whole process: event loop and version threads;",
    "   the plain server's thread); generator: the load generator's own thread, per call. Server and generator share the machine's cores.",
    '',
    textTable(rows, new Set([0, 2, 3, 4, 5, 7, 8, 10])),
  ];
  return { report: { lines, judged, warnings: [], unmeasured: [] }, plainCapacity };
}
