/**
 * No Docker engine is available to build the image, so this file proves what it can without
 * one: the Dockerfile parses and lints clean, every path it names exists or is emitted by the
 * build, and the healthcheck it runs answers correctly against a real gateway.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { Copy, DockerfileParser, From, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { HealthImplementation } from 'grpc-health-check';
import { describe, it, expect } from 'vitest';
import { createApp } from '../../voter/app.js';
import { DEFAULTS, parseHostPort, resolveConfig } from '../../voter/config.js';
import { builtInMethods } from '../../voter/methods/built-in.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE_TEXT = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const DOCKERFILE = DockerfileParser.parse(DOCKERFILE_TEXT);

interface Stage {
  readonly from: From;
  readonly instructions: readonly Instruction[];
}

/** Instructions grouped under the FROM that starts their stage; dockerfile-ast keeps stages private. */
const STAGES: readonly Stage[] = (() => {
  const stages: { from: From; instructions: Instruction[] }[] = [];
  for (const instruction of DOCKERFILE.getInstructions()) {
    if (instruction instanceof From) stages.push({ from: instruction, instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
})();

function finalStage(): Stage {
  const stage = STAGES.at(-1);
  if (stage === undefined) throw new Error('the Dockerfile has no FROM');
  return stage;
}

function stageNamed(name: string): Stage {
  const stage = STAGES.find(candidate => candidate.from.getBuildStage() === name);
  if (stage === undefined) throw new Error(`no stage named ${name}`);
  return stage;
}

function only(stage: Stage, keyword: string): Instruction {
  const found = stage.instructions.filter(instruction => instruction.getKeyword() === keyword);
  expect(found, `exactly one ${keyword} in the stage`).toHaveLength(1);
  return found[0] as Instruction;
}

function lastOf(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter(instruction => instruction.getKeyword() === keyword).at(-1);
}

/** The exec-form argument list, or undefined when the text is shell form (not a JSON string array). */
function execForm(text: string | null): string[] | undefined {
  if (text === null || !text.trimStart().startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every(item => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function fromFlag(copy: Copy): string | undefined {
  return copy.getFromFlag()?.getValue() ?? undefined;
}

/** COPY arguments without the destination; flags are already excluded by dockerfile-ast. */
function copySources(copy: Copy): string[] {
  const json = execForm(copy.getArgumentsContent());
  const values = json ?? copy.getArguments().map(argument => argument.getValue());
  return values.slice(0, -1);
}

function workdir(stage: Stage): string {
  return lastOf(stage, 'WORKDIR')?.getArgumentsContent() ?? '/';
}

/** `dist/X.js` (relative to the runtime WORKDIR) back to the source `X.ts` tsc compiles it from. */
function sourceOfEmitted(script: string): string {
  const match = /^dist\/(.+)\.js$/.exec(posix.normalize(script));
  if (match?.[1] === undefined) throw new Error(`${script} is not a file under dist/`);
  return `${match[1]}.ts`;
}

interface BuildConfig {
  readonly extends?: string;
  readonly compilerOptions?: { readonly outDir?: string; readonly rootDir?: string };
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };

/** The npm script the build stage compiles with (`npm run build:gateway`). */
const IMAGE_BUILD_SCRIPT: string = (() => {
  const runs = stageNamed('build').instructions.filter(instruction => instruction.getKeyword() === 'RUN');
  const name = runs.map(run => /\bnpm run ([\w:-]+)/.exec(run.getArgumentsContent() ?? '')?.[1]).find(found => found !== undefined);
  if (name === undefined) throw new Error('the build stage runs no npm script');
  return name;
})();

/** The tsconfig that script compiles, and the files it extends, nearest first. */
const IMAGE_TSCONFIGS: readonly string[] = (() => {
  const file = /\btsc -p (\S+)/.exec(PACKAGE.scripts?.[IMAGE_BUILD_SCRIPT] ?? '')?.[1];
  if (file === undefined) throw new Error(`npm run ${IMAGE_BUILD_SCRIPT} does not run tsc -p`);
  const chain = [file];
  for (let next = readConfig(file).extends; next !== undefined; next = readConfig(chain.at(-1) ?? '').extends) {
    chain.push(posix.normalize(next));
  }
  return chain;
})();

/** What the image's tsc sees: compilerOptions merged down the chain, include and exclude from the nearest that sets them. */
const IMAGE_CONFIG: BuildConfig = [...IMAGE_TSCONFIGS].reverse().reduce<BuildConfig>((merged, file) => {
  const config = readConfig(file);
  return {
    ...merged,
    ...config,
    compilerOptions: { ...merged.compilerOptions, ...config.compilerOptions },
  };
}, {});

function readConfig(file: string): BuildConfig {
  return JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as BuildConfig;
}

function expectEmittedByBuild(script: string): void {
  const source = sourceOfEmitted(script);
  expect(existsSync(join(ROOT, source)), `${source}, the source of ${script}, exists`).toBe(true);
  expect(IMAGE_CONFIG.compilerOptions?.outDir).toBe('dist');
  // rootDir '.' is what keeps voter/x.ts at dist/voter/x.js rather than dist/x.js.
  expect(IMAGE_CONFIG.compilerOptions?.rootDir).toBe('.');
  const topFolder = source.split('/')[0];
  expect(IMAGE_CONFIG.include).toContain(topFolder);
  expect(source).not.toMatch(/\.test\.ts$/);
  expect(IMAGE_CONFIG.exclude ?? []).not.toContain(topFolder);
}

/** Every .ts file under a folder of the repository. */
function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter(file => file.endsWith('.ts'))
    .map(file => posix.join(folder, file));
}

/** .dockerignore semantics, enough for this repository: last match wins, `!` re-includes, a directory covers its contents. */
function isDockerIgnored(path: string): boolean {
  const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'));
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = posix.normalize((negated ? raw.slice(1) : raw).replace(/^\/+/, ''));
    const body = pattern
      .split(/(\*\*|\*|\?)/)
      .map(part => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    if (new RegExp(`^${body}(/.*)?$`).test(path)) ignored = !negated;
  }
  return ignored;
}

interface ProbeResult {
  readonly code: number | string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the healthcheck from source, as the image runs its compiled twin. */
function runHealthcheck(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProbeResult> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'voter/healthcheck.ts', ...args],
      { cwd: ROOT, timeout: 15_000, env },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code ?? null), stdout, stderr }),
    );
  });
}

