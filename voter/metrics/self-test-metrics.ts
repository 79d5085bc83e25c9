import { Counter, Gauge, type Registry } from 'prom-client';
import { SELF_TEST_RESULTS, type SelfTestResult } from '../health/index.js';
import type { MethodLabels } from './create-metrics.js';

export interface SelfTestMetrics {
  selfTested(method: string, version: string, result: SelfTestResult): void;
  /** A last success restored from a checkpoint (Unix ms). */
  lastSucceededAt(method: string, version: string, atMs: number): void;
}

/**
 * Known-answer self-tests' instruments. The last-success gauge starts at 0 (never), so that an
 * alert on its age fires for a version that has not passed one since the gateway started.
 */
export function createSelfTestMetrics(registry: Registry, methods: readonly MethodLabels[], now: () => number = Date.now): SelfTestMetrics {
  const registers = [registry];
  const runs = new Counter({
    name: 'nvote_selftest_runs_total',
    help: 'Known-answer self-tests per version, by result: pass, fail (another answer or an error), timeout (no answer within the watchdog).',
    labelNames: ['method', 'version', 'result'] as const,
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'nvote_selftest_last_success_timestamp_seconds',
    help: 'When a version last passed its known-answer self-test (Unix time, seconds); 0 if never.',
    labelNames: ['method', 'version'] as const,
    registers,
  });
  for (const { method, versions } of methods) {
    for (const version of versions) {
      lastSuccess.labels({ method, version }).set(0);
      for (const result of SELF_TEST_RESULTS) runs.labels({ method, version, result }).inc(0);
    }
  }
  return {
    selfTested(method, version, result) {
      runs.labels({ method, version, result }).inc();
      if (result === 'pass') lastSuccess.labels({ method, version }).set(now() / 1000);
    },
    lastSucceededAt(method, version, atMs) {
      lastSuccess.labels({ method, version }).set(atMs / 1000);
    },
  };
}
