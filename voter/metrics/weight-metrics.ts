import { Gauge, type Registry } from 'prom-client';
import type { MethodLabels } from './create-metrics.js';

/** Weighted voting's weights, read when scraped (methods that vote by weight only). */
export function createWeightMetrics(registry: Registry, methods: readonly MethodLabels[], weightOf: (method: string, version: string) => number): void {
  if (methods.length === 0) return;
  new Gauge({
    name: 'nvote_version_weight',
    help: 'A version\'s weight in history-weighted voting: the log-odds of its observed reliability (0: no better than chance).',
    labelNames: ['method', 'version'] as const,
    registers: [registry],
    collect() {
      for (const { method, versions } of methods) for (const version of versions) this.labels({ method, version }).set(weightOf(method, version));
    },
  });
}
