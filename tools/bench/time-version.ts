import { Worker } from 'node:worker_threads';
import type { TimeVersionSpec } from './time-version-worker.js';

/** Each run's time (ms) of one version alone, in a fresh worker thread. */
export function timeVersion(spec: TimeVersionSpec): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./time-version-worker.js', import.meta.url), { workerData: spec });
    let outcome: { timesMs: number[] } | { error: Error } | undefined;
    worker.on('message', (message: { kind: 'result'; timesMs: number[] } | { kind: 'failed'; message: string }) => {
      outcome ??= message.kind === 'result' ? { timesMs: message.timesMs } : { error: new Error(`${spec.module}: ${message.message}`) };
    });
    worker.on('error', error => {
      outcome ??= { error };
    });
    worker.on('exit', code => {
      if (outcome === undefined) reject(new Error(`timing worker for ${spec.module} exited with code ${code} and no result`));
      else if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.timesMs);
    });
  });
}
