import { best, closedLoop, measurePair, type BenchContext, type Server } from '../bench-context.js';
import { formatCount, formatErrors, formatMs, formatRatio } from '../format.js';
import type { SectionReport } from '../section-report.js';
import { textTable } from '../text-table.js';

const SIZES = [10, 1_000, 100_000] as const;
const CONCURRENCY = 16;

/** Row 7: closed-loop c=16 throughput of Sort at three payload sizes, plain vs the default gateway, ABBA. */
export async function runPayloadSection(context: BenchContext, nvote: Server): Promise<SectionReport> {
  const { options } = context;
  const rows: string[][] = [['values', 'server', 'req/s', 'ok calls', 'window s', 'p50 ms', 'p99 ms', 'errors', 'req/s of each round', 'nvote/plain']];
  for (const values of SIZES) {
    const workload = { method: 'Sort', values } as const;
    const rounds = await measurePair(context, nvote, workload, closedLoop(options, CONCURRENCY), `payload ${values.toLocaleString('en-US')} values c=${CONCURRENCY}`);
    const plain = best(rounds.plain);
    const gateway = best(rounds.nvote);
    for (const [server, top] of [
      [context.plain, plain],
      [nvote, gateway],
    ] as const) {
      const isPlain = server === context.plain;
      rows.push([
        isPlain ? formatCount(values) : '',
        server.label,
        formatCount(top.requestsPerSecond),
        formatCount(top.ok),
        (top.measuredMs / 1000).toFixed(1),
        formatMs(top.latency.p50Us),
        formatMs(top.latency.p99Us),
        formatErrors(isPlain ? rounds.plain : rounds.nvote),
        (isPlain ? rounds.plain : rounds.nvote).map(result => formatCount(result.requestsPerSecond)).join(' / '),
        isPlain ? '' : formatRatio(gateway.requestsPerSecond / plain.requestsPerSecond),
      ]);
    }
  }
  const lines = [
    `7. Throughput vs payload: closed loop c=${CONCURRENCY} (fixed for all sizes), Sort of ${SIZES.map(size => size.toLocaleString('en-US')).join(', ')} random int64 values, ` +
      'plain vs nvote (default configuration)',
    `   best of ${options.rounds} round(s) per server and size, ABBA order; ok calls and window: the best round's; no target`,
    '',
    textTable(rows, new Set([0, 2, 3, 4, 5, 6, 9])),
  ];
  return { lines, judged: [], warnings: [], unmeasured: [] };
}
