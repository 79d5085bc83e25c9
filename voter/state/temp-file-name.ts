import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

// Hidden, in the same directory (rename is atomic only within one file system), and named after
// the writer's pid so that a sweep never removes the temporary file of a write still in progress.
const PATTERN = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** A fresh temporary name beside `path`; opened with O_EXCL, so a collision fails rather than shares. */
export function tempFileName(path: string, pid: number = process.pid): string {
  return join(dirname(path), `.${basename(path)}.${pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** The pid that wrote `name`, when `name` is one of `path`'s temporary files. */
export function tempFileWriter(path: string, name: string): number | undefined {
  const match = PATTERN.exec(name);
  return match !== null && match[1] === basename(path) ? Number(match[2]) : undefined;
}
