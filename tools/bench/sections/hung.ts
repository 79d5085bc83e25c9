import { randomBytes } from 'node:crypto';
import { abba, best, closedLoop, measureRound, prime, SORT_16, type BenchContext } from '../bench-context.js';
import { awaitFullPools } from '../drain-gateway.js';
import { createFaultAdmin } from '../fault-admin.js';
import { errorCounts, formatCount, formatErrors, formatMs, formatRatio, judge, summarize, type Target } from '../format.js';
import type { LoadResult } from '../load-worker.js';
import { metricSamples } from '../metric-samples.js';
import type { Judged, SectionReport } from '../section-report.js';
import { startBenchGateway, whyNotStarted } from '../start-bench-gateway.js';
import { textTable } from '../text-table.js';
import { votedVersions } from '../voted-versions.js';

const HUNG_VERSION = 'sort-heap';
const CONCURRENCY = 16;
const THROUGHPUT_TARGET: Target = { comparison: '>=', limit: 0.9, text: '0.90x' };
const P99_TARGET: Target = { comparison: '<=', limit: 1.25, text: '1.25x' };
const REFUSALS_TARGET: Target = { comparison: '<=', limit: 0, text: '0' };
// A hung version's workers are terminated and replaced; the fault-free round after the clear
// waits (this long at most) for its pool to be full again.
const REFILL_LIMIT_MS = 10_000;

type Condition = 'fault-free' | 'hung';

/**
 * Row 3: one Sort version permanently hung through the FaultInjectionService, against fault-free
 * rounds on the same gateway (fault injection enabled in its configuration), in ABBA order.
 */
export async function runHungSection(context: BenchContext): Promise<SectionReport> {
  const { options } = context;
  const title = `3. One Sort version hung: a permanent hang fault on ${HUNG_VERSION} (FaultInjectionService), closed loop c=${CONCURRENCY}, Sort of 16 values`;
  const token = randomBytes(16).toString('hex');
  let nvote;
  try {
    // Without quarantine, which would take the hung version out of the vote after a few calls:
    // this row measures what a hung straggler costs while it still runs on every call.
    nvote = await startBenchGateway(context, 'nvote', { faultInjection: { enabled: true, token }, quarantine: { enabled: false } }, 'fault injection enabled, quarantine off');
  } catch (error) {
    const reason = whyNotStarted(error);
    return { lines: [title, `   not measured: the gateway did not start: ${reason}`], judged: [], warnings: [], unmeasured: [`hung: ${reason}`] };
  }
  // The gateway opens its admin listener because fault injection is on.
  const admin = createFaultAdmin(nvote.gateway.admin ?? nvote.address, token);
  const rounds: Record<Condition, LoadResult[]> = { 'fault-free': [], hung: [] };
  let activations = 0;
  let faultId: string | undefined;
  let versions: string[] = [];
  const stillShort: string[] = [];
  try {
    await prime(context, nvote);
    versions = await votedVersions(nvote.address, 'Sort');
    if (!versions.includes(HUNG_VERSION)) throw new Error(`the gateway does not run ${HUNG_VERSION} (it runs ${versions.join(', ')})`);
    // Elastic pools: each pool's own size once primed, not one size for all.
    const full = new Map((await metricSamples(nvote.gateway.metrics, 'nvote_pool_threads')).map(sample => [sample.labels['version'] ?? '', sample.value]));
    for (let round = 0; round < options.rounds; round++) {
      for (const condition of abba<Condition>(round, 'fault-free', 'hung')) {
        if (condition === 'hung' && faultId === undefined) {
          faultId = await admin.hangPermanently('Sort', HUNG_VERSION);
          context.progress(`hung: planted ${faultId}, a permanent hang on ${HUNG_VERSION}`);
        }
        if (condition === 'fault-free' && faultId !== undefined) {
          activations += await admin.activations(faultId);
          await admin.clear(faultId);
          faultId = undefined;
          stillShort.push(...(await awaitFullPools(nvote.gateway, full, REFILL_LIMIT_MS)));
          context.progress(`hung: cleared the fault`);
        }
        context.progress(`hung c=${CONCURRENCY}, round ${round + 1}/${options.rounds}: ${condition} ...`);
        const result = await measureRound(context, nvote, SORT_16, closedLoop(options, CONCURRENCY));
        rounds[condition].push(result);
        context.progress(`  ${summarize(result)}`);
      }
    }
  } finally {
    if (faultId !== undefined) {
      activations += await admin.activations(faultId);
      await admin.clear(faultId);
    }
    admin.close();
    await nvote.gateway.stop();
  }

  const free = best(rounds['fault-free']);
  const hung = best(rounds.hung);
  const refusals = errorCounts(rounds.hung).get('RESOURCE_EXHAUSTED') ?? 0;
  const measures: [string, number, string, Target][] = [
    ['throughput hung / fault-free', hung.requestsPerSecond / free.requestsPerSecond, formatRatio(hung.requestsPerSecond / free.requestsPerSecond), THROUGHPUT_TARGET],
    ['p99 hung / fault-free', hung.latency.p99Us / free.latency.p99Us, formatRatio(hung.latency.p99Us / free.latency.p99Us), P99_TARGET],
    ['RESOURCE_EXHAUSTED refusals while hung', refusals, formatCount(refusals), REFUSALS_TARGET],
  ];
  const judged: Judged[] = [];
  const verdictRows: string[][] = [['measure', 'value', 'target', '']];
  for (const [label, value, text, target] of measures) {
    const verdict = judge(value, target);
    judged.push({ label: `hung: ${label} ${text} (${verdict.target})`, met: verdict.met });
    verdictRows.push([label, text, verdict.target, verdict.verdict]);
  }
  const rows: string[][] = [['condition', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'req/s of each round']];
  for (const [label, condition, top] of [
    ['fault-free', 'fault-free', free],
    [`${HUNG_VERSION} hung`, 'hung', hung],
  ] as const) {
    rows.push([
      label,
      formatCount(top.requestsPerSecond),
      formatMs(top.latency.p50Us),
      formatMs(top.latency.p99Us),
      formatMs(top.latency.maxUs),
      formatErrors(rounds[condition]),
      rounds[condition].map(result => formatCount(result.requestsPerSecond)).join(' / '),
    ]);
  }
  const unmeasured = activations === 0 ? [`hung: the hang fault on ${HUNG_VERSION} never fired`] : [];
  const lines = [
    title,
    `   one gateway with faultInjection enabled (token as bearer metadata) and quarantine off, ${versions.length} Sort versions (${versions.join(', ')});`,
    `   the fault is planted before the hung rounds and cleared after them; best of ${options.rounds} round(s) per condition, ABBA order`,
    `   the hang fired on ${formatCount(activations)} version runs` +
      (stillShort.length > 0 ? `; pools still short of workers when a fault-free round began: ${[...new Set(stillShort)].join(', ')}` : ''),
    '',
    textTable(rows, new Set([1, 2, 3, 4])),
    '',
    textTable(verdictRows, new Set([1])),
  ];
  return { lines, judged, warnings: [], unmeasured };
}
