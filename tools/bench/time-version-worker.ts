/**
 * Times one compiled version module alone in this worker thread, on the Statistics row's own
 * input: what a version costs without the gateway around it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { doubleValues } from './seeded-values.js';

export interface TimeVersionSpec {
  /** The compiled version module (`dist/versions/statistics/welford.js`), as a URL. */
  readonly module: string;
  readonly seed: number;
  readonly values: number;
  /** Untimed runs first (compilation, warm caches), as a warm gateway worker has had. */
  readonly warmupRuns: number;
  readonly runs: number;
}

async function time(spec: TimeVersionSpec): Promise<number[]> {
  const version = ((await import(spec.module)) as { default: (input: { values: number[] }) => unknown }).default;
  const values = doubleValues(spec.seed, spec.values);
  const times: number[] = [];
  for (let run = 0; run < spec.warmupRuns + spec.runs; run++) {
    // A fresh copy each run, outside the clock: a version may reorder its input (a quickselect).
    const input = { values: values.slice() };
    const started = performance.now();
    version(input);
    const elapsed = performance.now() - started;
    if (run >= spec.warmupRuns) times.push(elapsed);
  }
  return times;
}

if (parentPort !== null) {
  const port = parentPort;
  time(workerData as TimeVersionSpec).then(
    timesMs => port.postMessage({ kind: 'result', timesMs }),
    (error: unknown) => port.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
}
