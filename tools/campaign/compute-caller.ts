import { Client, credentials, type Metadata, type status } from '@grpc/grpc-js';
import { unaryCall, type UnaryMethod } from '../../client/index.js';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';
import type { VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';

/** What one call returned, as the campaign records it. */
export interface CallOutcome {
  readonly code: status;
  readonly response?: unknown;
  readonly details?: string;
  /** The `nvote-outcome` trailer, or "" when the call never reached a vote. */
  readonly outcome: string;
  readonly report?: VoteReport;
}

export interface ComputeCaller {
  call(method: string, request: unknown, metadata: Metadata, deadlineMs: number): Promise<CallOutcome>;
  close(): void;
}

// The generated service definition is the list of methods: a new RPC in the proto is callable
// here with no table to extend.
const DEFINITIONS = new Map<string, UnaryMethod<unknown, unknown>>(
  Object.values(ComputeServiceService).map(definition => [
    definition.path.slice(definition.path.lastIndexOf('/') + 1),
    definition as UnaryMethod<unknown, unknown>,
  ]),
);

export const COMPUTE_METHODS: readonly string[] = [...DEFINITIONS.keys()];

/** A plain grpc-js client for any ComputeService method, keeping the trailers of every call. */
export function createComputeCaller(address: string): ComputeCaller {
  // Large answers (100,000 sorted values) would otherwise arrive 64 KB per round trip.
  const client = new Client(address, credentials.createInsecure(), { 'grpc-node.flow_control_window': 16 * 1024 * 1024 });
  return {
    async call(method, request, metadata, deadlineMs) {
      const definition = DEFINITIONS.get(method);
      if (definition === undefined) throw new Error(`unknown method ${method}`);
      const result = await unaryCall(client, definition, request, { metadata, deadlineMs });
      return {
        code: result.status,
        ...(result.response === undefined ? { details: result.details } : { response: result.response }),
        outcome: result.outcome ?? '',
        ...(result.report === undefined ? {} : { report: result.report }),
      };
    },
    close: () => client.close(),
  };
}
