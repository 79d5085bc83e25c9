import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { findVersionClones } from '../../tools/check-version-clones.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: ROOT });

async function problemsOf(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? []).map(message => message.message);
}

describe('lint keeps versions independent', () => {
  it('accepts a version that imports only its contract and harmless built-ins', async () => {
    const code = "import type { SortInput } from '../contract.js';\nimport { strict } from 'node:assert';\nexport default (input: SortInput) => { strict.ok(input); return input; };\n";
    expect(await problemsOf(code, 'versions/sort/ok.ts')).toEqual([]);
  });

  it.each([
    ['another version', "import other from './merge.js';\nexport default other;\n", 'only ../contract.js'],
    ['the gateway', "import { decide } from '../../voter/vote/decide.js';\nexport default decide;\n", 'only ../contract.js'],
    ['node:module', "import { createRequire } from 'node:module';\nexport default createRequire;\n", 'load code or files'],
    ['node:fs', "import { readFileSync } from 'node:fs';\nexport default readFileSync;\n", 'load code or files'],
    ['a dynamic import()', "export default async () => import('./merge.js');\n", 'import() at run time'],
    ['require()', "declare const require: (id: string) => unknown;\nexport default () => require('./merge.js');\n", 'require() at run time'],
    ['createRequire()', "declare const createRequire: (url: string) => unknown;\nexport default () => createRequire('x');\n", 'createRequire()'],
  ])('refuses a version that reaches %s', async (_, code, message) => {
    const problems = await problemsOf(code, 'versions/sort/bad.ts');
    expect(problems.some(problem => problem.includes(message)), problems.join('; ')).toBe(true);
  });

  it('lets the gateway itself use what versions may not', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n";
    expect(await problemsOf(code, 'voter/config-file.ts')).toEqual([]);
  });
});

describe('the clone gate', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'nvote-clone-gate-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  // A helper with edge cases, as one version team might write it.
  const helper = (name: string, arg: string): string => `
export function ${name}(${arg}: number[]): number {
  let total = 0;
  for (let i = 0; i < ${arg}.length; i++) {
    const value = ${arg}[i] ?? 0;
    if (Number.isNaN(value)) return Number.NaN;
    if (value > 1e300 || value < -1e300) return value > 0 ? Infinity : -Infinity;
    total += value * value - value / 2 + (value % 3 === 0 ? 1 : 0);
  }
  return total;
}
`;

  it('fails on two versions of one RPC that share a renamed copy', async () => {
    const versions = join(scratch, 'renamed');
    mkdirSync(join(versions, 'stats'), { recursive: true });
    writeFileSync(join(versions, 'stats', 'one.ts'), helper('sumOne', 'values'));
    writeFileSync(join(versions, 'stats', 'two.ts'), helper('sumTwo', 'items'));
    const clones = await findVersionClones(versions);
    expect(clones).toHaveLength(1);
    expect(clones[0]).toMatchObject({ rpc: 'stats' });
    expect([clones[0]?.first.file, clones[0]?.second.file].sort()).toEqual(['stats/one.ts', 'stats/two.ts']);
  });

  it('allows a repeat inside one version, and the same code in versions of different RPCs', async () => {
    const versions = join(scratch, 'allowed');
    mkdirSync(join(versions, 'stats'), { recursive: true });
    mkdirSync(join(versions, 'sort'), { recursive: true });
    writeFileSync(join(versions, 'stats', 'one.ts'), helper('a', 'values') + helper('b', 'items'));
    writeFileSync(join(versions, 'sort', 'one.ts'), helper('c', 'values'));
    expect(await findVersionClones(versions)).toEqual([]);
  });

  it('finds no code shared between the built-in versions of any RPC', async () => {
    expect(await findVersionClones(join(ROOT, 'versions'))).toEqual([]);
  });
});
