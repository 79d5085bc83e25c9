import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempFileWriter } from './temp-file-name.js';

/**
 * Removes the temporary files a crashed write left beside `path`, and returns their names.
 * They are harmless (never read), only litter; this process's own are spared, as one may be a
 * write in progress. Best effort: a directory that cannot be listed removes nothing.
 */
export async function removeStaleTempFiles(path: string): Promise<readonly string[]> {
  const directory = dirname(path);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const stale = names.filter(name => {
    const writer = tempFileWriter(path, name);
    return writer !== undefined && writer !== process.pid;
  });
  const removed: string[] = [];
  for (const name of stale) {
    try {
      await rm(join(directory, name), { force: true });
      removed.push(name);
    } catch {
      // Left for the next start; it is never read.
    }
  }
  return removed;
}

