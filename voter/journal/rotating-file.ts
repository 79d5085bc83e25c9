import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { FsyncPolicy } from './journal-config.js';

export interface RotatingFileOptions {
  readonly path: string;
  readonly maxFileBytes: number;
  /** Rotated files kept: path.1 (newest) ... path.maxFiles (oldest). */
  readonly maxFiles: number;
  readonly fsync: FsyncPolicy;
  readonly fsyncIntervalMs: number;
  /** Bytes queued for the disk at most; a line that would take the queue past it is dropped. */
  readonly maxBufferedBytes: number;
  /** Lines lost, to a full queue (`full`) or a failed write (`error`, with the cause). */
  onDropped(count: number, reason: 'full' | 'error', error?: unknown): void;
}

/** An append-only JSON Lines file that rotates by size; appends never block and never throw. */
export interface RotatingFile {
  /**
   * Queues one line (without its newline); false when it was dropped. `header`, when given, is
   * written before it if this line is the first of a new file (after a rotation or a failure).
   */
  append(line: string, header?: string): boolean;
  /** Writes what is queued, then `last` (if given), fsyncs and closes; later appends are dropped. */
  close(last?: string): Promise<void>;
}

interface Queued {
  readonly text: string;
  readonly header: string | undefined;
  readonly bytes: number;
}

/**
 * One writer loop owns the file handle, so a write, an fsync and a rotation never overlap; the
 * interval fsync only marks itself due and wakes that loop. `first` opens the file at once, so
 * that its first line is written as of now, not whenever the first append comes.
 */
export function createRotatingFile(options: RotatingFileOptions, first: string): RotatingFile {
  const queue: Queued[] = [];
  let queuedBytes = 0;
  let handle: FileHandle | undefined;
  let size = 0;
  let dirty = false;
  let syncDue = false;
  let closing = false;
  let closed: Promise<void> | undefined;
  let running: Promise<void> | undefined;
  const timer =
    options.fsync === 'interval'
      ? setInterval(() => {
          syncDue = true;
          kick();
        }, options.fsyncIntervalMs).unref()
      : undefined;

  const enqueue = (text: string, header: string | undefined): void => {
    const bytes = Buffer.byteLength(text) + 1;
    queue.push({ text, header, bytes });
    queuedBytes += bytes;
  };

  const kick = (): void => {
    running ??= drain().finally(() => {
      running = undefined;
      if (queue.length > 0 || (syncDue && dirty)) kick();
    });
  };

  const writeOut = async (file: FileHandle, lines: readonly string[]): Promise<void> => {
    const text = lines.map(line => `${line}\n`).join('');
    await file.write(text);
    size += Buffer.byteLength(text);
    dirty = true;
  };

  const openLive = async (header: string | undefined): Promise<FileHandle> => {
    const opened = await open(options.path, 'a');
    handle = opened;
    size = (await stat(options.path)).size;
    if (header !== undefined) await writeOut(opened, [header]);
    return opened;
  };

  const rotate = async (header: string | undefined): Promise<FileHandle> => {
    await handle?.sync();
    await handle?.close();
    handle = undefined;
    if (options.maxFiles === 0) {
      await rm(options.path, { force: true });
    } else {
      await rm(`${options.path}.${options.maxFiles}`, { force: true });
      for (let index = options.maxFiles - 1; index >= 1; index--) {
        await rename(`${options.path}.${index}`, `${options.path}.${index + 1}`).catch(ignoreMissing);
      }
      await rename(options.path, `${options.path}.1`);
    }
    return openLive(header);
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0 || (syncDue && dirty)) {
      // As many lines as fit in the live file; a line alone larger than the limit still goes
      // (into a file of its own) rather than being lost.
      const batch: string[] = [];
      let batchBytes = 0;
      try {
        const next = queue[0];
        let file = handle ?? (await openLive(next?.header));
        if (next !== undefined && size > 0 && size + next.bytes > options.maxFileBytes) file = await rotate(next.header);
        for (let line = queue[0]; line !== undefined; line = queue[0]) {
          if (batch.length > 0 && size + batchBytes + line.bytes > options.maxFileBytes) break;
          batch.push(line.text);
          batchBytes += line.bytes;
          queue.shift();
          queuedBytes -= line.bytes;
        }
        if (batch.length > 0) await writeOut(file, batch);
        if (dirty && (options.fsync === 'every' || syncDue)) {
          syncDue = false;
          dirty = false;
          await file.sync();
        }
      } catch (error) {
        // The disk refused (full, gone, permissions): the lines in hand (or, when it failed
        // before any was taken, the first one) are lost, the next tried on a freshly opened file.
        syncDue = false;
        if (batch.length === 0) {
          const lost = queue.shift();
          if (lost !== undefined) {
            queuedBytes -= lost.bytes;
            batch.push(lost.text);
          }
        }
        if (batch.length > 0) options.onDropped(batch.length, 'error', error);
        await handle?.close().catch(() => undefined);
        handle = undefined;
      }
    }
  };

  enqueue(first, undefined);
  kick();

  return {
    append(line, header) {
      if (closing || queuedBytes + Buffer.byteLength(line) + 1 > options.maxBufferedBytes) {
        options.onDropped(1, 'full');
        return false;
      }
      enqueue(line, header);
      kick();
      return true;
    },
    close(last) {
      closed ??= (async () => {
        if (last !== undefined) enqueue(last, undefined);
        closing = true;
        if (timer !== undefined) clearInterval(timer);
        kick();
        while (running !== undefined) await running;
        if (handle !== undefined) {
          await handle.sync().catch(() => undefined);
          await handle.close().catch(() => undefined);
          handle = undefined;
        }
      })();
      return closed;
    },
  };
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
