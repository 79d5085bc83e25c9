/** Checkpoint and restore of state that must survive a restart: atomic, checksummed, identity-checked files. */
export { createCheckpointer, type CheckpointEvent, type Checkpointer, type CheckpointerOptions, type CheckpointReason, type WriteState } from './create-checkpointer.js';
export { readStateFile, REFUSAL_CODES, type ReadStateOptions, type RefusalCode, type StateReadResult, type ValidatePayload } from './read-state-file.js';
export { removeStaleTempFiles } from './remove-stale-temp-files.js';
export { STATE_FORMAT, STATE_FORMAT_VERSION, type StateHeader } from './state-file-format.js';
export { StateWriteError, type StateWriteStep } from './state-write-error.js';
export { writeStateFile, type WriteStateOptions, type WrittenState } from './write-state-file.js';
