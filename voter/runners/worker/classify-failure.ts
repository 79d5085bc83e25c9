import { failureOfStop, type Failure } from '../version-runner.js';

/**
 * The one place that reads piscina's and Node's errors. Error classes do not survive the thread
 * boundary, so a version's own exception arrives as a plain Error; what we can recognise is the
 * pool's: an abort (the gateway stopped the run), a worker exit, a heap limit.
 */
export function classifyFailure(error: unknown, signal: AbortSignal, closing: boolean): Failure {
  // A run the gateway stopped failed the way the gateway said, whatever the pool reports.
  if (signal.aborted) return failureOfStop(signal);
  if (closing) return 'cancelled';
  if (isAbort(error)) return 'timeout';
  if (isWorkerDeath(error)) return 'crash';
  return 'error';
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function isWorkerDeath(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY' || code === 'ERR_WORKER_INIT_FAILED') return true;
  return error.message.startsWith('worker exited with code') || error.message === 'Terminating worker thread';
}
