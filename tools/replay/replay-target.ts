import { fromJson, toBinary, type JsonValue } from '@bufbuild/protobuf';
import { Client, credentials, Metadata, type status } from '@grpc/grpc-js';
import { unaryCall, type UnaryMethod } from '../../client/index.js';
import type { VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';
import { computeMethods } from '../cli/compute-methods.js';
import { loadRegistry } from '../cli/descriptor-registry.js';

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

/**
 * A client of one gateway that encodes journal inputs against the proto's descriptors, as
 * `nvote call` does: the journal holds proto3 JSON, so a method the CLI can call can be replayed.
 */
export function createReplayTarget(address: string, deadlineMs: number): ReplayTarget {
  const methods = computeMethods(loadRegistry());
  const client = new Client(address, credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
  });
  return {
    async send(name, input, requestId) {
      const method = methods.get(name);
      if (method === undefined) return { kind: 'unencodable', reason: `this gateway's contract has no method ${name}` };
      let bytes: Uint8Array;
      try {
        bytes = toBinary(method.input, fromJson(method.input, input as JsonValue));
      } catch (error) {
        return { kind: 'unencodable', reason: `the input does not encode as ${method.input.typeName}: ${(error as Error).message}` };
      }
      const metadata = new Metadata();
      metadata.set('x-request-id', requestId);
      const result = await unaryCall(client, { path: method.path, ...RAW }, bytes, { metadata, deadlineMs });
      return { kind: 'sent', code: result.status, details: result.details, ...(result.report === undefined ? {} : { report: result.report }) };
    },
    close: () => client.close(),
  };
}
