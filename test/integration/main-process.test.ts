import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = new URL('../../voter/main.ts', import.meta.url).pathname;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the gateway process; `onLine` may send it a signal once it has logged what we wait for. */
function runGateway(args: string[], onLine?: (line: string, kill: (signal: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, NVOTE_LISTEN: '', NVOTE_METRICS_LISTEN: '', NVOTE_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stdout += text;
      for (const line of text.split('\n')) if (line) onLine?.(line, signal => child.kill(signal));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the gateway process', () => {
  it('logs the bound addresses for port 0 and exits 0 on SIGTERM after draining', async () => {
    const run = await runGateway(['--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'], (line, kill) => {
      if (line.includes('nvote gateway listening')) kill('SIGTERM');
    });
    expect(run.code).toBe(0);
    const listening = run.stdout.split('\n').find(line => line.includes('nvote gateway listening'));
    const logged = JSON.parse(listening ?? '{}') as { grpc?: string; metrics?: string };
    expect(logged.grpc).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(logged.metrics).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(run.stdout).toContain('nvote gateway stopped');
  });

  it('refuses a bad configuration file listing every problem, with a non-zero exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nvote-config-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        maxInFlight: -1,
        methods: { Sort: { versions: ['sort-merge', 'sort-heap'] }, Nope: {} },
      }),
    );
    const run = await runGateway(['--config', file, '--listen', '127.0.0.1:0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('maxInFlight');
    // Schema and semantic problems alike, in one round.
    expect(run.stderr).toContain('methods.Nope: unknown method');
    expect(run.stderr).toContain('methods.Sort.versions: 2 configured, at least 3');
  });

  it('rejects an unknown flag with usage and exit code 2', async () => {
    const run = await runGateway(['--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: nvote-gateway');
  });
});
