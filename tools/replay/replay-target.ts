import { Client, credentials, Metadata, type status } from '@grpc/grpc-js';
import { unaryCall, type UnaryMethod } from '../../client/index.js';
import type { VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';
import { computeMethods } from '../cli/compute-methods.js';
import { loadRegistry } from '../cli/descriptor-registry.js';
import { encodeJournalInput } from './encode-journal-input.js';

/** What became of one re-sent input. */
export type SendResult =
  | { readonly kind: 'unencodable'; readonly reason: string }
  | { readonly kind: 'sent'; readonly code: status; readonly details: string; readonly report?: VoteReport };

/** Where recorded inputs are sent again. */
export interface ReplayTarget {
  /** Sends the journal's input (proto3 JSON) as a request of `method`; never rejects. */
  send(method: string, input: unknown, requestId: string): Promise<SendResult>;
  close(): void;
}

// The answer itself is not read: the vote report in the trailers is the replay's evidence.
const RAW: Omit<UnaryMethod<Uint8Array, Buffer>, 'path'> = {
  requestSerialize: bytes => Buffer.from(bytes),
  responseDeserialize: bytes => bytes,
};

/** A client of one gateway for any method the CLI can call, with journal inputs encoded against the proto's descriptors. */
export function createReplayTarget(address: string, deadlineMs: number): ReplayTarget {
  const methods = computeMethods(loadRegistry());
  const client = new Client(address, credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
  });
  return {
    async send(name, input, requestId) {
      const method = methods.get(name);
      if (method === undefined) return { kind: 'unencodable', reason: `the contract this nvote was built with has no method ${name}` };
      const encoded = encodeJournalInput(method, input);
      if ('reason' in encoded) return { kind: 'unencodable', reason: encoded.reason };
      const metadata = new Metadata();
      metadata.set('x-request-id', requestId);
      const result = await unaryCall(client, { path: method.path, ...RAW }, encoded.bytes, { metadata, deadlineMs });
      return { kind: 'sent', code: result.status, details: result.details, ...(result.report === undefined ? {} : { report: result.report }) };
    },
    close: () => client.close(),
  };
}
