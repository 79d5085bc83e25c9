import { Worker } from 'node:worker_threads';
import type { LoadResult, LoadSpec } from './load-worker.js';

// Beyond the longest a round can take (its schedule plus one call's deadline): a wedged server
// fails the bench instead of hanging it.
const WATCHDOG_SLACK_MS = 20_000;

function plannedMs(spec: LoadSpec): number {
  const { pacing } = spec;
  return pacing.kind === 'sequential'
    ? (pacing.warmupCalls + pacing.calls) * spec.callTimeoutMs
    : pacing.warmupMs + pacing.durationMs + spec.callTimeoutMs;
}

/** One measured round in a fresh load worker; resolves once the worker (and its channels) are gone. */
export function measureLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: spec });
    let outcome: { result: LoadResult } | { error: Error } | undefined;
    const watchdog = setTimeout(() => {
      outcome = { error: new Error(`load worker for ${spec.target} did not finish in time`) };
      void worker.terminate();
    }, plannedMs(spec) + WATCHDOG_SLACK_MS);
    worker.on('message', (message: { kind: 'result'; result: LoadResult } | { kind: 'failed'; message: string }) => {
      outcome ??= message.kind === 'result' ? { result: message.result } : { error: new Error(message.message) };
    });
    worker.on('error', error => {
      outcome ??= { error };
    });
    // Waiting for exit, not just the message, means its channels are closed before the next round.
    worker.on('exit', code => {
      clearTimeout(watchdog);
      if (outcome === undefined) reject(new Error(`load worker exited with code ${code} and no result`));
      else if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.result);
    });
  });
}
