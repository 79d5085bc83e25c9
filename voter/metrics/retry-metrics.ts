import { Counter, type Registry } from 'prom-client';
import type { VoteObserver } from '../pipeline/index.js';
import { VERDICTS } from '../vote/index.js';
import type { MethodLabels } from './create-metrics.js';

/**
 * Time redundancy's counter: one per re-run of a version, by the verdict the re-run came to
 * (`agree`: the transient fault was masked by repeating the work).
 */
export function createRetryMetrics(registry: Registry, methods: readonly MethodLabels[]): VoteObserver {
  const retries = new Counter({
    name: 'nvote_retries_total',
    help: 'Re-runs of a version by time redundancy (a vote that would have failed), by the verdict of the re-run.',
    labelNames: ['method', 'version', 'result'] as const,
    registers: [registry],
  });
  for (const { method, versions } of methods) {
    for (const version of versions) for (const result of VERDICTS) retries.labels({ method, version, result }).inc(0);
  }
  return {
    name: 'retry-metrics',
    voteEnded({ method, probe, end }) {
      if (probe || end.kind !== 'recorded') return;
      for (const { version, verdict, attempts } of end.record.versions) {
        if (attempts !== undefined && attempts > 1) retries.labels({ method, version, result: verdict }).inc(attempts - 1);
      }
    },
  };
}
