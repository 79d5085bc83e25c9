import { Worker } from 'node:worker_threads';
import type { CaseReply, CaseRequest } from './case-messages.js';
import type { CaseSource, PreparedCase } from './case-source.js';
import { builtInWorkloads } from './workloads/index.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

// Compiled, the worker is JavaScript; the campaign always runs compiled (npm run campaign builds).
const CASE_WORKER = new URL(`./case-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * The built-in workloads' cases, generated and judged on a thread of their own, so that building
 * one of the contract's hardest inputs never stalls the calls in flight. The requests generated
 * queue in the worker while calls run: the lookahead is the campaign's own concurrency.
 */
export function createThreadedCaseSource(): CaseSource {
  const worker = new Worker(CASE_WORKER);
  const pending = new Map<number, { resolve: (reply: CaseReply) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let broken: Error | undefined;
  let closing = false;

  const failAll = (error: Error): void => {
    broken ??= error;
    for (const { reject } of pending.values()) reject(broken);
    pending.clear();
  };
  worker.on('message', (reply: CaseReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (waiter === undefined) return;
    if ('error' in reply) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply);
  });
  worker.on('error', error => failAll(new Error(`the case generator failed: ${error.message}`)));
  worker.on('exit', code => {
    if (!closing) failAll(new Error(`the case generator exited (${code})`));
  });

  const ask = (request: WithoutId<CaseRequest>): Promise<CaseReply> => {
    if (broken !== undefined) return Promise.reject(broken);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } as CaseRequest);
    });
  };

  return {
    methods: builtInWorkloads.map(workload => workload.method),
    async prepare(method, key): Promise<PreparedCase> {
      const reply = await ask({ kind: 'prepare', method, key });
      if (!('request' in reply)) throw new Error('the case generator answered a prepare with something else');
      const caseId = reply.id;
      return {
        request: reply.request,
        expected: reply.expected,
        ...(reply.minDeadlineMs === undefined ? {} : { minDeadlineMs: reply.minDeadlineMs }),
        async judge(response) {
          const verdict = await ask({ kind: 'judge', case: caseId, response });
          if (!('correct' in verdict)) throw new Error('the case generator answered a judge with something else');
          return verdict.correct;
        },
      };
    },
    async close() {
      closing = true;
      failAll(new Error('the case source is closed'));
      await worker.terminate();
    },
  };
}
