/**
 * `nvote replay JOURNAL`: re-sends the inputs of a gateway's disagreement journal to a gateway
 * (the given one, or one it starts) and says, per entry and version, what was fixed since, what
 * still fails and what fails anew; and from the journal alone, which versions fail together.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startGatewayProcess, type GatewayProcess } from '../campaign/gateway-process.js';
import { coFailures } from '../replay/co-failures.js';
import { journalWindow } from '../replay/journal-window.js';
import { journalFiles, readJournal, type JournalRead } from '../replay/read-journal.js';
import { renderReplay } from '../replay/render-replay.js';
import { createReplayTarget, type ReplayTarget } from '../replay/replay-target.js';
import { runReplay } from '../replay/run-replay.js';
import { parseAddress } from './address.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

export const REPLAY_USAGE = `usage: nvote replay JOURNAL [--target HOST:PORT] [--all] [--json] [options]
  JOURNAL            the journal file a gateway writes (journal.path)
  --all              read its rotated files too (JOURNAL.N ... JOURNAL.1, oldest first), then JOURNAL
  --target HOST:PORT gateway to replay against; default: start one on 127.0.0.1 (compiled, built-in versions)
  --config PATH      configuration of the gateway it starts (its journal is left off)
  --attempts N       sends per entry at most, while a version it judges was still running (default 3)
  --deadline-ms MS   each call's deadline (default 30000)
  --json             print one JSON document instead of the report
  Versions: fixed = failed or dissented then, agrees now; still = fails again; new = agreed then,
  fails now; unknown = no verdict now (pending, cancelled, unconfirmed, not run here).
  Entries whose input was omitted (larger than maxInputBytes) are listed as unreplayable.
  Malformed lines are reported with their line number and skipped.
  exit status: 0 nothing still fails or fails anew, 1 something does (or a call got no vote),
  2 bad usage or an unreadable journal`;

// As for `campaign`: the compiled gateway next to this compiled command, in a process of its own.
const GATEWAY_MAIN = new URL('../../voter/main.js', import.meta.url).pathname;
// Plain progress lines at most this often: a replay sends one call at a time.
const PROGRESS_INTERVAL_MS = 2_000;

export type ReplayCommandIo = Pick<CliIo, 'stdout' | 'stderr'>;

/** Runs `nvote replay` with the arguments after `replay`; resolves with the exit code. */
export async function runReplayCommand(args: readonly string[], io: ReplayCommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: 'string' },
        config: { type: 'string' },
        all: { type: 'boolean' },
        json: { type: 'boolean' },
        attempts: { type: 'string' },
        'deadline-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  if (values.help === true) {
    io.stdout.write(`${REPLAY_USAGE}\n`);
    return 0;
  }
  const [path, ...extra] = positionals;
  if (path === undefined) throw new UsageError('name the journal file');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (values.target !== undefined && values.config !== undefined) throw new UsageError('--config is for the gateway replay starts; not with --target');
  const attempts = integerOf(values.attempts, '--attempts', 3, 1, 100);
  const deadlineMs = integerOf(values['deadline-ms'], '--deadline-ms', 30_000, 1, 3_600_000);
  const target = values.target === undefined ? undefined : parseAddress(values.target, '--target');
  const config = values.config === undefined ? undefined : configOf(values.config);

  let read: JournalRead;
  try {
    read = await readJournal(journalFiles(path, values.all === true));
  } catch (error) {
    io.stderr.write(`nvote replay: cannot read the journal: ${(error as Error).message}\n`);
    return 2;
  }
  // Each is named in the report (and the JSON document); stderr says at once that there were some.
  if (read.malformed.length > 0) io.stderr.write(`replay: ${read.malformed.length} malformed line(s) skipped, first ${placeOf(read.malformed[0])}\n`);
  const pairs = coFailures(journalWindow(read));

  let gateway: GatewayProcess | undefined;
  try {
    let address = target;
    if (address === undefined && read.votes.some(({ line }) => line.input !== undefined)) {
      // Its own loopback ports whatever the file says, its start-up lines (read for readiness)
      // logged, and no journal: a replay must not write into the journal it reads.
      const own = { listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'info', journal: undefined };
      gateway = await startGatewayProcess({ main: GATEWAY_MAIN, waitForVersions: true, config: { ...config, ...own } });
      address = gateway.grpc;
      io.stderr.write(`replay: started a gateway on ${address} (pid ${gateway.pid})\n`);
    }
    // Without a gateway every entry is unreplayable (none was started, since none had an input).
    const client: ReplayTarget =
      address === undefined ? { send: async () => ({ kind: 'unencodable', reason: 'no gateway' }), close: () => undefined } : createReplayTarget(address, deadlineMs);
    let result;
    try {
      let lastProgress = performance.now();
      let reported = false;
      result = await runReplay(read, client, {
        attempts,
        onProgress(done, total) {
          const now = performance.now();
          if (now - lastProgress < PROGRESS_INTERVAL_MS && !(reported && done === total)) return;
          lastProgress = now;
          reported = true;
          io.stderr.write(`replay: ${done}/${total} entries\n`);
        },
      });
    } finally {
      client.close();
    }
    if (values.json === true) {
      const document = { format: 'nvote-replay/1', journal: { files: read.files, votes: read.votes.length, malformed: read.malformed }, ...result, coFailures: pairs };
      io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      io.stdout.write(renderReplay({ read, result, pairs }));
    }
    const failing = result.totals.some(totals => totals.still > 0 || totals.new > 0 || totals.unanswered > 0);
    return failing ? 1 : 0;
  } finally {
    await gateway?.stop();
  }
}

function placeOf(place: { readonly file: string; readonly lineNumber: number } | undefined): string {
  return place === undefined ? '' : `${place.file}:${place.lineNumber}`;
}

function integerOf(text: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`${flag}: "${text}" is not an integer from ${min} to ${max}`);
  return value;
}

function configOf(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--config: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--config: ${path} does not hold a JSON object`);
  return value as Record<string, unknown>;
}
