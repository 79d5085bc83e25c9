import { setTimeout as sleep } from 'node:timers/promises';
import { judge, type Target } from '../format.js';
import { metricSamples } from '../metric-samples.js';
import type { SectionReport } from '../section-report.js';
import type { BenchGateway } from '../start-bench-gateway.js';
import { textTable } from '../text-table.js';

const TARGET: Target = { comparison: '<=', limit: 250, text: '250 MB' };
// Settled: two readings this far apart differ by at most STABLE_MB (or the limit passed).
const SAMPLE_MS = 500;
const STABLE_MB = 2;
const SETTLE_LIMIT_MS = 10_000;

export interface IdleRss {
  readonly rssMb: number;
  /** From SERVING (plus the start-up settle) to two steady readings (ms). */
  readonly settledMs: number;
  readonly steady: boolean;
  readonly pools: number;
  readonly workers: number;
  readonly threads: number;
}

export interface LoadedRss {
  readonly rssMb: number;
  readonly threads: number;
  /** The load sections that ran on the gateway before this reading. */
  readonly after: readonly string[];
}

function footprintOf(gateway: BenchGateway): { rssMb: number; threads: number } {
  const footprint = gateway.gateway.footprint();
  if (footprint === undefined) throw new Error('cannot read the gateway process from /proc (gone, or not Linux)');
  return footprint;
}

/** The gateway's RSS once SERVING and steady, before any load; and its version pools, from its own metrics. */
export async function measureIdleRss(gateway: BenchGateway): Promise<IdleRss> {
  const started = performance.now();
  let previous = footprintOf(gateway);
  let steady = false;
  while (performance.now() - started < SETTLE_LIMIT_MS) {
    await sleep(SAMPLE_MS);
    const current = footprintOf(gateway);
    steady = Math.abs(current.rssMb - previous.rssMb) <= STABLE_MB;
    previous = current;
    if (steady) break;
  }
  const pools = await metricSamples(gateway.gateway.metrics, 'nvote_pool_threads');
  return {
    rssMb: previous.rssMb,
    threads: previous.threads,
    settledMs: performance.now() - started,
    steady,
    pools: pools.length,
    workers: pools.reduce((total, sample) => total + sample.value, 0),
  };
}

export function loadedRss(gateway: BenchGateway, after: readonly string[]): LoadedRss {
  return { ...footprintOf(gateway), after };
}

/** Row 5: idle RSS against its target, and RSS after the load sections. */
export function rssReport(idle: IdleRss, loaded: LoadedRss | undefined): SectionReport {
  const verdict = judge(idle.rssMb, TARGET);
  const rows: string[][] = [
    ['when', 'RSS MB', 'OS threads', 'target', ''],
    [`idle: SERVING, then steady within ${STABLE_MB} MB over ${SAMPLE_MS} ms${idle.steady ? '' : ' (NOT steady after 10 s)'}`, String(idle.rssMb), String(idle.threads), verdict.target, verdict.verdict],
    loaded === undefined
      ? ['after the load sections', '-', '-', 'none', '(no load section ran on this gateway)']
      : [`after the load sections (${loaded.after.join(', ')})`, String(loaded.rssMb), String(loaded.threads), 'none', ''],
  ];
  const lines = [
    `5. RSS of the gateway process (/proc VmRSS), default configuration: ${idle.pools} version pools of every built-in method, ${idle.workers} workers`,
    '',
    textTable(rows, new Set([1, 2])),
  ];
  return { lines, judged: [{ label: `rss: idle ${idle.rssMb} MB (${verdict.target})`, met: verdict.met }], warnings: idle.steady ? [] : ['rss: idle RSS still moving after 10 s'], unmeasured: [] };
}
