/** Where a version runs: the port, and its two implementations (a worker pool, a remote gRPC service). */
export type { Failure, RunnerHealth, RunnerLoad, RunOutcome, StopReason, VersionRun, VersionRunner } from './version-runner.js';
export { failed, failureOfStop } from './version-runner.js';
export { setStopTimer, type StopTimer } from './stop-timer.js';
export { AttributeKey, createCallAttributes, type CallAttributes, type ReadonlyAttributes } from './call-attributes.js';
export { createWorkerRunner, type WorkerRunner, type WorkerRunnerOptions } from './worker/worker-runner.js';
export type { WorkerFault } from './worker/worker-task.js';
export { createRemoteRunner, REQUEST_ID_HEADER, type RemoteCodec, type RemoteRunnerOptions } from './remote/remote-runner.js';
