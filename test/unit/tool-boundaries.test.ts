import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

// Until eslint.config.js carries these rules (see the README's boundaries), this test holds
// the line: the client library and the tools meet the gateway only over gRPC.
const ROOT = new URL('../../', import.meta.url).pathname;

/** Where a module may import from: packages by name, the repository's own files as `/folder/file.ts`. */
const RULES: readonly { readonly folder: string; readonly allowed: RegExp; readonly message: string }[] = [
  {
    folder: 'client',
    allowed: /^(@grpc\/grpc-js$|\/voter\/gen\/|\/client\/)/,
    message: 'client/ may import only @grpc/grpc-js, generated code (voter/gen/) and client/',
  },
  {
    folder: 'tools',
    allowed: /^(node:|[^./]|\/voter\/gen\/|\/client\/|\/tools\/)/,
    message: 'tools/ may import only npm packages, node: built-ins, generated code (voter/gen/), client/ and tools/',
  },
];

// The bench's baseline is one version computing inline: the single import of a version.
const EXCEPTIONS: Readonly<Record<string, RegExp>> = {
  'tools/bench/plain-server.ts': /^\/versions\/sort\/merge\.ts$/,
};

function specifiersOf(source: string): string[] {
  const statics = [...source.matchAll(/^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]/gm)];
  const dynamics = [...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return [...statics, ...dynamics].map(match => match[1] ?? '');
}

/** A relative specifier as a repository path (`../../voter/gen/x.js` from tools/cli → `/voter/gen/x.ts`). */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return posix.join('/', posix.dirname(file), specifier).replace(/\.js$/, '.ts');
}

function problemsOf(file: string, source: string): string[] {
  const rule = RULES.find(candidate => file.startsWith(`${candidate.folder}/`));
  if (rule === undefined) return [];
  return specifiersOf(source)
    .map(specifier => target(file, specifier))
    .filter(path => !rule.allowed.test(path) && !(EXCEPTIONS[file]?.test(path) ?? false))
    .map(path => `${file} imports ${path}: ${rule.message}`);
}

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter(file => file.endsWith('.ts'))
    .map(file => posix.join(folder, file));
}

describe('the client library and the tools meet the gateway only over gRPC', () => {
  it.each(RULES.map(rule => rule.folder))('holds for every file under %s/', folder => {
    const files = sourcesUnder(folder);
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap(file => problemsOf(file, readFileSync(join(ROOT, file), 'utf8')))).toEqual([]);
  });

  it.each([
    ['tools/cli/x.ts', "import { createApp } from '../../voter/app.js';", 'tools/ may import only'],
    ['tools/campaign/x.ts', "import type { FaultKind } from '../../voter/faults/fault-spec.js';", 'tools/ may import only'],
    ['tools/x.ts', "const m = await import('../versions/sort/heap.js');", 'tools/ may import only'],
    ['tools/bench/compare.ts', "import mergeSort from '../../versions/sort/merge.js';", 'tools/ may import only'],
    ['client/x.ts', "import { pino } from 'pino';", 'client/ may import only'],
    ['client/x.ts', "import { UsageError } from '../tools/cli/usage-error.js';", 'client/ may import only'],
  ])('refuses %s importing what it may not: %s', (file, source, message) => {
    expect(problemsOf(file, source).join('\n')).toContain(message);
  });

  it('allows what the tools need, and the one baseline version of the bench', () => {
    const source = [
      "import { Client } from '@grpc/grpc-js';",
      "import { readFileSync } from 'node:fs';",
      "import { unaryCall } from '../../client/index.js';",
      "import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';",
      "import { seededRandom } from '../campaign/seeded-random.js';",
    ].join('\n');
    expect(problemsOf('tools/cli/x.ts', source)).toEqual([]);
    expect(problemsOf('tools/bench/plain-server.ts', "import mergeSort from '../../versions/sort/merge.js';")).toEqual([]);
  });
});
