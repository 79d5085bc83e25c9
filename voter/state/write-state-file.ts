import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encodeStateFile } from './state-file-format.js';
import { StateWriteError, type StateWriteStep } from './state-write-error.js';
import { tempFileName } from './temp-file-name.js';

export interface WriteStateOptions {
  /** The gateway's configuration fingerprint; required, since a file without one could never be told foreign. */
  readonly identity: string;
  /** The time recorded as `writtenAt`; the clock by default. */
  readonly now?: () => Date;
}

export interface WrittenState {
  readonly path: string;
  /** Size of the whole file, header included. */
  readonly bytes: number;
  readonly writtenAt: string;
}

/**
 * Replaces `path` with a state file holding `payload`, so that after a crash at any instant the
 * path holds either the previous file or the new one, complete: the bytes go to a fresh
 * temporary file beside it, are flushed to the device, and only then renamed over it; the
 * directory is flushed last so that the rename itself survives a power loss. On failure the
 * temporary file is removed, the previous file is untouched, and a StateWriteError names the step.
 */
export async function writeStateFile(path: string, payload: unknown, options: WriteStateOptions): Promise<WrittenState> {
  const writtenAt = (options.now ?? (() => new Date()))();
  const bytes = attempt(path, 'encode', () => encodeStateFile(payload, options.identity, writtenAt));
  const temp = tempFileName(path);
  // 'wx' (O_EXCL): a name already taken fails here rather than being written by two writers.
  const handle = await attemptAsync(path, 'create temporary file', () => open(temp, 'wx'));
  let closed = false;
  let renamed = false;
  try {
    await attemptAsync(path, 'write', () => handle.writeFile(bytes));
    // Without it, a rename can reach the disk before the data does: the classic empty file after a power cut.
    await attemptAsync(path, 'fsync', () => handle.sync());
    // Closing reports deferred write errors on some file systems (NFS), so it is a step of its own;
    // Linux releases the descriptor even when close fails, so it is not closed twice.
    closed = true;
    await attemptAsync(path, 'close', () => handle.close());
    await attemptAsync(path, 'rename', () => rename(temp, path));
    renamed = true;
    await attemptAsync(path, 'fsync directory', () => syncDirectory(dirname(path)));
  } finally {
    if (!closed) await handle.close().catch(() => undefined);
    if (!renamed) await rm(temp, { force: true }).catch(() => undefined);
  }
  return { path, bytes: bytes.length, writtenAt: writtenAt.toISOString() };
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function attempt<T>(path: string, step: StateWriteStep, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw new StateWriteError(path, step, error);
  }
}

async function attemptAsync<T>(path: string, step: StateWriteStep, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new StateWriteError(path, step, error);
  }
}
