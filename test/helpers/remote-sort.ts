import { Metadata, Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { ErrorInfo } from '../../voter/gen/google/rpc/error_details.js';
import { Status } from '../../voter/gen/google/rpc/status.js';
import { ComputeServiceService, type SortRequest, type SortResponse } from '../../voter/gen/nvote/v1/compute_service.js';

/** What the remote does with the next calls. */
export type RemoteBehaviour = 'right' | 'wrong' | 'hang' | 'die';

/** A second, real grpc-js server implementing nvote.v1.ComputeService/Sort: a remote version under test. */
export interface RemoteSort extends AsyncDisposable {
  readonly address: string;
  behave(behaviour: RemoteBehaviour): void;
  /** Calls received, and the request ids they carried. */
  readonly requestIds: readonly string[];
  /** Deadlines the calls carried (ms from receipt), for the budget check. */
  readonly deadlinesMs: readonly number[];
  /** Resolves once the server has received `count` calls in all. */
  received(count: number): Promise<void>;
  stop(): Promise<void>;
}

const MAX_VALUES = 100_000;

export async function startRemoteSort(initial: RemoteBehaviour = 'right'): Promise<RemoteSort> {
  let behaviour = initial;
  const requestIds: string[] = [];
  const deadlinesMs: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = new Server();
  const hung: sendUnaryData<SortResponse>[] = [];
  server.addService(ComputeServiceService, {
    sort: (call: ServerUnaryCall<SortRequest, SortResponse>, callback: sendUnaryData<SortResponse>) => {
      requestIds.push(String(call.metadata.get('x-nvote-request-id')[0] ?? ''));
      const deadline = call.getDeadline();
      deadlinesMs.push((deadline instanceof Date ? deadline.getTime() : deadline) - Date.now());
      for (const waiter of waiters.filter(candidate => requestIds.length >= candidate.count)) waiter.resolve();
      const { values } = call.request;
      if (behaviour === 'hang') {
        hung.push(callback);
        return;
      }
      if (behaviour === 'die') {
        // The whole server goes away mid-call: its connections are reset.
        server.forceShutdown();
        return;
      }
      if (values.length > MAX_VALUES) {
        callback(domainError('TOO_LARGE'));
        return;
      }
      const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (behaviour === 'wrong' && sorted.length > 0) sorted[0] = (sorted[0] as bigint) + 1n;
      callback(null, { values: sorted });
    },
  } as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const stop = async (): Promise<void> => {
    server.forceShutdown();
  };
  return {
    address: `127.0.0.1:${port}`,
    behave: next => {
      behaviour = next;
    },
    requestIds,
    deadlinesMs,
    received: count =>
      new Promise(resolve => {
        if (requestIds.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function domainError(reason: string): Partial<{ code: status; details: string; metadata: Metadata }> & Error {
  const info = ErrorInfo.encode({ reason, domain: 'nvote', metadata: {} }).finish();
  const rich = Status.encode({
    code: status.INVALID_ARGUMENT,
    message: reason,
    details: [{ typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo', value: Buffer.from(info) }],
  }).finish();
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(rich));
  return Object.assign(new Error(reason), { code: status.INVALID_ARGUMENT, details: reason, metadata });
}
