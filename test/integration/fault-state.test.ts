import { credentials } from '@grpc/grpc-js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { spawn } from 'node:child_process';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ComputeServiceClient } from '../../voter/gen/nvote/v1/compute_service.js';
import { readStateFile } from '../../voter/state/index.js';
import { resolveConfig } from '../../voter/config.js';
import { faultStateIdentity, validateFaultState } from '../../voter/fault-state.js';
import { builtInMethods } from '../../voter/methods/built-in.js';
import { buildIfStale, ROOT } from '../helpers/compiled.js';
import { adminOf, FaultKind, plantFault } from '../helpers/fault-admin.js';
import { call, reportOf, sample, startGateway, TEST_FAULT_TOKEN, type Gateway } from '../helpers/start-gateway.js';

const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];
let directory: string;
let stateFile: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'nvote-state-'));
  stateFile = join(directory, 'state.json');
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function config(extra: Record<string, unknown> = {}) {
  return {
    faultInjection: { enabled: true },
    methods: { Sort: { versions: TMR } },
    quarantine: { windowSize: 4, failureThreshold: 3, reinstateAfterProbes: 3 },
    stateFile,
    ...extra,
  };
}

/** A logger whose JSON lines the test can read. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function sortReport(gw: Gateway) {
  return reportOf((await call(gw.client.sort.bind(gw.client), { values: [3n, 1n, 2n] }, { deadlineMs: 5_000 })).trailers);
}

describe('fault-management state across restarts', () => {
  it('restores a quarantine after a restart, before the first call, and logs its age', async () => {
    const first = await startGateway({ config: config() });
    try {
      await plantFault(adminOf(first), { kind: FaultKind.FAULT_KIND_WRONG_VALUE, versions: ['sort-heap'] });
      for (let i = 0; i < 3; i++) await sortReport(first);
      await vi.waitFor(async () => expect(sample(await first.metrics(), 'nvote_version_quarantined', { method: 'Sort', version: 'sort-heap' })).toBe(1), {
        timeout: 5_000,
        interval: 20,
      });
    } finally {
      // A clean stop writes the final checkpoint.
      await first.stop();
    }

    const { logger, lines } = capturedLogger();
    await using second = await startGateway({ config: config(), logger });
    expect(sample(await second.metrics(), 'nvote_version_quarantined', { method: 'Sort', version: 'sort-heap' })).toBe(1);
    expect((await sortReport(second)).versions.map(version => version.version)).toEqual(['sort-merge', 'sort-radix']);
    const restored = lines.find(line => line['msg'] === 'fault-management state restored');
    expect(restored).toMatchObject({ path: stateFile, quarantined: ['Sort/sort-heap'] });
    expect(restored?.['ageSeconds']).toBeGreaterThanOrEqual(0);
  });

  it('refuses a corrupt state file with one clear log line and starts clean', async () => {
    await writeFile(stateFile, '{"format":"nvote-state","version":1');
    const { logger, lines } = capturedLogger();
    await using gw = await startGateway({ config: config(), logger });
    expect((await sortReport(gw)).configuredVersions).toBe(3);
    const refusals = lines.filter(line => line['path'] === stateFile && line['level'] === 40);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ code: 'truncated' });
    expect(refusals[0]?.['msg']).toMatch(/cut short/);
    expect(refusals[0]?.['msg']).toMatch(/starting clean$/);
  });

  it('refuses a state file of another configuration as foreign', async () => {
    const other = await startGateway({ config: config({ methods: { Sort: { versions: ['sort-merge', 'sort-heap', 'sort-radix', 'sort-typed-array'] } } }) });
    await other.stop();
    expect((await readFile(stateFile, 'utf8')).startsWith('{"format":"nvote-state"')).toBe(true);
    const { logger, lines } = capturedLogger();
    await using gw = await startGateway({ config: config(), logger });
    expect(lines.find(line => line['code'] === 'foreign')?.['msg']).toMatch(/another configuration/);
    expect((await sortReport(gw)).configuredVersions).toBe(3);
  });
});

describe('a gateway killed with SIGKILL between checkpoints', () => {
  beforeAll(buildIfStale, 150_000);

  it('leaves the last complete checkpoint, which the next gateway restores', async () => {
    // The compiled gateway gets no test token by default: it needs one to enable fault injection at all.
    const settings = config({
      faultInjection: { enabled: true, token: TEST_FAULT_TOKEN },
      checkpointIntervalMs: 200,
      listen: '127.0.0.1:0',
      metricsListen: '127.0.0.1:0',
      adminListen: '127.0.0.1:0',
      logLevel: 'info',
    });
    const configFile = join(directory, 'config.json');
    await writeFile(configFile, JSON.stringify(settings));
    const identity = faultStateIdentity(resolveConfig(settings, builtInMethods));
    const child = spawn(process.execPath, [join(ROOT, 'dist/voter/main.js'), '--config', configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NVOTE_CONFIG: '' },
    });
    const exited = new Promise<NodeJS.Signals | null>(resolve => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      const { address, admin } = await new Promise<{ address: string; admin: string }>((resolve, reject) => {
        let buffered = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          const listening = lines.find(line => line.includes('nvote gateway listening'));
          if (listening === undefined || !lines.some(line => line.includes('versions loaded'))) return;
          const addresses = JSON.parse(listening) as { grpc: string; admin?: string };
          if (addresses.admin === undefined) reject(new Error(`no admin address in ${listening}`));
          else resolve({ address: addresses.grpc, admin: addresses.admin });
        });
        void exited.then(signal => reject(new Error(`gateway exited (${signal}) before it was ready`)));
      });
      const client = new ComputeServiceClient(address, credentials.createInsecure());
      try {
        await plantFault(admin, { kind: FaultKind.FAULT_KIND_WRONG_VALUE, versions: ['sort-heap'] });
        const sortOnce = () => call(client.sort.bind(client), { values: [3n, 1n, 2n] }, { deadlineMs: 5_000 });
        for (let i = 0; i < 3; i++) await sortOnce();
        // Wait for a checkpoint that holds the quarantine, then make more calls: their verdicts
        // are what a kill before the next checkpoint loses (at most one interval's worth).
        await vi.waitFor(
          async () => {
            const state = await readStateFile(stateFile, { identity, validate: validateFaultState });
            expect(state.kind === 'restored' && state.payload.quarantine['Sort']?.['sort-heap']?.standing).toBe('quarantined');
          },
          { timeout: 10_000, interval: 50 },
        );
        for (let i = 0; i < 5; i++) await sortOnce();
      } finally {
        client.close();
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    } finally {
      child.kill('SIGKILL');
    }

    const state = await readStateFile(stateFile, { identity, validate: validateFaultState });
    expect(state.kind).toBe('restored');
    await using next = await startGateway({ config: config() });
    expect(sample(await next.metrics(), 'nvote_version_quarantined', { method: 'Sort', version: 'sort-heap' })).toBe(1);
    expect((await sortReport(next)).versions.map(version => version.version)).toEqual(['sort-merge', 'sort-radix']);
  }, 120_000);
});
