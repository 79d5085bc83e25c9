/**
 * `nvote call METHOD [JSON | --file PATH | -]`: calls a voted RPC on a running gateway, prints the
 * answer as JSON on stdout and the vote report on stderr.
 */
import { parseArgs } from 'node:util';
import { fromBinary, fromJson, toBinary, toJson, type JsonValue } from '@bufbuild/protobuf';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { unaryCall, type UnaryMethod } from '../../client/index.js';
import { resolveAddress } from './address.js';
import type { CliIo } from './cli-io.js';
import { computeMethods, type CallableMethod } from './compute-methods.js';
import { loadRegistry } from './descriptor-registry.js';
import { formatFailure } from './format-failure.js';
import { formatVoteReport } from './format-vote-report.js';
import { parseJsonExact } from './parse-json-exact.js';
import { readRequest } from './read-request.js';
import { RequestError, UsageError } from './usage-error.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 3_600_000;
// The client takes whatever its gateway sends; the gateway has its own, configured limit.
const MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

export function callUsage(methods: Iterable<string>): string {
  return `usage: nvote call METHOD [JSON | --file PATH | -] [--address HOST:PORT] [--timeout-ms MS] [--metadata KEY=VALUE]...
  METHOD        an RPC of nvote.v1.ComputeService: ${[...methods].join(', ')}
  JSON          the request in proto3 JSON, e.g. nvote call Sort '{"values":[3,1,2]}'
  --file PATH   read the request from a file; "-", or no JSON while stdin is not a terminal: stdin
  --address     the gateway (default: NVOTE_ADDRESS, else 127.0.0.1:50051)
  --timeout-ms  the call's deadline (default ${DEFAULT_TIMEOUT_MS})
  --metadata    a request header, repeatable: x-request-id=ID, x-nvote-fault=KIND VERSION,
                authorization=Bearer TOKEN (what a fault-injecting gateway with a token asks)
  Unknown fields and values a field cannot hold are refused before anything is sent.
  The answer goes to stdout as JSON, the vote report to stderr.
  exit status: 0 answered, 1 the call failed, 2 bad usage or a request that does not encode`;
}

// Bytes in, bytes out: the request is encoded from JSON against the descriptors, and the
// answer decoded the same way, so that the CLI needs no per-method code.
const RAW: Omit<UnaryMethod<Uint8Array, Buffer>, 'path'> = {
  requestSerialize: bytes => Buffer.from(bytes),
  responseDeserialize: bytes => bytes,
};

/** Runs `nvote call` with the arguments after `call`; resolves with the exit code. */
export async function runCallCommand(args: readonly string[], io: CliIo): Promise<number> {
  const methods = computeMethods(loadRegistry());
  const usage = callUsage(methods.keys());
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        file: { type: 'string' },
        address: { type: 'string' },
        'timeout-ms': { type: 'string' },
        metadata: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  if (values.help === true) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  const [methodName, json, ...extra] = positionals;
  if (methodName === undefined) throw new UsageError(`name a method: ${[...methods.keys()].join(', ')}`);
  const method = methods.get(methodName);
  if (method === undefined) throw new UsageError(`unknown method "${methodName}" (known: ${[...methods.keys()].join(', ')})`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (quote the JSON as one argument)`);
  const timeoutMs = parseTimeout(values['timeout-ms']);
  const metadata = parseMetadata(values.metadata ?? []);
  const address = resolveAddress(values.address, io.env);
  const text = await readRequest({ ...(json === undefined ? {} : { json }), ...(values.file === undefined ? {} : { file: values.file }) }, io);
  const bytes = encodeRequest(method, text);

  const client = new Client(address, credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
    // Large answers (100,000 sorted values) would otherwise arrive 64 KB per round trip.
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
  });
  try {
    const result = await unaryCall(client, { path: method.path, ...RAW }, bytes, { metadata, deadlineMs: timeoutMs });
    if (result.status === status.OK && result.response !== undefined) {
      const answer = toJson(method.output, fromBinary(method.output, result.response), { alwaysEmitImplicit: true });
      io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    } else {
      io.stderr.write(formatFailure(result));
    }
    if (result.report !== undefined) io.stderr.write(formatVoteReport(result.report, result.outcome));
    return result.status === status.OK ? 0 : 1;
  } finally {
    client.close();
  }
}

function parseMetadata(pairs: readonly string[]): Metadata {
  const metadata = new Metadata();
  for (const pair of pairs) {
    const split = pair.indexOf('=');
    const key = pair.slice(0, split).trim().toLowerCase();
    if (split <= 0 || key.endsWith('-bin')) throw new UsageError(`--metadata: "${pair}" is not KEY=VALUE with a text key`);
    try {
      metadata.add(key, pair.slice(split + 1));
    } catch (error) {
      throw new UsageError(`--metadata: "${pair}": ${(error as Error).message}`);
    }
  }
  return metadata;
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new UsageError(`--timeout-ms: "${text}" is not an integer from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return value;
}

/**
 * The request's wire bytes, or a usage error naming the field and the value: ts-proto's fromJSON
 * would drop an unknown field and turn a value out of range into a default or a server error.
 */
function encodeRequest(method: CallableMethod, text: string): Uint8Array {
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    throw new RequestError(`the ${method.name} request is not JSON (nothing was sent): ${(error as Error).message}`);
  }
  try {
    return toBinary(method.input, fromJson(method.input, json as JsonValue));
  } catch (error) {
    throw new RequestError(`the ${method.name} request does not encode (nothing was sent): ${(error as Error).message}`);
  }
}
