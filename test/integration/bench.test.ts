import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SORT_VERSION_LISTS } from '../../tools/bench/sections/versions.js';
import { buildIfStale, ROOT } from '../helpers/compiled.js';

const BENCH = join(ROOT, 'dist/tools/bench/compare.js');
const NUMBER = String.raw`[\d,]+(?:\.\d+)?`;
const RATIO = String.raw`\d+\.\d{3}x`;
const VERDICT = '(?:met|NOT met)';

// The bench runs compiled, as `npm run bench` runs it.
beforeAll(buildIfStale, 150_000);

function bench(args: readonly string[], limitMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BENCH, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A Sort version exists once its compiled module does (`sort-heap` is dist/versions/sort/heap.js). */
function sortVersionExists(id: string): boolean {
  return existsSync(join(ROOT, 'dist/versions/sort', `${id.slice('sort-'.length)}.js`));
}

describe('npm run bench', () => {
  it('prints every row of every section with numbers, targets and verdicts, in one short run', async () => {
    const { code, stdout, stderr } = await bench(['--duration-ms', '300', '--warmup-ms', '100', '--rounds', '1', '--statistics-calls', '1'], 85_000);
    const measurable = SORT_VERSION_LISTS.filter(list => list.every(sortVersionExists));
    // Until every listed Sort version is merged, the gateways that run them refuse to start and
    // the bench says so with exit status 1.
    expect(code, stderr).toBe(measurable.length === SORT_VERSION_LISTS.length ? 0 : 1);
    expect(stderr).toMatch(/^\[bench +[\d.]+ s\] /m);

    // 1. closed loop: both levels, both servers, ratio, target and verdict.
    for (const [level, target] of [
      ['1', '0.70x'],
      ['64', '0.85x'],
    ] as const) {
      expect(stdout).toMatch(new RegExp(String.raw`^\s+${level}\s+plain\s+${NUMBER}\s+${NUMBER}\s+${NUMBER}`, 'm'));
      expect(stdout).toMatch(new RegExp(String.raw`^\s+nvote\s+${NUMBER}\s+${NUMBER}\s+${NUMBER}.*${RATIO}\s+>= ${target.replace('.', '\\.')}\s+${VERDICT}$`, 'm'));
    }
    // 2. open loop at two rates, both servers, with the generator's lag and whether it kept the rate.
    for (const share of ['50%', '80%']) {
      expect(stdout).toMatch(new RegExp(String.raw`^${share} \(${NUMBER}/s\)\s+plain(\s+${NUMBER}){4}`, 'm'));
    }
    expect(stdout.match(/^\s+nvote(\s+[\d,]+){3}.*\d+\.\d \/ \d+\.\d\s+(kept the rate|could NOT send at the rate)/gm)).toHaveLength(2);
    // 3. one hung version: the fault fired, and all three measures are judged.
    expect(stdout).toMatch(/the hang fired on [1-9][\d,]* version runs/);
    expect(stdout).toMatch(new RegExp(String.raw`^throughput hung / fault-free\s+${RATIO}\s+>= 0\.90x\s+${VERDICT}$`, 'm'));
    expect(stdout).toMatch(new RegExp(String.raw`^p99 hung / fault-free\s+${RATIO}\s+<= 1\.25x\s+${VERDICT}$`, 'm'));
    expect(stdout).toMatch(new RegExp(String.raw`^RESOURCE_EXHAUSTED refusals while hung\s+\d+\s+<= 0\s+${VERDICT}$`, 'm'));
    // 4. Statistics: every version timed alone, the bound, the gateway's p50 and the ratio.
    expect(stdout.match(/^statistics-\S+\s+\d+\.\d\s/gm)?.length).toBeGreaterThanOrEqual(3);
    expect(stdout).toMatch(/compute bound = max\(slowest alone \d+\.\d ms, sum \d+\.\d ms \/ \d+ cores = \d+\.\d ms\) = \d+\.\d ms/);
    expect(stdout).toMatch(new RegExp(String.raw`^gateway p50 / compute bound\s+${RATIO}\s+<= 1\.25x\s+${VERDICT}$`, 'm'));
    // 5. RSS idle against its target, and after the load sections.
    expect(stdout).toMatch(new RegExp(String.raw`^idle: SERVING.*\s\d+\s+\d+\s+<= 250 MB\s+${VERDICT}$`, 'm'));
    expect(stdout).toMatch(/^after the load sections \(closed, open, statistics, payload\)\s+\d+\s+\d+/m);
    // 6. one row per N: measured where its versions exist, said not measured where they do not yet.
    for (const list of SORT_VERSION_LISTS) {
      if (measurable.includes(list)) {
        expect(stdout).toMatch(new RegExp(String.raw`^${list.length}\s+${list.join(',')}\s+plain\s+${NUMBER}`, 'm'));
      } else {
        expect(stdout).toMatch(new RegExp(String.raw`^\s+N=${list.length} not measured: configuration refused: .*unknown version`, 'm'));
      }
    }
    expect(stdout.match(new RegExp(String.raw`^\s+nvote\s+${NUMBER}\s+${NUMBER}\s+${NUMBER}\s.*(${RATIO}|-)$`, 'gm'))?.length).toBeGreaterThanOrEqual(measurable.length);
    // 7. three payload sizes, both servers.
    for (const values of ['10', '1,000', '100,000']) {
      expect(stdout).toMatch(new RegExp(String.raw`^\s*${values}\s+plain\s+${NUMBER}\s+${NUMBER}`, 'm'));
    }
    // The report's footer: the summary, the command, the machine and the time taken.
    expect(stdout).toMatch(/^targets: \d+ of 7 met$/m);
    expect(stdout).toMatch(/^command: node .*dist\/tools\/bench\/compare\.js --duration-ms 300/m);
    expect(stdout).toMatch(/^node v\d+\.\d+\.\d+ on \w+ \w+, \d+ CPUs .* load average at start [\d. ]+, at end/m);
    expect(stdout).toMatch(/^elapsed: \d+ min \d\d s/m);
  }, 90_000);

  it('refuses bad flags with every problem at once, the usage and exit status 2', async () => {
    const { code, stdout, stderr } = await bench(['--only', 'closed,bogus', '--duration-ms', '5', '--rounds', 'two'], 10_000);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--only: "bogus" is not a section (closed, open, hung, statistics, rss, versions, payload)');
    expect(stderr).toContain('--duration-ms: "5" is not an integer from 100 to 600000');
    expect(stderr).toContain('--rounds: "two" is not an integer from 1 to 20');
    expect(stderr).toContain('usage: node dist/tools/bench/compare.js');
  });

  it('says the old --concurrency flag is gone rather than only that it is unknown', async () => {
    const { code, stderr } = await bench(['--concurrency', '1,64'], 10_000);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^--concurrency is gone: every row of the report has its own fixed levels/m);
  });
});
