import { execFile } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = new URL('../../', import.meta.url).pathname;
const MARKER = join(ROOT, 'dist/.built');
const SOURCES = ['voter', 'versions', 'client', 'tools', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

function markerMtime(): number {
  try {
    return statSync(MARKER).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/**
 * Builds the gateway (npm run build) unless dist/ is newer than every source: tests that run
 * the compiled gateway, as users do, must never run a stale one.
 */
export async function buildIfStale(): Promise<void> {
  const sources = Math.max(...SOURCES.map(source => newestMtime(join(ROOT, source))));
  if (markerMtime() > sources) return;
  await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, timeout: 120_000 });
  writeFileSync(MARKER, new Date().toISOString());
}
