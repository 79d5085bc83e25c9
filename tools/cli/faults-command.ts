/**
 * `nvote faults inject|list|clear`: drives nvote.v1.FaultInjectionService on a gateway started
 * with fault injection, so that planting a fault needs no generic gRPC tool.
 */
import { parseArgs } from 'node:util';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { unaryCall, type UnaryResult } from '../../client/index.js';
import {
  Fault,
  FaultInjectionServiceService,
  type FaultSpec,
} from '../../voter/gen/nvote/v1/fault_injection_service.js';
import { FAULT_KINDS, wireFaultKind, type FaultKind } from '../campaign/fault-kinds.js';
import { resolveAdminAddress } from './address.js';
import type { CliIo } from './cli-io.js';
import { formatFailure } from './format-failure.js';
import { UsageError } from './usage-error.js';

const DEFAULT_TIMEOUT_MS = 10_000;
// The gateway reads the same variable for its own token: one export serves both ends.
const TOKEN_VARIABLE = 'NVOTE_FAULT_INJECTION_TOKEN';
const UINT64_MAX = 2n ** 64n - 1n;

export const FAULTS_USAGE = `usage: nvote faults inject KIND VERSION[,VERSION...] [--method METHOD]
                           [--count N | --probability P] [--delay-ms MS] [--duration-ms MS] [--seed N]
       nvote faults list
       nvote faults clear [ID...]
  inject   plants a fault and prints it (with the id clear takes) as JSON
           KIND: ${FAULT_KINDS.join(', ')}
           VERSION: version ids, comma-separated (common_mode needs two or more)
           --method       the RPC (default: the one that serves the versions)
           --count N      transient: the next N calls; --probability P: each call with probability P;
                          neither: permanent, until cleared
           --delay-ms     the added latency of a delay fault
           --duration-ms  the fault ends this long after it is planted (default: never)
           --seed         replays activation and corruption (same seed, same request ids)
  list     prints the active faults, oldest first, as JSON
  clear    clears the faults named, or every fault when none is named
  --address HOST:PORT  the gateway's admin listener (default: NVOTE_ADMIN_ADDRESS, else 127.0.0.1:50052)
  --token TOKEN        the gateway's fault-injection token (default: ${TOKEN_VARIABLE})
  --timeout-ms MS      the call's deadline (default ${DEFAULT_TIMEOUT_MS})
  exit status: 0 done, 1 the gateway refused, 2 bad usage`;

/** Runs `nvote faults` with the arguments after `faults`; resolves with the exit code. */
export async function runFaultsCommand(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        address: { type: 'string' },
        token: { type: 'string' },
        'timeout-ms': { type: 'string' },
        method: { type: 'string' },
        count: { type: 'string' },
        probability: { type: 'string' },
        'delay-ms': { type: 'string' },
        'duration-ms': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  if (values.help === true) {
    io.stdout.write(`${FAULTS_USAGE}\n`);
    return 0;
  }
  const [action, ...operands] = positionals;
  const injectOnly = (['method', 'count', 'probability', 'delay-ms', 'duration-ms', 'seed'] as const).filter(name => values[name] !== undefined);
  if (action !== 'inject' && injectOnly.length > 0) {
    throw new UsageError(`--${injectOnly[0]} applies to inject only`);
  }
  let send: (client: Client, metadata: Metadata, deadlineMs: number) => Promise<UnaryResult<unknown>>;
  let print: (response: never) => unknown;
  if (action === 'inject') {
    const spec = faultSpecOf(operands, values);
    send = (client, metadata, deadlineMs) => unaryCall(client, FaultInjectionServiceService.injectFault, { spec }, { metadata, deadlineMs });
    print = (response: { fault?: Fault }) => (response.fault === undefined ? {} : Fault.toJSON(response.fault));
  } else if (action === 'list') {
    if (operands.length > 0) throw new UsageError(`list takes no arguments (got "${operands[0]}")`);
    send = (client, metadata, deadlineMs) => unaryCall(client, FaultInjectionServiceService.listFaults, {}, { metadata, deadlineMs });
    print = (response: { faults: Fault[] }) => ({ faults: response.faults.map(fault => Fault.toJSON(fault)) });
  } else if (action === 'clear') {
    const ids = operands.flatMap(operand => operand.split(',')).filter(id => id !== '');
    send = (client, metadata, deadlineMs) => unaryCall(client, FaultInjectionServiceService.clearFaults, { ids }, { metadata, deadlineMs });
    print = (response: { cleared: number }) => ({ cleared: response.cleared });
  } else {
    throw new UsageError(action === undefined ? 'name an action: inject, list or clear' : `unknown action "${action}" (inject, list or clear)`);
  }
  const problems: string[] = [];
  const timeoutMs = integer('timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS, 1, 3_600_000, problems);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  const address = resolveAdminAddress(values.address, io.env);
  const metadata = new Metadata();
  const token = tokenOf(values.token, io.env);
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);

  const client = new Client(address, credentials.createInsecure());
  try {
    const result = await send(client, metadata, timeoutMs);
    if (result.status !== status.OK || result.response === undefined) {
      io.stderr.write(formatFailure(result));
      if (result.status === status.UNIMPLEMENTED) io.stderr.write('(is this the admin listener of a gateway started with --fault-injection?)\n');
      if (result.status === status.UNAUTHENTICATED) io.stderr.write(`(pass the gateway's token with --token or ${TOKEN_VARIABLE})\n`);
      return 1;
    }
    io.stdout.write(`${JSON.stringify(print(result.response as never), null, 2)}\n`);
    return 0;
  } finally {
    client.close();
  }
}

function tokenOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (flag !== undefined) {
    if (flag === '') throw new UsageError('--token is empty');
    return flag;
  }
  const fromEnv = env[TOKEN_VARIABLE];
  // As for the gateway, an empty variable is no token.
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

type InjectValues = Readonly<Partial<Record<'method' | 'count' | 'probability' | 'delay-ms' | 'duration-ms' | 'seed', string>>>;

/** The fault to plant, with every problem of the arguments reported at once. */
function faultSpecOf(operands: readonly string[], values: InjectValues): FaultSpec {
  const problems: string[] = [];
  const [kindText, versionText, ...extra] = operands;
  if (kindText === undefined) problems.push(`name a KIND: ${FAULT_KINDS.join(', ')}`);
  else if (!(FAULT_KINDS as readonly string[]).includes(kindText)) problems.push(`KIND "${kindText}" is not one of ${FAULT_KINDS.join(', ')}`);
  const versions = (versionText ?? '').split(',').filter(version => version !== '');
  if (versions.length === 0) problems.push('name the VERSION (or versions, comma-separated) to fault');
  if (extra.length > 0) problems.push(`unexpected argument "${extra[0]}" (versions are one comma-separated argument)`);
  if (values.count !== undefined && values.probability !== undefined) problems.push('give --count or --probability, not both');
  // Only what a flag cannot mean is checked here; the gateway checks its own limits and names them.
  const count = integer('count', values.count, 1, 1, Number.MAX_SAFE_INTEGER, problems);
  const probability = values.probability === undefined ? 0 : Number(values.probability);
  if (values.probability !== undefined && !(probability >= 0 && probability <= 1 && values.probability.trim() !== '')) {
    problems.push(`--probability: "${values.probability}" is not a probability from 0 to 1`);
  }
  const delayMs = integer('delay-ms', values['delay-ms'], 0, 0, Number.MAX_SAFE_INTEGER, problems);
  const durationMs = integer('duration-ms', values['duration-ms'], 0, 0, Number.MAX_SAFE_INTEGER, problems);
  let seed = 0n;
  if (values.seed !== undefined) {
    if (/^\d+$/.test(values.seed) && BigInt(values.seed) <= UINT64_MAX) seed = BigInt(values.seed);
    else problems.push(`--seed: "${values.seed}" is not an integer from 0 to ${UINT64_MAX}`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return {
    kind: wireFaultKind(kindText as FaultKind),
    method: values.method ?? '',
    versions,
    activation:
      values.count !== undefined
        ? { $case: 'transient', value: { count: BigInt(count) } }
        : values.probability !== undefined
          ? { $case: 'intermittent', value: { probability } }
          : { $case: 'permanent', value: {} },
    delayMs: BigInt(delayMs),
    durationMs: BigInt(durationMs),
    seed,
  };
}

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number, problems: string[]): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`--${name}: "${text}" is not an integer from ${min} to ${max}`);
  }
  return value;
}
