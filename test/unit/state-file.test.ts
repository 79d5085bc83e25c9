import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readStateFile, removeStaleTempFiles, StateWriteError, writeStateFile, type RefusalCode, type StateReadResult, type ValidatePayload } from '../../voter/state/index.js';

const IDENTITY = 'sha256:methods=Sort[sort-merge,sort-heap,sort-radix]';
const WRITTEN_AT = new Date('2026-12-01T12:00:00.000Z');
const READ_AT = WRITTEN_AT.getTime() + 1_500;

const scoresSchema = z.strictObject({ scores: z.record(z.string(), z.number()), quarantined: z.array(z.string()) });
type Scores = z.infer<typeof scoresSchema>;
const SCORES: Scores = { scores: { 'sort-merge': 1, 'sort-heap': 0.25, 'sort-radix': 0.875 }, quarantined: ['sort-heap'] };

const validateScores: ValidatePayload<Scores> = payload => {
  const parsed = scoresSchema.safeParse(payload);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems: parsed.error.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`) };
};

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvote-state-'));
  path = join(dir, 'state.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (payload: unknown = SCORES, identity = IDENTITY) => writeStateFile(path, payload, { identity, now: () => WRITTEN_AT });
const read = (identity = IDENTITY) => readStateFile(path, { identity, validate: validateScores, now: () => READ_AT });

function refusal(result: StateReadResult<Scores>): { code: RefusalCode; reason: string } {
  if (result.kind !== 'refused') throw new Error(`expected a refusal, got ${result.kind}`);
  return { code: result.code, reason: result.reason };
}

/** The file's header line as an object, to be tampered with, and its payload bytes. */
async function splitFile(): Promise<{ header: Record<string, unknown>; body: Buffer }> {
  const bytes = await readFile(path);
  const newline = bytes.indexOf(0x0a);
  return { header: JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Record<string, unknown>, body: bytes.subarray(newline + 1) };
}

async function rewriteHeader(change: (header: Record<string, unknown>) => void): Promise<void> {
  const { header, body } = await splitFile();
  change(header);
  await writeFile(path, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
}

describe('writeStateFile and readStateFile', () => {
  it('restores the payload written, with its time and age', async () => {
    const written = await write();
    expect(written).toEqual({ path, bytes: (await readFile(path)).length, writtenAt: WRITTEN_AT.toISOString() });
    expect(await read()).toEqual({ kind: 'restored', payload: SCORES, writtenAt: WRITTEN_AT.toISOString(), ageMs: 1_500 });
  });

  it('writes one header line with the format marker, version, time, identity and payload checksum, then the payload as JSON', async () => {
    await write();
    const { header, body } = await splitFile();
    expect(header).toEqual({
      format: 'nvote-state',
      version: 1,
      writtenAt: WRITTEN_AT.toISOString(),
      identity: IDENTITY,
      payloadBytes: body.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
    expect(JSON.parse(body.toString('utf8'))).toEqual(SCORES);
  });

  it('replaces the previous file and leaves no temporary file behind', async () => {
    await write({ scores: { a: 1 }, quarantined: [] });
    await write();
    expect(await read()).toMatchObject({ kind: 'restored', payload: SCORES });
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('reports absent when there is no file, the normal first start', async () => {
    expect(await read()).toEqual({ kind: 'absent' });
  });
});

describe('readStateFile refuses a file it cannot trust, naming why, and never throws', () => {
  it('refuses a file cut short at any offset as truncated', async () => {
    await write();
    const whole = await readFile(path);
    const newline = whole.indexOf(0x0a);
    // Empty, inside the header, just before and after its newline, inside the payload, one byte short.
    const offsets = [0, 1, Math.floor(newline / 2), newline, newline + 1, newline + 10, whole.length - 1];
    for (const offset of offsets) {
      await writeFile(path, whole.subarray(0, offset));
      const { code, reason } = refusal(await read());
      expect({ offset, code }).toEqual({ offset, code: 'truncated' });
      expect(reason).toContain(path);
    }
    expect(refusal(await read()).reason).toBe(`state file ${path} is truncated: it holds ${whole.length - newline - 2} of the ${whole.length - newline - 1} payload bytes its header announces`);
  });

  it('refuses a file with a flipped byte anywhere in its payload as corrupt', async () => {
    await write();
    const whole = await readFile(path);
    const start = whole.indexOf(0x0a) + 1;
    for (const position of [start, start + Math.floor((whole.length - start) / 2), whole.length - 1]) {
      const flipped = Buffer.from(whole);
      flipped[position] = (flipped[position] ?? 0) ^ 0x01;
      await writeFile(path, flipped);
      expect(refusal(await read())).toEqual({ code: 'checksum-mismatch', reason: `state file ${path} is corrupt: the sha256 of its payload does not match its header` });
    }
  });

  it('refuses a file with another format marker, or some other JSON file, as not a state file', async () => {
    await write();
    await rewriteHeader(header => {
      header['format'] = 'other-state';
    });
    expect(refusal(await read())).toEqual({ code: 'wrong-format', reason: `file ${path} is not an nvote state file (format marker "other-state", expected "nvote-state")` });
    await writeFile(path, '{\n  "listen": "0.0.0.0:50051"\n}\n');
    expect(refusal(await read()).code).toBe('malformed');
    await writeFile(path, '{"listen": "0.0.0.0:50051"}\n');
    expect(refusal(await read())).toEqual({ code: 'wrong-format', reason: `file ${path} is not an nvote state file (format marker missing, expected "nvote-state")` });
  });

  it('refuses format version 2, which this gateway does not read', async () => {
    await write();
    await rewriteHeader(header => {
      header['version'] = 2;
    });
    expect(refusal(await read())).toEqual({ code: 'unsupported-version', reason: `state file ${path} has format version 2; this gateway reads version 1 only` });
  });

  it('refuses an intact file written under another identity as foreign', async () => {
    await write(SCORES, 'sha256:methods=Sort[sort-merge,sort-heap,sort-shell]');
    expect(refusal(await read())).toEqual({
      code: 'foreign',
      reason: `state file ${path} belongs to another configuration (identity "sha256:methods=Sort[sort-merge,sort-heap,sort-shell]", this gateway is "${IDENTITY}")`,
    });
  });

  it('refuses a payload that fails validation, listing every problem', async () => {
    await write({ scores: { 'sort-merge': 'high' } });
    const { code, reason } = refusal(await read());
    expect(code).toBe('invalid-payload');
    expect(reason).toMatch(new RegExp(`^state file ${path} holds a payload this gateway does not accept: scores\\.sort-merge: .+; quarantined: .+$`));
  });

  it('refuses a payload whose check throws, with the thrown message', async () => {
    await write();
    const validate: ValidatePayload<Scores> = () => {
      throw new Error('weights do not sum to 1');
    };
    expect(refusal(await readStateFile(path, { identity: IDENTITY, validate }))).toEqual({
      code: 'invalid-payload',
      reason: `state file ${path} holds a payload this gateway does not accept: the check threw: weights do not sum to 1`,
    });
  });

  it('refuses a header with missing or mistyped fields as malformed', async () => {
    await write();
    await rewriteHeader(header => {
      header['writtenAt'] = 'yesterday';
      delete header['sha256'];
    });
    expect(refusal(await read())).toEqual({ code: 'malformed', reason: `state file ${path} has a malformed header: writtenAt is not an ISO time; sha256 is not a sha256 in hex` });
  });

  it('refuses bytes after the payload as malformed', async () => {
    await write();
    await writeFile(path, Buffer.concat([await readFile(path), Buffer.from('\n')]));
    expect(refusal(await read()).code).toBe('malformed');
  });

  it('refuses a directory at the path, or a path through a file, as unreadable', async () => {
    await mkdir(path);
    const { code, reason } = refusal(await read());
    expect(code).toBe('unreadable');
    expect(reason).toMatch(new RegExp(`^state file ${path} cannot be read: EISDIR`));
    const throughFile = join(dir, 'state.json', 'x');
    await rm(path, { recursive: true });
    await writeFile(path, 'a file');
    expect(refusal(await readStateFile(throughFile, { identity: IDENTITY, validate: validateScores })).code).toBe('unreadable');
  });
});

describe('temporary files', () => {
  it('ignores a temporary file left by a crashed write, and removes it on request', async () => {
    const stale = '.state.json.4242.0123456789ab.tmp';
    await writeFile(join(dir, stale), '{"format":"nvote-state","version":1,"writtenAt":"2026-');
    expect(await read()).toEqual({ kind: 'absent' });
    await write();
    expect(await read()).toMatchObject({ kind: 'restored', payload: SCORES });
    // This process's own temporary names are spared: one may be a write in progress.
    const own = `.state.json.${process.pid}.0123456789ab.tmp`;
    await writeFile(join(dir, own), '');
    await writeFile(join(dir, '.other.json.4242.0123456789ab.tmp'), '');
    expect(await removeStaleTempFiles(path)).toEqual([stale]);
    expect((await readdir(dir)).sort()).toEqual([own, '.other.json.4242.0123456789ab.tmp', 'state.json'].sort());
  });

  it('removes its temporary file and keeps the previous state when the rename fails', async () => {
    // A non-empty directory at the path: everything succeeds up to the rename.
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'previous');
    const failure = await write().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StateWriteError);
    expect(failure).toMatchObject({ step: 'rename', path });
    expect(await readdir(dir)).toEqual(['state.json']);
    expect(await readFile(join(path, 'keep'), 'utf8')).toBe('previous');
  });

  it('fails with an error naming the missing directory when the path is in one', async () => {
    const missing = join(dir, 'no-such-dir', 'state.json');
    const failure = await writeStateFile(missing, SCORES, { identity: IDENTITY }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StateWriteError);
    expect(failure).toMatchObject({ step: 'create temporary file', code: 'ENOENT' });
    expect((failure as Error).message).toMatch(new RegExp(`^cannot write state file ${missing}: create temporary file failed: its directory does not exist \\(ENOENT`));
  });

  it('fails before creating any file when the payload is not JSON-serialisable', async () => {
    for (const payload of [undefined, () => 1, { big: 1n }]) {
      await expect(writeStateFile(path, payload, { identity: IDENTITY })).rejects.toMatchObject({ name: 'StateWriteError', step: 'encode' });
    }
    expect(await readdir(dir)).toEqual([]);
  });
});
