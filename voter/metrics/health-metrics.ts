import { Gauge, type Registry } from 'prom-client';

/** Where health changes are counted: one series per health name. */
export interface HealthMetrics {
  serving(name: string, isServing: boolean): void;
}

/**
 * `nvote_health_serving{name}`: the health service's status as a metric, so that an alert can say
 * a method stopped serving without a gRPC health probe of its own. The gateway sets every name to
 * 0 at start, as health is until the versions have loaded.
 */
export function createHealthMetrics(registry: Registry): HealthMetrics {
  const gauge = new Gauge({
    name: 'nvote_health_serving',
    help: 'Whether a grpc.health.v1 name is SERVING (1) or NOT_SERVING (0): "" the server, a service, or service/Method.',
    labelNames: ['name'] as const,
    registers: [registry],
  });
  return { serving: (name, isServing) => gauge.labels({ name }).set(isServing ? 1 : 0) };
}
