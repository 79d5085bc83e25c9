import { readFileSync } from 'node:fs';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

export interface RequestSource {
  /** The JSON argument; `-` means stdin. */
  readonly json?: string;
  /** --file PATH; `-` means stdin. */
  readonly file?: string;
}

/**
 * The request's text, from exactly one place: the argument, --file, or stdin (`-`, or nothing
 * given while stdin is not a terminal). A large request (100,000 values) does not fit in an
 * argument list, so the file and stdin are the usual way for those.
 */
export async function readRequest(source: RequestSource, io: CliIo): Promise<string> {
  if (source.json !== undefined && source.file !== undefined) {
    throw new UsageError('give the request once: as a JSON argument, with --file PATH, or on stdin');
  }
  const fromStdin = source.json === '-' || source.file === '-' || (source.json === undefined && source.file === undefined);
  if (fromStdin) {
    if (source.json === undefined && source.file === undefined && io.stdinIsTTY) {
      throw new UsageError("no request: give it as JSON ('{\"values\":[3,1,2]}'), with --file PATH, or on stdin");
    }
    const text = await io.readStdin();
    if (text.trim() === '') throw new UsageError('the request on stdin is empty');
    return text;
  }
  if (source.file !== undefined) {
    try {
      return readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new UsageError(`--file: cannot read ${source.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return source.json as string;
}
