import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReplayCommand } from '../../tools/cli/replay-command.js';
import { UsageError } from '../../tools/cli/usage-error.js';

const scratch = mkdtempSync(join(tmpdir(), 'nvote-replay-command-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function replay(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runReplayCommand(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

// A vote whose input was too large to keep: listed, never sent, so no gateway is needed.
const OMITTED = {
  format: 'nvote-journal/1',
  kind: 'vote',
  run: 'r',
  seq: 4,
  requestId: 'big-sort',
  time: '2026-12-01T12:00:00.000Z',
  method: 'Sort',
  inputOmitted: { bytes: 2_000_000, sha256: 'a'.repeat(64) },
  outcome: 'majority',
  agreeing: 2,
  versions: [
    { version: 'sort-heap', verdict: 'disagree', failed: true, ms: 3 },
    { version: 'sort-merge', verdict: 'agree', failed: false, ms: 3 },
    { version: 'sort-radix', verdict: 'agree', failed: false, ms: 3 },
  ],
};

describe('nvote replay, before anything is sent', () => {
  it('skips malformed lines, naming each with its line number, and lists an omitted input as unreplayable', async () => {
    const path = join(scratch, 'journal.jsonl');
    writeFileSync(path, ['{"format":"nvote-journal/1","kind":"counts","run":"r","time":"t","votes":{}}', 'garbage', JSON.stringify(OMITTED), '{"torn":'].join('\n'));
    const { code, stdout, stderr } = await replay([path]);
    expect(stderr).toContain(`replay: 2 malformed line(s) skipped, first ${path}:2`);
    expect(stdout).toMatch(/2 malformed line\(s\) skipped:\n {2}journal\.jsonl:2: not JSON.*\n {2}journal\.jsonl:4: not JSON/);
    expect(stdout).toMatch(/Sort big-sort \(journal\.jsonl:3\) unreplayable: input of 2000000 bytes omitted/);
    // The matrix comes from the journal alone: 4 votes counted, one of them journaled.
    expect(stdout).toMatch(/Sort\s+sort-heap\s+sort-merge\s+4\s+1\s+0\s+0\s+0\.00/);
    expect(code).toBe(0);
  });

  it('prints one JSON document with --json', async () => {
    const path = join(scratch, 'only-omitted.jsonl');
    writeFileSync(path, `${JSON.stringify(OMITTED)}\n`);
    const { code, stdout } = await replay([path, '--json']);
    const document = JSON.parse(stdout) as { format: string; entries: { status: string }[]; totals: unknown[]; coFailures: unknown[] };
    expect(document.format).toBe('nvote-replay/1');
    expect(document.entries.map(entry => entry.status)).toEqual(['unreplayable']);
    expect(document.totals).toEqual([expect.objectContaining({ method: 'Sort', entries: 1, unreplayable: 1, replayed: 0 })]);
    expect(document.coFailures).toHaveLength(3);
    expect(code).toBe(0);
  });

  it('exits 2 on a journal it cannot read', async () => {
    const { code, stderr } = await replay([join(scratch, 'absent.jsonl')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot read the journal: .*ENOENT/);
  });

  it('refuses bad usage with a UsageError (exit 2), naming the flag', async () => {
    await expect(replay([])).rejects.toThrow(new UsageError('name the journal file'));
    await expect(replay(['j', '--attempts', '0'])).rejects.toThrow(/--attempts: "0" is not an integer from 1 to 100/);
    await expect(replay(['j', '--target', 'nowhere'])).rejects.toThrow(/--target/);
    await expect(replay(['j', '--target', '127.0.0.1:1', '--config', 'c.json'])).rejects.toThrow(/--config/);
    await expect(replay(['j', '--bogus'])).rejects.toThrow(UsageError);
  });
});
