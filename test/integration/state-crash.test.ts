import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { readStateFile, removeStaleTempFiles, type ValidatePayload } from '../../voter/state/index.js';

const LOOP = new URL('../fixtures/state/checkpoint-loop.ts', import.meta.url).pathname;
const IDENTITY = 'crash-test';

const validateCounter: ValidatePayload<{ counter: number }> = payload => {
  const counter = (payload as { counter?: unknown } | null)?.counter;
  return typeof counter === 'number' ? { ok: true, value: { counter } } : { ok: false, problems: ['counter: missing'] };
};

/**
 * Runs the checkpoint loop until it has reported `killAfter` completed writes, kills it with
 * SIGKILL in the middle of whatever write comes next, and returns the last write it reported.
 * Synchronised on the child's own reports, not on time.
 */
function killMidWrite(path: string, killAfter: number, paddingBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOOP, path, IDENTITY, String(paddingBytes)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let lastReported = 0;
    createInterface({ input: child.stdout }).on('line', line => {
      const match = /^written (\d+)$/.exec(line);
      if (match === null) return;
      lastReported = Number(match[1]);
      if (lastReported === killAfter) child.kill('SIGKILL');
    });
    child.on('error', reject);
    // 'close' comes after stdout is drained: every report the child made before dying is counted.
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(lastReported);
      else reject(new Error(`checkpoint loop ended with code ${String(code)} before it was killed`));
    });
  });
}

describe('a checkpoint killed mid-write', () => {
  // Small, medium and large payloads move where in a write the kill lands; the kill points vary with them.
  const runs = [
    { killAfter: 1, paddingBytes: 1_000 },
    { killAfter: 7, paddingBytes: 256_000 },
    { killAfter: 20, paddingBytes: 2_000_000 },
  ];

  it('restores the last reported checkpoint or the one after it, never a torn file', { timeout: 20_000 }, async () => {
    const dirs = await Promise.all(runs.map(() => mkdtemp(join(tmpdir(), 'nvote-state-crash-'))));
    try {
      const outcomes = await Promise.all(
        runs.map(async ({ killAfter, paddingBytes }, index) => {
          const path = join(dirs[index] ?? '', 'state.json');
          const lastReported = await killMidWrite(path, killAfter, paddingBytes);
          const result = await readStateFile(path, { identity: IDENTITY, validate: validateCounter });
          // A crash leaves at most its temporary file, which is litter, not state.
          await removeStaleTempFiles(path);
          return { killAfter, lastReported, result, left: await readdir(dirs[index] ?? '') };
        }),
      );
      for (const { killAfter, lastReported, result, left } of outcomes) {
        expect(lastReported).toBeGreaterThanOrEqual(killAfter);
        expect(result.kind).toBe('restored');
        if (result.kind !== 'restored') continue;
        // Loss is bounded by the checkpoint in flight: the file is the last completed one, or the
        // one whose rename landed before the report could be written.
        expect([lastReported, lastReported + 1]).toContain(result.payload.counter);
        expect(left).toEqual(['state.json']);
      }
    } finally {
      await Promise.all(dirs.map(dir => rm(dir, { recursive: true, force: true })));
    }
  });
});
