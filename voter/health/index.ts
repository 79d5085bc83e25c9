/** Health from what the versions do: verdicts of real calls, and known-answer probes. */
export { createHealthMonitor, methodHealthName, type HealthMonitor, type MonitoredMethod, type ServingStatus } from './health-monitor.js';
export { createKnownAnswerProbes, SELF_TEST_RESULTS, type KnownAnswerProbes, type SelfTestReading, type SelfTestResult } from './known-answer-probes.js';
export { evidenceOf, type Evidence } from './version-health.js';
export { createSelfTestHistory, type SelfTestEntry, type SelfTestHistory, type SelfTestSnapshot } from './self-test-history.js';
