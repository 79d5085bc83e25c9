import { measureRound, SORT_16, type BenchContext, type Server } from '../bench-context.js';
import { formatCount, formatErrors, formatMs, summarize } from '../format.js';
import type { LoadResult, Schedule } from '../load-worker.js';
import type { SectionReport } from '../section-report.js';
import { textTable } from '../text-table.js';

const SHARES = [0.5, 0.8] as const;
// Sends in the window below this share of the target rate: the generator could not keep up.
const RATE_TOLERANCE = 0.98;

/** Whether the generator offered the rate the row names; its lag is in the row either way. */
function keptRate(schedule: Schedule): boolean {
  return schedule.sentPerSecond >= schedule.targetPerSecond * RATE_TOLERANCE;
}

/**
 * Row 2: constant arrival rates at shares of the plain server's closed-loop c=64 capacity, against
 * both servers; one round per server and rate, the order reversed at the second rate (ABBA).
 */
export async function runOpenSection(context: BenchContext, nvote: Server, plainCapacity: number, capacitySource: string): Promise<SectionReport> {
  const { options } = context;
  const rows: string[][] = [
    ['rate', 'server', 'target/s', 'sent/s', 'ok/s', 'p50 ms', 'p99 ms', 'p999 ms', 'max ms', 'errors', 'send lag p99/max ms', 'generator'],
  ];
  const warnings: string[] = [];
  for (const [index, share] of SHARES.entries()) {
    const rate = Math.max(1, Math.round(plainCapacity * share));
    const order = index % 2 === 0 ? [context.plain, nvote] : [nvote, context.plain];
    const results = new Map<Server, LoadResult>();
    for (const server of order) {
      context.progress(`open loop ${rate}/s (${share * 100}% of plain c=64): ${server.label} ...`);
      const result = await measureRound(context, server, SORT_16, {
        kind: 'open',
        ratePerSecond: rate,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
      });
      results.set(server, result);
      context.progress(`  ${summarize(result)}; sent ${formatCount(result.schedule?.sentPerSecond ?? Number.NaN)}/s, max lag ${result.schedule?.lagMaxMs.toFixed(1) ?? '-'} ms`);
    }
    for (const server of [context.plain, nvote]) {
      const result = results.get(server);
      const schedule = result?.schedule;
      if (result === undefined || schedule === undefined) throw new Error('an open-loop round returned no schedule');
      const verdict = keptRate(schedule)
        ? 'kept the rate'
        : `could NOT send at the rate: ${formatCount(schedule.sentPerSecond)}/s of ${formatCount(schedule.targetPerSecond)}/s`;
      if (!keptRate(schedule)) warnings.push(`open loop ${share * 100}% against ${server.label}: the generator ${verdict}`);
      rows.push([
        server === context.plain ? `${share * 100}% (${formatCount(rate)}/s)` : '',
        server.label,
        formatCount(schedule.targetPerSecond),
        formatCount(schedule.sentPerSecond),
        formatCount(result.requestsPerSecond),
        formatMs(result.latency.p50Us),
        formatMs(result.latency.p99Us),
        formatMs(result.latency.p999Us),
        formatMs(result.latency.maxUs),
        formatErrors([result]),
        `${schedule.lagP99Ms.toFixed(1)} / ${schedule.lagMaxMs.toFixed(1)}`,
        verdict,
      ]);
    }
  }
  const lines = [
    `2. Open loop: Sort of 16 values at a constant arrival rate, ${SHARES.map(share => `${share * 100}%`).join(' and ')} of the plain server's ` +
      `closed-loop c=64 rate (${formatCount(plainCapacity)} req/s, ${capacitySource})`,
    '   requests sent at their intended times whatever the answers, on 8 channels; latency from the intended send time, so queueing',
    '   shows (no coordinated omission). Send lag: how late the generator sent against its schedule (timers, CPU contention); it is',
    '   inside the latencies, never hidden from them. sent/s: sends during the window; ok/s: successful answers completed in it;',
    '   latencies of successful calls (hdr-histogram). One round per server and rate, the order reversed at the second rate; no target',
    '',
    textTable(rows, new Set([2, 3, 4, 5, 6, 7, 8])),
  ];
  return { lines, judged: [], warnings, unmeasured: [] };
}
