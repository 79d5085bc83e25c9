import { Client, credentials, Metadata, status, type MethodDefinition, type ServiceError } from '@grpc/grpc-js';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';
import { VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';

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

const DEFINITIONS = new Map<string, MethodDefinition<unknown, unknown>>(
  Object.values(ComputeServiceService).map(definition => [
    definition.path.slice(definition.path.lastIndexOf('/') + 1),
    definition as MethodDefinition<unknown, unknown>,
  ]),
);

export const COMPUTE_METHODS: readonly string[] = [...DEFINITIONS.keys()];

/** A plain grpc-js client for any ComputeService method, keeping the trailers of every call. */
export function createComputeCaller(address: string): ComputeCaller {
  // Large answers (100,000 sorted values) would otherwise arrive 64 KB per round trip.
  const client = new Client(address, credentials.createInsecure(), { 'grpc-node.flow_control_window': 16 * 1024 * 1024 });
  return {
    call(method, request, metadata, deadlineMs) {
      const definition = DEFINITIONS.get(method);
      if (definition === undefined) return Promise.reject(new Error(`unknown method ${method}`));
      return new Promise(resolve => {
        let answer: { error: ServiceError | null; response?: unknown } | undefined;
        let trailers: Metadata | undefined;
        const settle = (): void => {
          if (answer === undefined || trailers === undefined) return;
          const [outcome] = trailers.get('nvote-outcome');
          const [report] = trailers.get('nvote-report-bin');
          resolve({
            code: answer.error?.code ?? status.OK,
            ...(answer.error ? { details: answer.error.details } : { response: answer.response }),
            outcome: typeof outcome === 'string' ? outcome : '',
            ...(report instanceof Buffer ? { report: VoteReport.decode(report) } : {}),
          });
        };
        const call = client.makeUnaryRequest(
          definition.path,
          definition.requestSerialize,
          definition.responseDeserialize,
          request,
          metadata,
          { deadline: Date.now() + deadlineMs },
          (error, response) => {
            answer = { error, response };
            if (error) trailers ??= error.metadata ?? new Metadata();
            settle();
          },
        );
        call.on('status', callStatus => {
          trailers = callStatus.metadata;
          settle();
        });
      });
    },
    close: () => client.close(),
  };
}
