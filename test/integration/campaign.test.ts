import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../tools/campaign/history.js';
import { buildIfStale, ROOT } from '../helpers/compiled.js';
import type { CampaignSummary } from '../../tools/campaign/summarize.js';
import { startGateway, TEST_FAULT_TOKEN } from '../helpers/start-gateway.js';

const CLI = join(ROOT, 'dist/tools/cli/nvote.js');
const directories: string[] = [];

// The campaign runs the compiled CLI, as users do: under tsx every replaced worker recompiles
// TypeScript, which makes a crash cost ten times what it costs in production and would measure
// the test loader rather than the gateway.
beforeAll(buildIfStale, 150_000);
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

interface CampaignResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly summary: CampaignSummary;
  readonly history: HistoryEntry[];
  readonly out: string;
}

/** `nvote campaign ARGS --out DIR`, which starts its own gateway on 127.0.0.1:0. */
async function campaign(...args: string[]): Promise<CampaignResult> {
  const out = mkdtempSync(join(tmpdir(), 'nvote-campaign-'));
  directories.push(out);
  const { code, stdout, stderr } = await run([...args, '--out', out]);
  if (!existsSync(join(out, 'summary.json'))) throw new Error(`campaign exited ${code}: ${stderr}`);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as CampaignSummary;
  const history = readFileSync(join(out, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map(line => JSON.parse(line) as HistoryEntry);
  return { code, stdout, stderr, summary, history, out };
}

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'campaign', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('nvote campaign', () => {
  it('masks a single fault of every kind in every request', async () => {
    // A generous deadline: on a loaded 2-core CI machine, a burst of heap exhaustions can starve
    // a healthy version for more than a second; what this test checks is the masking.
    const result = await campaign('--faulty', '1', '--requests', '700', '--concurrency', '8', '--seed', '11', '--deadline-ms', '4000');
    expect(result.code, result.stdout).toBe(0);
    expect(result.history).toHaveLength(700);
    expect(result.summary.totals).toMatchObject({ requests: 700, correct: 700, wrong: 0, failed: 0 });
    // A fifth of the calls are a fault-free control group, the latency baseline.
    expect(result.summary.latency.withoutFaults.count).toBeGreaterThan(80);
    expect(result.summary.latency.withFaults.count).toBeGreaterThan(500);
    // Plain progress lines, not a redrawn bar, when stderr is not a terminal.
    expect(result.stderr).toMatch(/campaign: 700\/700 /);
    expect(result.stderr).not.toContain('\r');
    // Every kind that fits a single version was injected and every one was masked.
    const kinds = result.summary.maskedByKind.map(kind => kind.kind).sort();
    expect(kinds).toEqual(['bit_flip', 'crash', 'delay', 'exception', 'hang', 'oom', 'wrong_value']);
    for (const kind of result.summary.maskedByKind) expect(kind.masked, kind.kind).toBe(kind.injected);
    // The history's ground truth is the gateway's own report of what it injected.
    expect(result.history.every(entry => entry.injected.length <= 1)).toBe(true);
    expect(result.stdout).toContain('PASS  no wrong answer with a faulty minority');
    expect(existsSync(join(result.out, 'sweep.svg'))).toBe(false);
    // Hundreds of workers crashed, ran out of heap or were stopped, and were replaced: the
    // process's OS threads stay bounded (replaced, not accumulated). Measured idle before, the
    // elastic pools may have grown by one thread per version (16) since; 8 more is the slack.
    const gateway = result.summary.gateway!;
    expect(gateway.workersReplaced).toBeGreaterThan(100);
    if (gateway.threadsBefore !== undefined) expect(gateway.threadsAfter! - gateway.threadsBefore).toBeLessThanOrEqual(16 + 8);
    expect(result.stdout).toContain("campaign's gateway:");
  }, 120_000);

  it('gives explicit errors for double faults, except a common-mode fault, which escapes as the model says', async () => {
    const result = await campaign(
      '--faulty', '2', '--requests', '400', '--concurrency', '8', '--seed', '12',
      '--methods', 'Evaluate,Statistics,ShortestPath,Factorize',
      '--kinds', 'crash,exception,wrong_value,bit_flip,common_mode',
    );
    expect(result.code, result.stdout).toBe(0);
    // Two injected faults among five versions (Factorize) are a minority: outvoted, unless a third
    // version failed by itself (trial division out of budget), which the campaign counts.
    const fiveVersions = result.history.filter(entry => entry.versions === 5 && entry.injected.length === 2);
    expect(fiveVersions.length).toBeGreaterThan(40);
    for (const entry of fiveVersions) expect(entry.correct || entry.faulty > 2, entry.requestId).toBe(true);
    // Faults that really failed their version (a flipped bit can leave the answer right).
    const double = result.history.filter(entry => entry.versions === 3 && entry.faulty - entry.native.length === 2);
    expect(double.length).toBeGreaterThan(180);
    // Two faulty versions of three leave no majority for the right answer: never a right answer
    // by luck, and a wrong one only when the two faulty versions agreed on it.
    for (const entry of double) {
      expect(entry.correct, entry.requestId).toBe(false);
      if (entry.wrong) expect(['common_mode', 'identical_corruption'], entry.requestId).toContain(entry.escape);
      else expect(['quorum_lost', 'no_majority'], entry.requestId).toContain(entry.outcome);
    }
    // The limit of voting, stated rather than hidden: two versions that fail alike outvote the
    // right one. Every common-mode request on a value is delivered wrong, and counted as such.
    const commonMode = double.filter(entry => entry.injected.every(fault => fault.kind === 'common_mode'));
    expect(commonMode.length).toBeGreaterThan(20);
    const delivered = commonMode.filter(entry => entry.wrong);
    // Shortest-path answers the voter can check (an unreachable claim that does exist) are refused.
    expect(delivered.length).toBeGreaterThan(commonMode.length / 2);
    expect(delivered.every(entry => entry.escape === 'common_mode')).toBe(true);
    expect(result.summary.escapes.filter(escape => escape.escape === 'common_mode')).toHaveLength(delivered.length);
    expect(result.stdout).toMatch(/wrong answers: .*\d+ common-mode/);
  }, 120_000);

  it('matches the independent-fault model over a p sweep, and plots it', async () => {
    const result = await campaign(
      '--sweep', '0.1,0.3', '--requests', '450', '--concurrency', '8', '--seed', '13',
      '--methods', 'Evaluate,Statistics,Sort',
      '--kinds', 'crash,exception,wrong_value,bit_flip,hang',
    );
    expect(result.code, result.stdout).toBe(0);
    const perMethod = result.summary.model.filter(row => !row.pooled);
    const pooled = result.summary.model.filter(row => row.pooled);
    expect(perMethod).toHaveLength(6);
    for (const row of perMethod) expect(row.requests).toBe(150);
    // The check: one row per N and p, every one inside its Bonferroni-corrected interval.
    expect(pooled.map(row => `${row.method} ${row.p} ${row.requests}`).sort()).toEqual([
      'all N=3 methods 0.1 300',
      'all N=3 methods 0.3 300',
      'all N=4 methods 0.1 150',
      'all N=4 methods 0.3 150',
    ]);
    for (const row of pooled) expect(row.consistent, `${row.method} p=${row.p}`).toBe(true);
    // The failure rate grows with p, as the model says, and a 4-version Sort needs three agreeing.
    const evaluate = perMethod.filter(row => row.method === 'Evaluate');
    expect(evaluate[1]!.observed).toBeGreaterThan(evaluate[0]!.observed);
    expect(result.summary.model.find(row => row.method === 'Sort')?.versions).toBe(4);
    expect(result.summary.totals.wrong).toBe(result.summary.escapes.length);
    const svg = readFileSync(join(result.out, 'sweep.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Sort (N=4) observed');
    expect(svg).not.toContain('observed (N=');
    expect(svg).toContain('TMR');
  }, 120_000);

  it('refuses to run against a gateway that does not inject faults, rather than pass vacuously', async () => {
    await using gateway = await startGateway();
    const { code, stderr } = await run(['--target', gateway.address, '--requests', '10']);
    expect(code).toBe(2);
    expect(stderr).toContain('does not inject faults (it ignored the fault); start it with --fault-injection');
  });

  it('refuses a plan with every problem listed', async () => {
    const { code, stderr } = await run(['--requests', '0', '--p', '1.5', '--kinds', 'melt', '--methods', 'Nope', '--concurrency=-1']);
    expect(code).toBe(2);
    for (const problem of ['requests: 0', 'p: 1.5', '"melt"', '"Nope"', 'concurrency: -1']) expect(stderr).toContain(problem);
  });

  it('refuses a plan that names a method or a kind twice, or has fewer requests than methods', async () => {
    const { code, stderr } = await run(['--requests', '2', '--methods', 'Sort,Evaluate,Sort', '--kinds', 'crash,hang,crash']);
    expect(code).toBe(2);
    for (const problem of ['methods: "Sort" is listed twice', 'kinds: "crash" is listed twice', 'requests: 2 cannot reach all 3 methods']) {
      expect(stderr).toContain(problem);
    }
  });

  it('refuses more faulty versions per call than a method runs, as the gateway reports them, injecting nothing', async () => {
    await using gateway = await startGateway({
      config: { faultInjection: { enabled: true }, methods: { Sort: { versions: ['sort-merge', 'sort-heap', 'sort-radix'] } } },
    });
    const { code, stderr } = await run(['--target', gateway.address, '--token', TEST_FAULT_TOKEN, '--faulty', '5', '--requests', '10', '--methods', 'Sort,Factorize']);
    expect(code).toBe(2);
    expect(stderr).toContain('faulty: 5 is not below the 3 versions the gateway runs for Sort');
    expect(stderr).toContain('faulty: 5 is not below the 5 versions the gateway runs for Factorize');
    expect(await gateway.metrics()).not.toMatch(/^nvote_fault_injected_requests_total\{[^}]*\} [1-9]/m);
  });

  it('asks for the admin listener of a --target it must plant intermittent faults on, and refuses --admin without --target', async () => {
    const missing = await run(['--target', '127.0.0.1:1', '--p', '0.1', '--requests', '10']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("intermittent faults are planted through the gateway's admin listener: pass its address with --admin HOST:PORT");
    const stray = await run(['--admin', '127.0.0.1:1', '--requests', '10']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("--admin: the admin listener of --target; the campaign's own gateway has its own");
  });

  it('refuses a malformed --target in one line', async () => {
    const { code, stderr } = await run(['--target', 'localhost', '--requests', '10']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('nvote campaign: --target: "localhost" is not HOST:PORT (or unix:PATH) with a port from 1 to 65535 (nvote campaign --help for usage)');
  });
});
