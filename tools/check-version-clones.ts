#!/usr/bin/env node
/**
 * The design-diversity gate: versions of one RPC must share no code. Runs jscpd over each
 * `versions/<rpc>/` folder, identifiers ignored (a renamed copy is still a copy), and fails on
 * any clone whose two halves are in different versions. Repeats inside one version are that
 * version's own business.
 *
 * usage: check-version-clones [VERSIONS_DIR]   (default: ./versions)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

// jscpd's defaults, the threshold the SPEC tells version teams about.
export const MIN_LINES = 5;
export const MIN_TOKENS = 50;

export interface VersionClone {
  readonly rpc: string;
  readonly first: { readonly file: string; readonly start: number; readonly end: number };
  readonly second: { readonly file: string; readonly start: number; readonly end: number };
  readonly lines: number;
  readonly tokens: number;
}

interface JscpdReport {
  readonly duplicates: readonly {
    readonly lines: number;
    readonly tokens: number;
    readonly firstFile: { readonly name: string; readonly start: number; readonly end: number };
    readonly secondFile: { readonly name: string; readonly start: number; readonly end: number };
  }[];
}

// jscpd 5 is a native binary behind a small launcher; it has no JavaScript API.
const JSCPD = createRequire(import.meta.url).resolve('jscpd/run-jscpd.js');

/** Every clone shared by two versions of one RPC under `versionsDir`. */
export async function findVersionClones(versionsDir: string, jscpd = JSCPD): Promise<VersionClone[]> {
  const clones: VersionClone[] = [];
  for (const rpc of readdirSync(versionsDir).sort()) {
    const folder = join(versionsDir, rpc);
    if (!statSync(folder).isDirectory()) continue;
    const output = mkdtempSync(join(tmpdir(), 'nvote-clones-'));
    try {
      await promisify(execFile)(
        process.execPath,
        [jscpd, '--min-lines', String(MIN_LINES), '--min-tokens', String(MIN_TOKENS), '--ignore-identifiers', '--reporters', 'json', '--output', output, folder],
        { timeout: 60_000 },
      );
      const report = JSON.parse(readFileSync(join(output, 'jscpd-report.json'), 'utf8')) as JscpdReport;
      for (const duplicate of report.duplicates) {
        const { firstFile: a, secondFile: b } = duplicate;
        // jscpd names files relative to the folder it scanned.
        const fileA = resolve(folder, a.name);
        const fileB = resolve(folder, b.name);
        if (fileA === fileB) continue;
        clones.push({
          rpc,
          first: { file: relative(versionsDir, fileA), start: a.start, end: a.end },
          second: { file: relative(versionsDir, fileB), start: b.start, end: b.end },
          lines: duplicate.lines,
          tokens: duplicate.tokens,
        });
      }
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  }
  return clones;
}

async function main(): Promise<void> {
  const versionsDir = resolve(process.argv[2] ?? 'versions');
  const clones = await findVersionClones(versionsDir);
  if (clones.length === 0) {
    console.log(`no code shared between versions of one RPC under ${versionsDir} (jscpd, ${MIN_LINES} lines / ${MIN_TOKENS} tokens, identifiers ignored)`);
    return;
  }
  console.error(`${clones.length} clone(s) shared between versions of one RPC: a common-mode failure voting cannot mask`);
  for (const clone of clones) {
    console.error(
      `  ${clone.first.file}:${clone.first.start}-${clone.first.end} and ${clone.second.file}:${clone.second.start}-${clone.second.end} (${clone.lines} lines, ${clone.tokens} tokens)`,
    );
  }
  process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