describe('Dockerfile', () => {
  it('has no error-severity diagnostics from dockerfile-utils', () => {
    // DiagnosticSeverity.Error in the language-server protocol.
    const errors = validate(DOCKERFILE_TEXT).filter(diagnostic => diagnostic.severity === 1);
    expect(errors.map(diagnostic => `${diagnostic.range.start.line + 1}: ${diagnostic.message}`)).toEqual([]);
  });

  it('pins every base image to a major version tag, never latest', () => {
    const stageNames = new Set(STAGES.map(stage => stage.from.getBuildStage()));
    const external = STAGES.map(stage => stage.from).filter(from => !stageNames.has(from.getImageName()));
    expect(external.length).toBeGreaterThan(0);
    for (const from of external) {
      expect(from.getImageName()).toBe('node');
      expect(from.getImageTag(), from.getImage() ?? '').toMatch(/^\d+(-|$)/);
      expect(from.getImageTag()).not.toBe('latest');
    }
  });

  it('has a named build stage and a separate final stage built from a base image', () => {
    expect(STAGES.length).toBeGreaterThanOrEqual(2);
    expect(stageNamed('build')).not.toBe(finalStage());
  });

  it('runs the final stage as a non-root user', () => {
    const user = lastOf(finalStage(), 'USER')?.getArgumentsContent();
    expect(user).toBeDefined();
    const name = (user ?? '').split(':')[0];
    expect(name).not.toBe('');
    expect(name).not.toBe('root');
    expect(name).not.toBe('0');
  });

  it('uses exec form for ENTRYPOINT (tini) and CMD (the gateway), so signals reach node', () => {
    const stage = finalStage();
    const entrypoint = execForm(only(stage, 'ENTRYPOINT').getArgumentsContent());
    const cmd = execForm(only(stage, 'CMD').getArgumentsContent());
    expect(entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(cmd?.[0]).toBe('node');
    const tiniInstalled = stage.instructions.some(
      instruction => instruction.getKeyword() === 'RUN' && /apt-get install[^&;]*\btini\b/.test(instruction.getArgumentsContent() ?? ''),
    );
    expect(tiniInstalled, 'tini is installed from Debian in the final stage').toBe(true);
  });

  it('starts a script that the build emits (dist/X.js compiled from X.ts)', () => {
    const cmd = execForm(only(finalStage(), 'CMD').getArgumentsContent()) ?? [];
    const script = cmd.find(argument => argument.endsWith('.js'));
    expect(script).toBe('dist/voter/main.js');
    expectEmittedByBuild(script ?? '');
  });

  it('health-checks with an exec-form node command whose script the build emits', () => {
    const healthcheck = only(finalStage(), 'HEALTHCHECK');
    const content = healthcheck.getArgumentsContent() ?? '';
    const command = execForm(/^CMD\s+([\s\S]*)$/.exec(content)?.[1] ?? null);
    expect(command?.[0]).toBe('node');
    const script = command?.find(argument => argument.endsWith('.js'));
    expect(script).toBe('dist/voter/healthcheck.js');
    expectEmittedByBuild(script ?? '');
  });

  it('copies into the build stage only paths that exist and that .dockerignore lets through', () => {
    const copies = stageNamed('build').instructions.filter((instruction): instruction is Copy => instruction instanceof Copy);
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      expect(fromFlag(copy), 'the build stage copies from the context only').toBeUndefined();
      for (const source of copySources(copy)) {
        if (source === '.') continue;
        expect(existsSync(join(ROOT, source)), `${source} exists in the repository`).toBe(true);
        expect(isDockerIgnored(posix.normalize(source)), `${source} is not excluded by .dockerignore`).toBe(false);
      }
    }
  });

  it("copies into the build stage every folder the image's tsconfig compiles, and every tsconfig it extends", () => {
    const copied = new Set(
      stageNamed('build')
        .instructions.filter((instruction): instruction is Copy => instruction instanceof Copy)
        .flatMap(copySources)
        .map(source => posix.normalize(source)),
    );
    // A folder missing here would compile locally but fail the image's build.
    const folders = IMAGE_CONFIG.include ?? [];
    expect(folders).toEqual(expect.arrayContaining(['voter', 'versions', 'client']));
    for (const folder of [...folders, ...IMAGE_TSCONFIGS, 'package.json', 'package-lock.json']) {
      expect(existsSync(join(ROOT, folder)), `${folder} exists`).toBe(true);
      expect(copied, `${folder} is copied into the build stage`).toContain(folder);
    }
  });

  it('keeps the client-side tools out of the image: not in the context, not copied, not compiled, not imported', () => {
    expect(isDockerIgnored('tools')).toBe(true);
    const sources = STAGES.flatMap(stage => stage.instructions)
      .filter((instruction): instruction is Copy => instruction instanceof Copy)
      .flatMap(copySources)
      .map(source => posix.normalize(source));
    expect(sources.filter(source => source === 'tools' || source.startsWith('tools/') || source === '.')).toEqual([]);
    expect(IMAGE_CONFIG.include).not.toContain('tools');
    // Developers' `npm run build` still compiles the tools; only the image leaves them out.
    expect(readConfig('tsconfig.build.json').include).toContain('tools');
    // What the image compiles must not need the tools, or its build would break.
    const importsOfTools = (IMAGE_CONFIG.include ?? [])
      .flatMap(sourcesUnder)
      .filter(file => /^\s*(?:import|export)\s[^'"]*?['"][^'"]*\btools\//m.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(importsOfTools).toEqual([]);
  });

  it('installs before the sources arrive without running prepare, then builds and prunes dev dependencies', () => {
    const runs = stageNamed('build').instructions.map(instruction => ({
      keyword: instruction.getKeyword(),
      text: instruction.getArgumentsContent() ?? '',
    }));
    const install = runs.findIndex(run => run.keyword === 'RUN' && /\bnpm ci\b/.test(run.text));
    const build = runs.findIndex(run => run.keyword === 'RUN' && /\bnpm run build\b/.test(run.text));
    const prune = runs.findIndex(run => run.keyword === 'RUN' && /\bnpm prune --omit=dev\b/.test(run.text));
    expect(install).toBeGreaterThanOrEqual(0);
    // `prepare` runs the build, which cannot work before the sources are copied.
    expect(runs[install]?.text).toMatch(/--ignore-scripts\b/);
    expect(build).toBeGreaterThan(install);
    expect(prune).toBeGreaterThanOrEqual(build);
    const lastSourceCopy = runs.findLastIndex(run => run.keyword === 'COPY');
    expect(build).toBeGreaterThan(lastSourceCopy);
  });

  it('has build scripts (for developers and for the image) that copy the reflection descriptor set, which tsc does not emit', () => {
    expect(PACKAGE.scripts?.['build']).toMatch(/tsc -p tsconfig\.build\.json/);
    expect(IMAGE_BUILD_SCRIPT).toBe('build:gateway');
    for (const name of ['build', IMAGE_BUILD_SCRIPT]) {
      const build = PACKAGE.scripts?.[name] ?? '';
      expect(build, name).toContain('voter/gen/descriptors.binpb');
      expect(build, name).toContain('dist/voter/gen/descriptors.binpb');
    }
    expect(statSync(join(ROOT, 'voter/gen/descriptors.binpb')).size).toBeGreaterThan(0);
  });

  it('copies from the build stage only dist, production node_modules and package.json, and nothing from the context', () => {
    const build = stageNamed('build');
    const buildDir = workdir(build);
    const stage = finalStage();
    const copies = stage.instructions.filter(
      (instruction): instruction is Copy => instruction instanceof Copy || instruction.getKeyword() === 'ADD',
    );
    const copied: string[] = [];
    for (const copy of copies) {
      expect(copy.getKeyword()).toBe('COPY');
      expect(fromFlag(copy), `${copy.getArgumentsContent() ?? ''} copies from the build stage`).toBe('build');
      for (const source of copySources(copy)) copied.push(posix.relative(buildDir, posix.resolve(buildDir, source)));
    }
    expect(copied.sort()).toEqual(['dist', 'node_modules', 'package.json']);
    expect(IMAGE_CONFIG.compilerOptions?.outDir).toBe('dist');
    // The CMD and HEALTHCHECK paths are relative, so the runtime WORKDIR must hold dist/.
    expect(workdir(stage)).toBe(buildDir);
    const env = stage.instructions.filter(instruction => instruction.getKeyword() === 'ENV').map(instruction => instruction.getArgumentsContent());
    expect(env).toContain('NODE_ENV=production');
  });

  it('exposes the default gRPC and metrics ports from voter/config.ts', () => {
    const problems: string[] = [];
    const grpcPort = parseHostPort('listen', DEFAULTS.listen, problems).port;
    const metricsPort = parseHostPort('metricsListen', DEFAULTS.metricsListen, problems).port;
    expect(problems).toEqual([]);
    const exposed = finalStage()
      .instructions.filter(instruction => instruction.getKeyword() === 'EXPOSE')
      .flatMap(instruction => instruction.getArguments().map(argument => argument.getValue().replace(/\/tcp$/, '')));
    expect(exposed).toContain(String(grpcPort));
    expect(exposed).toContain(String(metricsPort));
  });

  it('keeps host build output and dependencies out of the build context', () => {
    expect(isDockerIgnored('node_modules')).toBe(true);
    expect(isDockerIgnored('dist')).toBe(true);
    expect(isDockerIgnored('.git')).toBe(true);
  });
});

describe('voter/healthcheck.ts', () => {
  it('imports only Node built-ins, production dependencies and generated code, which are all the runtime image has', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const production = new Set(Object.keys(pkg.dependencies ?? {}));
    const source = readFileSync(join(ROOT, 'voter/healthcheck.ts'), 'utf8');
    const specifiers = [...source.matchAll(/^\s*import\s[^'"]*?['"]([^'"]+)['"]/gm)].map(match => match[1] ?? '');
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers) {
      const packageName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      // The generated code is compiled into dist/ with the rest; the gateway's own modules are not imported.
      const available = specifier.startsWith('node:') || specifier.startsWith('./gen/') || production.has(packageName ?? '');
      expect(available, `${specifier} is available in production`).toBe(true);
    }
  });

  it('exits 0 and prints SERVING for a running gateway, and exits non-zero once the gateway has stopped', async () => {
    const config = resolveConfig({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent' }, builtInMethods);
    const app = createApp({ config, workerExecArgv: ['--import', 'tsx'] });
    let running = true;
    try {
      const { grpc } = await app.start();
      const up = await runHealthcheck([grpc]);
      expect(up, up.stderr).toMatchObject({ code: 0, stdout: 'SERVING\n' });

      await app.stop();
      running = false;
      const down = await runHealthcheck([grpc]);
      expect(down.code).not.toBe(0);
      expect(down.code).not.toBeNull();
      expect(down.stdout).not.toMatch(/^SERVING$/m);
    } finally {
      if (running) await app.stop();
    }
  }, 60_000);

  it('reads the address from NVOTE_HEALTH_ADDRESS and exits 1 when the server reports NOT_SERVING', async () => {
    const server = new Server();
    new HealthImplementation({ '': 'NOT_SERVING' }).addToServer(server);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
      });
      const result = await runHealthcheck([], { ...process.env, NVOTE_HEALTH_ADDRESS: `127.0.0.1:${port}` });
      expect(result, result.stderr).toMatchObject({ code: 1, stdout: 'NOT_SERVING\n' });
    } finally {
      server.forceShutdown();
    }
  }, 30_000);
});
