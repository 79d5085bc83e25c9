/** The gateway's own bound on work in flight, and refusal while shutting down. */
export { createAdmission, requestCostBytes, versionsNeeded, type Admission, type AdmissionLimits, type MethodLoad, type Refusal, type RefusalReason, type Ticket } from './admission.js';
export { createAdmissionPlugin, REJECTION_REASONS, type AdmissionPlugin, type AdmissionSink, type RejectionReason } from './admission-interceptor.js';
export { createEventLoopLag, type EventLoopLag } from './event-loop-lag.js';
export { cachedMachineBacklog, machineBacklogMs } from './machine-backlog.js';
export { createConcurrencyLimit, type ConcurrencyLimit, type ConcurrencyLimitOptions } from './concurrency-limit.js';
