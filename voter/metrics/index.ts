/** Prometheus: the instruments, the observer that feeds them from votes, the /metrics listener. */
export { createMetrics, GRPC_CODE_NAMES, type GrpcType, type InternalErrorStage, type MethodLabels, type Metrics, type PoolGaugeSource } from './create-metrics.js';
export { createQuarantineMetrics } from './quarantine-metrics.js';
export { createRetryMetrics } from './retry-metrics.js';
export { createSelfTestMetrics, type SelfTestMetrics } from './self-test-metrics.js';
export { createWeightMetrics } from './weight-metrics.js';
export { createVoteMetricsObserver } from './vote-metrics-observer.js';
export { startMetricsServer, type MetricsServer } from './metrics-server.js';
export { createHealthMetrics, type HealthMetrics } from './health-metrics.js';
