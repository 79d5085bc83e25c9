import type { Fault } from '../vote/ballot.js';

/**
 * The one place that reads piscina's and Node's errors. Error classes do not survive the thread
 * boundary, so a version's own exception arrives as a plain Error; what we can recognise is the
 * pool's: an abort (our timeout or the call's end), a worker exit, a heap limit.
 */
export function classifyFault(error: unknown, stoppedByUs: boolean): Fault {
  // A task ended by the call's end or by shutdown was stopped, whatever the pool says.
  if (stoppedByUs) return 'cancelled';
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
