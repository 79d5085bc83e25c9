import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplayCommand } from '../../tools/cli/replay-command.js';
import { FaultInjectionServiceClient, FaultKind, type FaultSpec, type InjectFaultResponse } from '../../voter/gen/nvote/v1/fault_injection_service.js';
import { createDisagreementJournal, resolveJournalSettings, type DisagreementJournal } from '../../voter/journal/index.js';
import type { VoteObserver } from '../../voter/pipeline/index.js';
import { buildIfStale, ROOT } from '../helpers/compiled.js';
import { adminOf, faultMetadata } from '../helpers/fault-admin.js';
import { call, startGateway, type Gateway } from '../helpers/start-gateway.js';

const TMR = ['sort-heap', 'sort-merge', 'sort-radix'];
const VALUES = [5n, -3n, 9_223_372_036_854_775_807n, 0n, -9_223_372_036_854_775_808n, 42n];

let gw: Gateway;
let admin: FaultInjectionServiceClient;
let journal: DisagreementJournal;
const scratch = mkdtempSync(join(tmpdir(), 'nvote-replay-'));
const path = join(scratch, 'journal.jsonl');

// The journal is told once every version has settled, after the answer went out: the test waits
// for that rather than for time to pass.
const settled = new Map<string, () => void>();
const settledSignal: VoteObserver = { name: 'settled-signal', voteEnded: ({ requestId }) => settled.get(requestId)?.() };

async function sortSettled(requestId: string, ...faults: string[]): Promise<void> {
  const done = new Promise<void>(resolve => settled.set(requestId, resolve));
  const metadata = faultMetadata(...faults);
  metadata.set('x-request-id', requestId);
  const result = await call(gw.client.sort.bind(gw.client), { values: VALUES }, { metadata, deadlineMs: 5_000 });
  expect(result.error).toBeUndefined();
  await done;
}

function plant(kind: FaultKind, version: string, delayMs = 0n): Promise<string> {
  const spec: FaultSpec = { kind, method: 'Sort', versions: [version], activation: { $case: 'permanent', value: {} }, delayMs, durationMs: 0n, seed: 0n };
  return new Promise((resolve, reject) =>
    admin.injectFault({ spec }, faultMetadata(), (error: ServiceError | null, response: InjectFaultResponse) =>
      error === null && response.fault !== undefined ? resolve(response.fault.id) : reject(error ?? new Error('no fault in the answer')),
    ),
  );
}

function clear(ids: string[]): Promise<void> {
  return new Promise((resolve, reject) => admin.clearFaults({ ids }, faultMetadata(), error => (error === null ? resolve() : reject(error))));
}

async function replay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runReplayCommand([path, '--target', gw.address, ...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

interface ReplayDocument {
  readonly entries: readonly { readonly requestId: string; readonly status: string; readonly versions: readonly { readonly version: string; readonly class: string }[] }[];
  readonly totals: readonly Record<string, number | string>[];
  readonly coFailures: readonly { readonly a: string; readonly b: string; readonly votes: number }[];
}

beforeAll(async () => {
  journal = createDisagreementJournal({
    settings: { ...resolveJournalSettings(), path, fsync: 'never' },
    logger: pino({ level: 'silent' }),
  });
  gw = await startGateway({
    config: { faultInjection: { enabled: true }, methods: { Sort: { versions: TMR } }, stragglerGraceMs: 10_000 },
    observers: [journal, settledSignal],
  });
  // Faults are planted on the admin listener; the replay goes to the compute port.
  admin = new FaultInjectionServiceClient(adminOf(gw), credentials.createInsecure());
  await sortSettled('unanimous-1');
  await sortSettled('dissent', 'wrong_value sort-heap');
  await sortSettled('unanimous-2');
  await journal.close();
  // The healthy versions answer later than sort-heap on every replayed call: its verdict is in
  // when the majority answers, never `pending`.
  await plant(FaultKind.FAULT_KIND_DELAY, 'sort-merge', 150n);
  await plant(FaultKind.FAULT_KIND_DELAY, 'sort-radix', 150n);
}, 60_000);
afterAll(async () => {
  admin?.close();
  await gw?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('nvote replay against a real gateway', () => {
  it('reports the version that gave a wrong value then as fixed once the fault is gone, and exits 0', async () => {
    const { code, stdout } = await replay('--json');
    const document = JSON.parse(stdout) as ReplayDocument;
    expect(document.entries).toHaveLength(1);
    expect(document.entries[0]?.requestId).toBe('dissent');
    expect(document.entries[0]?.status).toBe('replayed');
    const [heap, ...healthy] = document.entries[0]?.versions ?? [];
    expect(heap).toMatchObject({ version: 'sort-heap', class: 'fixed' });
    // The slower healthy version is still running when the majority answers: it says nothing.
    expect(healthy.map(version => version.version)).toEqual(['sort-merge', 'sort-radix']);
    for (const version of healthy) expect(['ok', 'unknown']).toContain(version.class);
    // The journal's counts cover the unanimous calls too.
    expect(document.coFailures.map(pair => [pair.a, pair.b, pair.votes])).toEqual([
      ['sort-heap', 'sort-merge', 3],
      ['sort-heap', 'sort-radix', 3],
      ['sort-merge', 'sort-radix', 3],
    ]);
    expect(code).toBe(0);
  });

  it('reports it as still failing, in the report and the exit status, while a permanent fault stays planted', async () => {
    const wrong = await plant(FaultKind.FAULT_KIND_WRONG_VALUE, 'sort-heap');
    try {
      const json = await replay('--json');
      const document = JSON.parse(json.stdout) as ReplayDocument;
      expect(document.entries[0]?.versions[0]).toMatchObject({ version: 'sort-heap', class: 'still' });
      expect(document.totals[0]).toMatchObject({ method: 'Sort', entries: 1, replayed: 1, fixed: 0, still: 1, new: 0 });
      expect(json.code).toBe(1);
      const text = await replay();
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/still failing or failing anew:\n {2}Sort dissent .*sort-heap still \(disagree -> disagree\)/);
      expect(text.stdout).toContain('co-failures, from the journal');
    } finally {
      await clear([wrong]);
    }
  });

  it('starts a compiled gateway of its own without --target, and stops it', async () => {
    await buildIfStale();
    // Its gateway runs the four built-in Sort versions, none delayed: sort-heap may still be
    // running when three agree, so the entry is sent again until it has a verdict.
    const run = await promisify(execFile)(process.execPath, [join(ROOT, 'dist/tools/cli/nvote.js'), 'replay', path, '--json', '--attempts', '20'], {
      cwd: ROOT,
      timeout: 120_000,
    });
    const document = JSON.parse(run.stdout) as ReplayDocument;
    expect(document.entries[0]?.versions[0]).toMatchObject({ version: 'sort-heap', class: 'fixed' });
    const pid = Number(/replay: started a gateway on 127\.0\.0\.1:\d+ \(pid (\d+)\)/.exec(run.stderr)?.[1]);
    expect(pid).toBeGreaterThan(0);
    // The command waits for its gateway's exit before it exits itself.
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  }, 150_000);

  it('exits 2 on a journal it cannot read, without sending anything', async () => {
    let stderr = '';
    const code = await runReplayCommand([join(scratch, 'absent.jsonl'), '--target', gw.address], {
      stdout: { write: () => undefined },
      stderr: { write: (text: string) => (stderr += text) },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read the journal');
  });
});
