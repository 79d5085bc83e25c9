import type { LoadResult } from './load-worker.js';

export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-';
}

/** Microseconds as milliseconds. */
export function formatMs(us: number): string {
  return Number.isFinite(us) ? (us / 1000).toFixed(us >= 100_000_000 ? 0 : 3) : '-';
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(3)}x` : '-';
}

/** Failures summed over rounds, by status name; `0` when there were none. */
export function formatErrors(results: readonly LoadResult[]): string {
  const total = errorCounts(results);
  return total.size === 0 ? '0' : [...total].map(([name, count]) => `${name}:${count}`).join(' ');
}

export function errorCounts(results: readonly LoadResult[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const result of results) {
    for (const [name, count] of Object.entries(result.errors)) total.set(name, (total.get(name) ?? 0) + count);
  }
  return total;
}

export interface Target {
  readonly comparison: '>=' | '<=';
  readonly limit: number;
  /** How the limit prints: `0.70x`, `250 MB`. */
  readonly text: string;
}

/** `>= 0.70x  met`, or `NOT met` (also when the value could not be measured). */
export function judge(value: number, target: Target): { target: string; verdict: string; met: boolean } {
  const met = Number.isFinite(value) && (target.comparison === '>=' ? value >= target.limit : value <= target.limit);
  return { target: `${target.comparison} ${target.text}`, verdict: met ? 'met' : 'NOT met', met };
}

/** One round in a progress line. */
export function summarize(result: LoadResult): string {
  const { latency } = result;
  return `${formatCount(result.requestsPerSecond)} req/s, p50 ${formatMs(latency.p50Us)} ms, p99 ${formatMs(latency.p99Us)} ms, errors ${formatErrors([result])}`;
}
