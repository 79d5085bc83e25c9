/**
 * The entry of every version's worker thread: loads the version module once, runs it per task
 * (one call, or a batch of calls each run on its own), and, when a task carries an injected
 * fault, makes that fault really happen in this thread.
 *
 * CommonJS on purpose. piscina `require()`s its worker file, and since Node 20.19 a `require()` of
 * an ES module goes through require(esm), whose native code (ModuleWrap::CreateRequiredModuleFacade)
 * aborts the whole process when the worker is terminated mid-load: an aborted task on a worker
 * still starting does exactly that. A CommonJS entry never takes that path; the version itself is
 * loaded with `import()`, whose failures are ordinary rejections. See docs/worker-loading.md.
 */
import type { BatchEntry, TaskResult, VersionWorkerData, WorkerFault, WorkerTask } from './worker-task.js';
import type { Packed } from './packed-arrays.js';

// Plain require: TypeScript's CommonJS import forms are not erasable syntax.
const { setTimeout: sleep } = require('node:timers/promises') as typeof import('node:timers/promises');
const { workerData } = require('node:worker_threads') as typeof import('node:worker_threads');

type VersionFunction = (input: unknown) => unknown;
interface PackedArrays {
  pack(value: unknown): Packed;
  unpack(packed: Packed): unknown;
}

const data = workerData as VersionWorkerData;
// Loading starts with the thread, not with its first task.
const loading = Promise.all([loadVersion(data.versionModule), loadModule(data.packedArraysModule) as Promise<PackedArrays>]);
loading.catch(() => undefined);
let loaded: [VersionFunction, PackedArrays] | undefined;

async function loadModule(href: string): Promise<unknown> {
  // Node 20's ESM loader hooks do not reach worker threads, so TypeScript modules (tests, under
  // tsx) load through tsx's require hook; compiled ones are ordinary ES modules.
  return href.endsWith('.ts') ? require(new URL(href).pathname) : await import(href);
}

async function loadVersion(href: string): Promise<VersionFunction> {
  const module = (await loadModule(href)) as { default?: unknown };
  if (typeof module.default !== 'function') throw new TypeError(`${href} has no default export function`);
  return module.default as VersionFunction;
}

// Exit code for an injected crash, so that logs tell it from a version's own exit.
const INJECTED_CRASH_EXIT_CODE = 70;

async function runTask(task: WorkerTask): Promise<TaskResult | undefined> {
  loaded ??= await loading;
  const [version, arrays] = loaded;
  switch (task.kind) {
    case 'warm-up':
      return undefined;
    case 'one': {
      const started = performance.now();
      const input = arrays.unpack(task.input);
      const result = task.fault === undefined ? version(input) : await suffer(version, task.fault, input);
      const packed = arrays.pack(result);
      return { kind: 'one', result: packed, computeMs: performance.now() - started };
    }
    case 'batch': {
      const started = performance.now();
      // Each call on its own: what the version throws on one input is that call's failure alone.
      const entries = task.inputs.map((input): BatchEntry => {
        try {
          return { ok: true, result: version(input) };
        } catch (error) {
          return { ok: false, message: error instanceof Error ? error.message : String(error) };
        }
      });
      return { kind: 'batch', entries, computeMs: performance.now() - started };
    }
    default:
      return unhandled(task);
  }
}

async function suffer(version: VersionFunction, fault: WorkerFault, input: unknown): Promise<unknown> {
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.delayMs);
      return version(input);
    case 'crash':
      // The version does its work, then its thread dies before the answer leaves it.
      version(input);
      process.exit(INJECTED_CRASH_EXIT_CODE);
      break;
    case 'exception':
      version(input);
      throw new Error('injected exception');
    case 'hang':
      // An omission: the thread stays alive and idle and never answers; only the gateway's abort
      // (which terminates this worker) ends the task.
      return new Promise(() => undefined);
    case 'oom':
      return exhaustHeap();
    default:
      return unhandled(fault);
  }
  return undefined;
}

/** A new task kind or worker fault fails to compile here until it is handled above. */
function unhandled(value: never): never {
  throw new Error(`unhandled ${JSON.stringify(value)}`);
}

function exhaustHeap(): never {
  // Retained, distinct arrays: the worker's heap limit (resourceLimits) ends this, not the gateway's.
  // Large chunks reach the limit in a few steps rather than through minutes of near-limit GCs.
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array<number>(1 << 20).fill(hoard.length));
}

module.exports = runTask;
