/** Health from what the versions do: verdicts of real calls, and known-answer probes. */
export { createHealthMonitor, methodHealthName, type HealthMonitor, type MonitoredMethod, type ServingStatus } from './health-monitor.js';
export { createKnownAnswerProbes, type KnownAnswerProbes } from './known-answer-probes.js';
export { evidenceOf, type Evidence } from './version-health.js';
