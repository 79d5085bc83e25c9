import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Loading every version in two workers each takes seconds on a loaded machine, never a minute.
const START_LIMIT_MS = 60_000;

export interface GatewayExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A compiled gateway in a process of its own, as a test harness should meet it. */
export interface GatewayProcess {
  readonly pid: number;
  readonly grpc: string;
  readonly metrics: string;
  /** The admin listener (fault injection, operator service), when the configuration enables one. */
  readonly admin: string | undefined;
  /** Settles when the process exits, for whatever reason. */
  readonly exited: Promise<GatewayExit>;
  /** The last lines the process wrote to stderr (a fatal error ends up there). */
  stderrTail(): string;
  /** RSS (MB) and OS threads, from /proc; undefined once the process is gone or off Linux. */
  footprint(): { readonly rssMb: number; readonly threads: number } | undefined;
  /** The sum of a metric's samples, from the gateway's own /metrics; undefined if unreachable. */
  metricSum(name: string): Promise<number | undefined>;
  /** SIGTERM, then the exit. */
  stop(): Promise<GatewayExit>;
}

export interface GatewayProcessOptions {
  /** The compiled gateway entry, `dist/voter/main.js`. */
  readonly main: string;
  /** Configuration for the gateway (written to a file it is given with --config). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Resolve once the versions are loaded (health from their verdicts), not merely listening. */
  readonly waitForVersions?: boolean;
  /** Where to keep the gateway's log (JSON lines), for a post-mortem; otherwise it is drained unread. */
  readonly logFile?: string;
}

/**
 * Starts `node main.js` on 127.0.0.1 ports picked by the OS, reads where it listens from its log,
 * then drains its stdout unread (a pipe nobody reads would block the gateway's logging).
 */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const directory = mkdtempSync(join(tmpdir(), 'nvote-gateway-'));
  const configFile = join(directory, 'config.json');
  writeFileSync(configFile, JSON.stringify({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', adminListen: '127.0.0.1:0', ...options.config }));
  const child = spawn(process.execPath, [options.main, '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NVOTE_CONFIG: '', NVOTE_LISTEN: '', NVOTE_METRICS_LISTEN: '' },
  });
  if (options.logFile !== undefined) child.stdout.pipe(createWriteStream(options.logFile));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
  const exited = new Promise<GatewayExit>(resolve => child.on('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => rmSync(directory, { recursive: true, force: true }));

  const addresses = await new Promise<{ grpc: string; metrics: string; admin: string | undefined }>((resolve, reject) => {
    let pending = '';
    let listening: { grpc: string; metrics: string; admin?: string } | undefined;
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (done) return;
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"nvote gateway listening"')) listening = JSON.parse(line) as { grpc: string; metrics: string; admin?: string };
        const ready = options.waitForVersions === true ? line.includes('"msg":"versions loaded') || line.includes('did not start') : listening !== undefined;
        if (ready && listening !== undefined) {
          done = true;
          resolve({ grpc: listening.grpc, metrics: listening.metrics, admin: listening.admin });
          return;
        }
      }
    });
    void exited.then(({ code, signal }) => {
      if (!done) reject(new Error(`the gateway exited (${code ?? signal}) before it was ready:\n${stderr}`));
    });
    setTimeout(() => {
      if (done) return;
      child.kill('SIGKILL');
      reject(new Error(`the gateway was not ready within ${START_LIMIT_MS} ms:\n${stderr}`));
    }, START_LIMIT_MS).unref();
  });
  const pid = child.pid as number;

  return {
    pid,
    ...addresses,
    exited,
    stderrTail: () => stderr,
    footprint() {
      try {
        const text = readFileSync(`/proc/${pid}/status`, 'utf8');
        const rss = /VmRSS:\s+(\d+) kB/.exec(text)?.[1];
        const threads = /Threads:\s+(\d+)/.exec(text)?.[1];
        return rss === undefined || threads === undefined ? undefined : { rssMb: Math.round(Number(rss) / 1024), threads: Number(threads) };
      } catch {
        return undefined;
      }
    },
    async metricSum(name) {
      try {
        const text = await (await fetch(`http://${addresses.metrics}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
        let total = 0;
        for (const line of text.split('\n')) {
          if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
        }
        return total;
      } catch {
        return undefined;
      }
    },
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
