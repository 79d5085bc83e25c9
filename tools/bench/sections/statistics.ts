import { availableParallelism } from 'node:os';
import { measureRound, SEED, type BenchContext, type Server } from '../bench-context.js';
import { formatErrors, formatMs, formatRatio, judge, summarize, type Target } from '../format.js';
import type { Judged, SectionReport } from '../section-report.js';
import { textTable } from '../text-table.js';
import { timeVersion } from '../time-version.js';
import { votedVersions } from '../voted-versions.js';

const VALUES = 1_000_000;
const VERSION_WARMUP_RUNS = 1;
const VERSION_RUNS = 5;
const TARGET: Target = { comparison: '<=', limit: 1.25, text: '1.25x' };
// The compiled versions, next to the compiled bench (dist/versions/statistics/two-pass.js).
const VERSIONS = new URL('../../../versions/', import.meta.url);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** `statistics-two-pass` is versions/statistics/two-pass.js, as the gateway's methods name their modules. */
function moduleOf(versionId: string): URL {
  const prefix = 'statistics-';
  if (!versionId.startsWith(prefix)) throw new Error(`"${versionId}" is not named like a built-in Statistics version`);
  return new URL(`statistics/${versionId.slice(prefix.length)}.js`, VERSIONS);
}

/**
 * Row 4: the gateway's p50 on 1,000,000 doubles at c=1 against what the versions alone need:
 * max(slowest version, sum of the versions / cores), each version timed alone in a worker
 * thread on the same values (median of a few runs).
 */
export async function runStatisticsSection(context: BenchContext, nvote: Server): Promise<SectionReport> {
  const versions = await votedVersions(nvote.address, 'Statistics');
  const rows: string[][] = [['version (alone, worker thread)', `median of ${VERSION_RUNS} ms`, 'runs ms']];
  const medians: number[] = [];
  for (const version of versions) {
    context.progress(`statistics: timing ${version} alone on ${VALUES.toLocaleString('en-US')} doubles ...`);
    const times = await timeVersion({ module: moduleOf(version).href, seed: SEED, values: VALUES, warmupRuns: VERSION_WARMUP_RUNS, runs: VERSION_RUNS });
    medians.push(median(times));
    rows.push([version, median(times).toFixed(1), times.map(time => time.toFixed(1)).join(' ')]);
  }
  const cores = availableParallelism();
  const slowest = Math.max(...medians);
  const sum = medians.reduce((total, time) => total + time, 0);
  const bound = Math.max(slowest, sum / cores);

  context.progress(`statistics c=1: ${context.options.statisticsCalls} calls of ${VALUES.toLocaleString('en-US')} doubles to ${nvote.label} ...`);
  const result = await measureRound(context, nvote, { method: 'Statistics', values: VALUES }, { kind: 'sequential', warmupCalls: 1, calls: context.options.statisticsCalls });
  context.progress(`  ${summarize(result)}`);
  const p50Ms = result.latency.p50Us / 1000;
  const ratio = p50Ms / bound;
  const verdict = judge(ratio, TARGET);
  const judged: Judged[] = [{ label: `statistics: gateway p50 / compute bound ${formatRatio(ratio)} (${verdict.target})`, met: verdict.met }];

  const lines = [
    `4. Statistics of 1,000,000 random doubles (8 MB requests, 16 MiB message limit both sides, 60 s deadline), c=1, default gateway (${versions.length} Statistics versions)`,
    `   each version's module (dist/versions/statistics/) timed alone in a worker thread on the same values: ${VERSION_WARMUP_RUNS} unrecorded run, then ${VERSION_RUNS}`,
    '',
    textTable(rows, new Set([1])),
    '',
    `   compute bound = max(slowest alone ${slowest.toFixed(1)} ms, sum ${sum.toFixed(1)} ms / ${cores} cores = ${(sum / cores).toFixed(1)} ms) = ${bound.toFixed(1)} ms`,
    `   gateway: ${result.ok} calls measured after 1 unrecorded, p50 ${formatMs(result.latency.p50Us)} ms, p99 ${formatMs(result.latency.p99Us)} ms, ` +
      `max ${formatMs(result.latency.maxUs)} ms, errors ${formatErrors([result])}`,
    '',
    textTable(
      [
        ['measure', 'value', 'target', ''],
        ['gateway p50 / compute bound', formatRatio(ratio), verdict.target, verdict.verdict],
      ],
      new Set([1]),
    ),
  ];
  return { lines, judged, warnings: [], unmeasured: result.ok === 0 ? ['statistics: no call succeeded'] : [] };
}
