/**
 * `nvote call METHOD JSON`: calls a voted RPC on a running gateway and prints the answer and the
 * vote report in readable form.
 */
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { parseArgs } from 'node:util';
import { ErrorInfo } from '../../voter/gen/google/rpc/error_details.js';
import { Status } from '../../voter/gen/google/rpc/status.js';
import {
  ComputeServiceClient,
  EvaluateRequest,
  EvaluateResponse,
  FactorizeRequest,
  FactorizeResponse,
  ShortestPathRequest,
  ShortestPathResponse,
  SortRequest,
  SortResponse,
  StatisticsRequest,
  StatisticsResponse,
} from '../../voter/gen/nvote/v1/compute_service.js';
import { verdictToJSON, VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';

interface Codec {
  readonly clientMethod: 'sort' | 'factorize' | 'evaluate' | 'shortestPath' | 'statistics';
  fromJSON(json: unknown): unknown;
  toJSON(message: never): unknown;
}

const METHODS: Readonly<Record<string, Codec>> = {
  Sort: { clientMethod: 'sort', fromJSON: SortRequest.fromJSON, toJSON: SortResponse.toJSON },
  Factorize: { clientMethod: 'factorize', fromJSON: FactorizeRequest.fromJSON, toJSON: FactorizeResponse.toJSON },
  Evaluate: { clientMethod: 'evaluate', fromJSON: EvaluateRequest.fromJSON, toJSON: EvaluateResponse.toJSON },
  ShortestPath: { clientMethod: 'shortestPath', fromJSON: ShortestPathRequest.fromJSON, toJSON: ShortestPathResponse.toJSON },
  Statistics: { clientMethod: 'statistics', fromJSON: StatisticsRequest.fromJSON, toJSON: StatisticsResponse.toJSON },
};

const USAGE = `usage: nvote call METHOD 'JSON' [--address HOST:PORT] [--timeout-ms MS]
  METHOD: ${Object.keys(METHODS).join(', ')}
  example: nvote call Sort '{"values":[3,1,2]}'
  the address defaults to NVOTE_ADDRESS or 127.0.0.1:50051`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/** Runs `nvote call` with the arguments after `call`; resolves with the exit code. */
export async function runCallCommand(args: readonly string[]): Promise<number> {
  const { positionals, values } = (() => {
    try {
      return parseArgs({
        args: [...args],
        allowPositionals: true,
        options: { address: { type: 'string' }, 'timeout-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      });
    } catch (error) {
      return fail((error as Error).message);
    }
  })();
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [methodName, body] = positionals;
  const codec = METHODS[methodName ?? ''];
  if (codec === undefined) fail(`unknown method "${methodName ?? ''}"`);
  let request: unknown;
  try {
    request = codec.fromJSON(JSON.parse(body ?? '{}'));
  } catch (error) {
    fail(`the request is not valid JSON for ${methodName}: ${(error as Error).message}`);
  }
  const timeoutMs = Number(values['timeout-ms'] ?? 30_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) fail('--timeout-ms must be a positive number');
  const address = values.address ?? process.env['NVOTE_ADDRESS'] ?? '127.0.0.1:50051';

  const client = new ComputeServiceClient(address, credentials.createInsecure());
  const method = client[codec.clientMethod].bind(client) as unknown as (
    request: unknown,
    metadata: Metadata,
    options: { deadline: number },
    callback: (error: ServiceError | null, response?: unknown) => void,
  ) => { on(event: 'status', listener: (s: { metadata: Metadata }) => void): void };

  let answer: { error: ServiceError | null; response?: unknown } | undefined;
  let trailers: Metadata | undefined;
  let printed = false;
  let resolveExit: (code: number) => void = () => undefined;
  const print = (): void => {
    if (printed || answer === undefined || trailers === undefined) return;
    printed = true;
    client.close();
    if (answer.error) {
      const reason = reasonOf(answer.error);
      console.log(`error: ${status[answer.error.code] ?? answer.error.code} ${answer.error.details}${reason ? ` (reason ${reason})` : ''}`);
    } else {
      console.log(JSON.stringify(codec.toJSON(answer.response as never), null, 2));
    }
    printReport(trailers);
    resolveExit(answer.error ? 1 : 0);
  };
  return new Promise<number>(resolve => {
  resolveExit = resolve;
  const call = method(request, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
    answer = { error, response };
    if (error) trailers ??= error.metadata;
    print();
  });
  call.on('status', s => {
    trailers = s.metadata;
    print();
  });
  });
}

function reasonOf(error: ServiceError): string | undefined {
  const [bytes] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (!(bytes instanceof Buffer)) return undefined;
  const detail = Status.decode(bytes).details.find(any => any.typeUrl.endsWith('google.rpc.ErrorInfo'));
  return detail ? ErrorInfo.decode(detail.value).reason : undefined;
}

function printReport(metadata: Metadata): void {
  const [bytes] = metadata.get('nvote-report-bin');
  if (!(bytes instanceof Buffer)) return;
  const report = VoteReport.decode(bytes);
  const [outcome] = metadata.get('nvote-outcome');
  console.log(`\nvote: ${String(outcome)}, ${report.agreeing} of ${report.configuredVersions} agree (request ${report.requestId})`);
  const width = Math.max(...report.versions.map(v => v.version.length));
  for (const version of report.versions) {
    const verdict = verdictToJSON(version.verdict).replace('VERDICT_', '').toLowerCase();
    const reason = version.domainReason ? `  ${version.domainReason}` : '';
    console.log(`  ${version.version.padEnd(width)}  ${verdict.padEnd(12)} ${(version.durationSeconds * 1000).toFixed(1).padStart(8)} ms${reason}`);
  }
}
