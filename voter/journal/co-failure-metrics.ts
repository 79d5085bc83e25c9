import { Counter, type Registry } from 'prom-client';
import type { VoteObserver } from '../pipeline/index.js';
import { isFailedVerdict } from './failed-verdict.js';

export const COFAILURE_LABELS = ['method', 'a', 'b'] as const;

export interface CoFailureMethod {
  readonly method: string;
  readonly versions: readonly string[];
}

/**
 * `nvote_version_cofailures_total{method,a,b}` (a < b): client votes in which both versions
 * failed. Against `nvote_version_results_total` it shows pairs that fail together more often
 * than independent failures would (common-mode faults, which voting cannot mask).
 */
export function createCoFailureMetrics(registry: Registry, methods: readonly CoFailureMethod[]): VoteObserver {
  const counter = new Counter({
    name: 'nvote_version_cofailures_total',
    help: 'Client votes in which both versions of a pair failed (disagree, domain_error, error, timeout, crash); a < b.',
    labelNames: COFAILURE_LABELS,
    registers: [registry],
  });
  for (const { method, versions } of methods) {
    const sorted = [...versions].sort();
    for (const [i, a] of sorted.entries()) {
      for (const b of sorted.slice(i + 1)) counter.labels({ method, a, b }).inc(0);
    }
  }
  return {
    name: 'co-failure-metrics',
    voteEnded({ method, end, probe }) {
      if (probe || end.kind !== 'recorded') return;
      const decided = 'answer' in end.record.decision;
      const failed = end.record.versions.filter(version => version.shadow !== true && isFailedVerdict(version.verdict, decided)).map(version => version.version);
      if (failed.length < 2) return;
      failed.sort();
      for (const [i, a] of failed.entries()) {
        for (const b of failed.slice(i + 1)) counter.labels({ method, a, b }).inc();
      }
    },
  };
}
