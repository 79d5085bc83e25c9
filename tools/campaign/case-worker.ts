/**
 * The worker thread behind the threaded case source: generates the built-in workloads' cases and
 * keeps each one's oracle until its response is judged. The contract's hardest inputs take a
 * third of a second to build; built on the campaign's own thread, that time stalled the calls
 * already in flight and their deadlines ran out in the client, not in the gateway.
 */
import { parentPort } from 'node:worker_threads';
import type { CaseReply, CaseRequest } from './case-messages.js';
import { createInlineCaseSource, type PreparedCase } from './case-source.js';
import { builtInWorkloads } from './workloads/index.js';

const source = createInlineCaseSource(builtInWorkloads);
const open = new Map<number, PreparedCase>();
const port = parentPort;
if (port === null) throw new Error('case-worker.ts runs only as a worker thread');

port.on('message', (message: CaseRequest) => {
  void answer(message).then(
    reply => port.postMessage(reply),
    (error: unknown) => port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies CaseReply),
  );
});

async function answer(message: CaseRequest): Promise<CaseReply> {
  if (message.kind === 'prepare') {
    const prepared = await source.prepare(message.method, message.key);
    open.set(message.id, prepared);
    const { request, expected, minDeadlineMs } = prepared;
    return { id: message.id, request, expected, ...(minDeadlineMs === undefined ? {} : { minDeadlineMs }) };
  }
  const prepared = open.get(message.case);
  open.delete(message.case);
  if (prepared === undefined) throw new Error(`case ${message.case} is not open`);
  return { id: message.id, correct: await prepared.judge(message.response) };
}
