import { mkdtemp, rm, type FileHandle } from 'node:fs/promises';
import type * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readStateFile, writeStateFile, type ValidatePayload } from '../../voter/state/index.js';

// Every file-system call the writer makes passes through `before(step)` first, so the test can
// look at the path between any two steps of a write: where a crash at that instant would leave it.
const hooks = vi.hoisted(() => ({ before: undefined as ((step: string) => Promise<void>) | undefined }));

vi.mock('node:fs/promises', async importOriginal => {
  const real = await importOriginal<typeof fsPromises>();
  const step = async (name: string) => hooks.before?.(name);
  const wrapHandle = (handle: FileHandle, what: string) =>
    new Proxy(handle, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || !['writeFile', 'sync', 'close'].includes(String(property))) return value;
        return async (...args: unknown[]) => {
          await step(`${what}.${String(property)}`);
          return (value as (...rest: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return {
    ...real,
    open: async (path: string, flags: string) => {
      const what = path.endsWith('.tmp') ? 'temp' : 'directory';
      await step(`open ${what}`);
      return wrapHandle(await real.open(path, flags), what);
    },
    rename: async (from: string, to: string) => {
      await step('rename');
      return real.rename(from, to);
    },
  };
});

const IDENTITY = 'atomicity';
const validate: ValidatePayload<{ generation: number }> = payload => ({ ok: true, value: payload as { generation: number } });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvote-state-atomic-'));
});
afterEach(async () => {
  hooks.before = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('writeStateFile at every step', () => {
  it('leaves the path holding the previous state until the rename, and the new one from then on', async () => {
    const path = join(dir, 'state.json');
    await writeStateFile(path, { generation: 1 }, { identity: IDENTITY });
    const seen: string[] = [];
    hooks.before = async step => {
      const result = await readStateFile(path, { identity: IDENTITY, validate });
      seen.push(`${step}: ${result.kind === 'restored' ? `generation ${result.payload.generation}` : result.kind}`);
    };
    await writeStateFile(path, { generation: 2 }, { identity: IDENTITY });
    hooks.before = undefined;
    expect(seen).toEqual([
      'open temp: generation 1',
      'temp.writeFile: generation 1',
      'temp.sync: generation 1',
      'temp.close: generation 1',
      'rename: generation 1',
      'open directory: generation 2',
      'directory.sync: generation 2',
      'directory.close: generation 2',
    ]);
  });
});
