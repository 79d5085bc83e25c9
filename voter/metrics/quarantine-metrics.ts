import { Counter, Gauge, type Registry } from 'prom-client';
import type { QuarantineSink } from '../quarantine/index.js';
import type { MethodLabels } from './create-metrics.js';

const TRANSITIONS = ['quarantined', 'reinstated'] as const;

/** Quarantine's instruments, on the gateway's registry, every known label set zeroed. */
export function createQuarantineMetrics(registry: Registry, methods: readonly MethodLabels[]): QuarantineSink {
  const registers = [registry];
  const quarantined = new Gauge({
    name: 'nvote_version_quarantined',
    help: 'Whether a version is quarantined (1): it sits calls out until known-answer probes reinstate it.',
    labelNames: ['method', 'version'] as const,
    registers,
  });
  const transitions = new Counter({
    name: 'nvote_quarantine_transitions_total',
    help: 'Changes of a version\'s standing, by the standing it went to (quarantined, reinstated).',
    labelNames: ['method', 'version', 'to'] as const,
    registers,
  });
  const degraded = new Gauge({
    name: 'nvote_method_degraded',
    help: 'Whether a method is degraded (1): a version is over the quarantine threshold but kept voting, since quarantining it would leave too few for a majority.',
    labelNames: ['method'] as const,
    registers,
  });
  for (const { method, versions } of methods) {
    degraded.labels({ method }).set(0);
    for (const version of versions) {
      quarantined.labels({ method, version }).set(0);
      for (const to of TRANSITIONS) transitions.labels({ method, version, to }).inc(0);
    }
  }
  return {
    standing: (method, version, isQuarantined) => quarantined.labels({ method, version }).set(isQuarantined ? 1 : 0),
    transition: (method, version, to) => transitions.labels({ method, version, to: to === 'quarantined' ? 'quarantined' : 'reinstated' }).inc(),
    degraded: (method, isDegraded) => degraded.labels({ method }).set(isDegraded ? 1 : 0),
  };
}
