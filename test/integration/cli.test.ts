import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';
import { buildIfStale, ROOT } from '../helpers/compiled.js';
import { sample, startGateway, type Gateway } from '../helpers/start-gateway.js';
import { adminOf } from '../helpers/fault-admin.js';

const CLI = join(ROOT, 'dist/tools/cli/nvote.js');
const TOKEN = 'a-cli-test-token-of-32-characters';
const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];
const RUN_LIMIT_MS = 60_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The compiled CLI, as users run it, with `stdin` piped in (empty unless given: a pipe, never a
 * terminal). NVOTE_ variables of the test's own environment are dropped so that only what a test
 * passes counts.
 */
function nvote(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NVOTE_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let gateway: Gateway;
const scratch = mkdtempSync(join(tmpdir(), 'nvote-cli-'));

beforeAll(async () => {
  await buildIfStale();
  gateway = await startGateway({
    config: { faultInjection: { enabled: true, token: TOKEN }, methods: { Sort: { versions: TMR } } },
  });
}, 150_000);
afterAll(async () => {
  await gateway?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** RPCs the gateway has started for one method, from its own metrics: proof that a call was or was not sent. */
async function started(method: string): Promise<number | undefined> {
  return sample(await gateway.metrics(), 'grpc_server_started_total', {
    grpc_type: 'unary',
    grpc_service: 'nvote.v1.ComputeService',
    grpc_method: method,
  });
}

describe('nvote call', () => {
  it('lists in its usage every RPC of the generated service definition', async () => {
    const { code, stdout } = await nvote(['call', '--help']);
    expect(code).toBe(0);
    for (const definition of Object.values(ComputeServiceService)) {
      expect(stdout).toContain(definition.path.slice(definition.path.lastIndexOf('/') + 1));
    }
  });

  it('sorts 100,000 values read with --file, too many for an argument list', async () => {
    const values = Array.from({ length: 100_000 }, (_, i) => BigInt.asIntN(64, BigInt(i) * 0x9e3779b97f4a7c15n));
    const file = join(scratch, 'sort-100k.json');
    writeFileSync(file, JSON.stringify({ values: values.map(String) }));
    const { code, stdout, stderr } = await nvote(['call', 'Sort', '--file', file, '--address', gateway.address]);
    expect(code, stderr).toBe(0);
    const answer = JSON.parse(stdout) as { values: string[] };
    expect(answer.values).toEqual([...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String));
    expect(stderr).toMatch(/^vote: (unanimous|majority), \d of 3 agree/m);
  });

  it('reads the request from stdin, named with - or implied when stdin is not a terminal', async () => {
    for (const args of [['call', 'Sort', '-'], ['call', 'Sort']]) {
      const { code, stdout, stderr } = await nvote([...args, '--address', gateway.address], { stdin: '{"values":[3,-1,2]}' });
      expect(code, stderr).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ values: ['-1', '2', '3'] });
    }
  });

  it('keeps int64 values beyond 2^53 exact, as numbers or as strings', async () => {
    const { code, stdout, stderr } = await nvote(
      ['call', 'Sort', '{"values":[9007199254740993, "-9223372036854775808", 9223372036854775807]}', '--address', gateway.address],
    );
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ values: ['-9223372036854775808', '9007199254740993', '9223372036854775807'] });
  });

  it('refuses an unknown field, naming it, and sends nothing', async () => {
    const before = await started('Sort');
    const { code, stdout, stderr } = await nvote(['call', 'Sort', '{"values":[2,1],"valuez":[3]}', '--address', gateway.address]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('key "valuez" is unknown');
    expect(stderr).toContain('nvote.v1.SortRequest');
    expect(await started('Sort')).toBe(before);
  });

  it('refuses a value its field cannot hold ({"n":-5}) by itself, naming the field and the value', async () => {
    const before = await started('Factorize');
    const { code, stderr } = await nvote(['call', 'Factorize', '{"n":-5}', '--address', gateway.address]);
    expect(code).toBe(2);
    expect(stderr).toContain('nvote.v1.FactorizeRequest.n');
    expect(stderr).toContain('-5');
    expect(stderr).not.toContain('INTERNAL');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(await started('Factorize')).toBe(before);
  });

  it('reports a call the gateway refused with its status and reason, and exits 1', async () => {
    const { code, stdout, stderr } = await nvote(['call', 'Factorize', '{"n":1}', '--address', gateway.address]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: INVALID_ARGUMENT .*\(reason OUT_OF_RANGE\)$/m);
    expect(stderr).toMatch(/^vote: /m);
  });

  it.each([
    ['an empty NVOTE_ADDRESS', [], { NVOTE_ADDRESS: '' }, 'NVOTE_ADDRESS is empty'],
    ['a malformed NVOTE_ADDRESS', [], { NVOTE_ADDRESS: '127.0.0.1' }, 'NVOTE_ADDRESS: "127.0.0.1" is not HOST:PORT'],
    ['a malformed --address', ['--address', 'localhost:99999'], {}, '--address: "localhost:99999" is not HOST:PORT'],
  ])('gives a one-line usage error for %s, with no stack trace', async (_, extra, env, message) => {
    const { code, stderr } = await nvote(['call', 'Sort', '{"values":[1]}', ...extra], { env });
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses an unknown method, naming the known ones', async () => {
    const { code, stderr } = await nvote(['call', 'Divide', '{}']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown method "Divide" (known: Sort, ');
  });
});

describe('nvote faults', () => {
  it('injects, lists and clears faults on the admin listener, with the token from --token or the environment', async () => {
    const address = ['--address', adminOf(gateway)];
    const injected = await nvote(['faults', 'inject', 'wrong_value', 'sort-heap', '--count', '5', '--token', TOKEN, ...address]);
    expect(injected.code, injected.stderr).toBe(0);
    const fault = JSON.parse(injected.stdout) as { id: string; spec: { kind: string; versions: string[]; transient: { count: string } } };
    expect(fault.id).toMatch(/^fault-\d+$/);
    expect(fault.spec).toMatchObject({ kind: 'FAULT_KIND_WRONG_VALUE', versions: ['sort-heap'], transient: { count: '5' } });

    const env = { NVOTE_FAULT_INJECTION_TOKEN: TOKEN };
    const listed = await nvote(['faults', 'list', ...address], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { faults: { id: string }[] }).faults.map(each => each.id)).toEqual([fault.id]);

    // The fault is live: the gateway reports it on a call, and the vote masks it.
    const call = await nvote(['call', 'Sort', '{"values":[2,1]}', '--address', gateway.address], { env });
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toEqual({ values: ['1', '2'] });
    expect(call.stderr).toMatch(/sort-heap .*injected wrong_value/);

    const cleared = await nvote(['faults', 'clear', fault.id, ...address], { env });
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(JSON.parse(cleared.stdout)).toEqual({ cleared: 1 });
    const empty = await nvote(['faults', 'list', ...address], { env });
    expect(JSON.parse(empty.stdout)).toEqual({ faults: [] });
  });

  it('sends per-call faults and the token as --metadata on nvote call', async () => {
    const { code, stdout, stderr } = await nvote([
      'call', 'Sort', '{"values":[3,1,2]}', '--address', gateway.address,
      '--metadata', 'x-nvote-fault=exception sort-merge',
      '--metadata', `authorization=Bearer ${TOKEN}`,
      '--metadata', 'x-request-id=cli-metadata-1',
    ]);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ values: ['1', '2', '3'] });
    expect(stderr).toContain('(request cli-metadata-1)');
    expect(stderr).toMatch(/sort-merge .*injected exception/);
    const bad = await nvote(['call', 'Sort', '{"values":[1]}', '--metadata', 'no-equals-sign']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--metadata: "no-equals-sign" is not KEY=VALUE');
  });

  it('reports a refusal without the token as UNAUTHENTICATED, exit 1', async () => {
    const { code, stderr } = await nvote(['faults', 'list', '--address', adminOf(gateway)]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: UNAUTHENTICATED /m);
    expect(stderr).toContain('--token');
  });

  it('finds no fault injection on the compute port, and says where to look', async () => {
    const { code, stderr } = await nvote(['faults', 'list', '--address', gateway.address, '--token', TOKEN]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: UNIMPLEMENTED /m);
    expect(stderr).toContain('admin listener');
  });

  it('refuses a bad fault with every problem at once, sending nothing', async () => {
    const { code, stderr } = await nvote(['faults', 'inject', 'melt', '', '--count', '0', '--probability', '2', '--address', adminOf(gateway)]);
    expect(code).toBe(2);
    for (const problem of ['KIND "melt"', 'name the VERSION', '--count or --probability, not both', '--count: "0"', '--probability: "2"']) {
      expect(stderr).toContain(problem);
    }
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
