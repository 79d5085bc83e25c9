/**
 * `npm run bench`: one run, one report. A plain grpc-js server that sorts inline with one version
 * against the compiled nvote gateway in processes of its own (one per configuration, one at a
 * time), with the same seeded requests from the same load generator in a worker thread:
 * closed-loop and open-loop Sort, a hung version, Statistics against its compute bound, RSS,
 * throughput against N and against payload size. Progress on stderr, the report on stdout.
 *
 *   npm run bench -- [--duration-ms 2000] [--warmup-ms 500] [--rounds 2] [--statistics-calls 7] [--only closed,open,...]
 */
import { arch, availableParallelism, cpus, loadavg, platform } from 'node:os';
import { relative } from 'node:path';
import { BENCH_USAGE, parseBenchOptions, SECTIONS, type BenchOptions, type Section } from './bench-options.js';
import { CLOSED_WINDOW_RULE, closedLoop, MAX_MESSAGE_BYTES, measureRound, prime, SORT_16, type BenchContext } from './bench-context.js';
import { formatCount } from './format.js';
import { startPlainServer, type PlainServer } from './plain-server.js';
import type { SectionReport } from './section-report.js';
import { runClosedSection } from './sections/closed.js';
import { runHungSection } from './sections/hung.js';
import { runOpenSection } from './sections/open.js';
import { runPayloadSection } from './sections/payload.js';
import { loadedRss, measureIdleRss, rssReport, type IdleRss } from './sections/rss.js';
import { runStatisticsSection } from './sections/statistics.js';
import { runVersionsSection } from './sections/versions.js';
import { startBenchGateway, whyNotStarted, type BenchGateway } from './start-bench-gateway.js';
import { votedVersions } from './voted-versions.js';

const TITLES: Readonly<Record<Section, string>> = {
  closed: '1. Closed loop, Sort of 16 values',
  open: '2. Open loop',
  hung: '3. One Sort version hung',
  statistics: '4. Statistics of 1,000,000 doubles',
  rss: '5. RSS of the gateway process',
  versions: '6. Throughput vs N',
  payload: '7. Throughput vs payload',
};
// Sections that load the default gateway (row 5 reads its RSS after them).
const DEFAULT_GATEWAY_LOAD: readonly Section[] = ['closed', 'open', 'statistics', 'payload'];

const started = performance.now();

function progress(text: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);
}

function failed(section: Section, error: unknown): SectionReport {
  const message = error instanceof Error ? error.message : String(error);
  progress(`${section} FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
  return { lines: [TITLES[section], `   not measured: ${message}`], judged: [], warnings: [], unmeasured: [`${section}: ${message}`] };
}

/** Every section selected, in run order (the default gateway's first, then those with gateways of their own). */
async function runSections(options: BenchOptions, context: BenchContext): Promise<Map<Section, SectionReport>> {
  const reports = new Map<Section, SectionReport>();
  const selected = (section: Section): boolean => options.only.has(section);
  const attempt = async (section: Section, run: () => Promise<SectionReport>): Promise<void> => {
    if (!selected(section)) return;
    try {
      reports.set(section, await run());
    } catch (error) {
      reports.set(section, failed(section, error));
    }
  };

  if (selected('rss') || DEFAULT_GATEWAY_LOAD.some(selected)) {
    let nvote: BenchGateway | undefined;
    try {
      nvote = await startBenchGateway(context, 'nvote', {}, 'the default configuration');
    } catch (error) {
      const reason = `the default gateway did not start: ${whyNotStarted(error)}`;
      for (const section of ['rss', ...DEFAULT_GATEWAY_LOAD] as const) if (selected(section)) reports.set(section, failed(section, new Error(reason)));
    }
    if (nvote !== undefined) {
      const gateway = nvote;
      try {
        let idle: IdleRss | undefined;
        if (selected('rss')) {
          progress('rss: waiting for the idle gateway to hold steady ...');
          idle = await measureIdleRss(gateway);
          progress(`  idle RSS ${idle.rssMb} MB`);
        }
        if (DEFAULT_GATEWAY_LOAD.some(selected)) await prime(context, gateway);
        let plainCapacity: { perSecond: number; source: string } | undefined;
        await attempt('closed', async () => {
          const closed = await runClosedSection(context, gateway, (await votedVersions(gateway.address, 'Sort')).length);
          plainCapacity = { perSecond: closed.plainCapacity, source: 'its best round in row 1' };
          return closed.report;
        });
        await attempt('open', async () => {
          if (plainCapacity === undefined) {
            progress('open: row 1 did not run; one closed-loop c=64 round of plain for its capacity ...');
            const round = await measureRound(context, context.plain, SORT_16, closedLoop(options, 64));
            plainCapacity = { perSecond: round.requestsPerSecond, source: 'one calibration round, since row 1 did not run' };
          }
          return runOpenSection(context, gateway, plainCapacity.perSecond, plainCapacity.source);
        });
        await attempt('statistics', () => runStatisticsSection(context, gateway));
        await attempt('payload', () => runPayloadSection(context, gateway));
        if (idle !== undefined) {
          const ran = DEFAULT_GATEWAY_LOAD.filter(selected);
          reports.set('rss', rssReport(idle, ran.length > 0 ? loadedRss(gateway, ran) : undefined));
        }
      } catch (error) {
        // Outside any one section (priming, the idle reading): every section not yet reported lost it.
        for (const section of ['rss', ...DEFAULT_GATEWAY_LOAD] as const) if (selected(section) && !reports.has(section)) reports.set(section, failed(section, error));
      } finally {
        await gateway.gateway.stop();
      }
    }
  }
  await attempt('hung', () => runHungSection(context));
  await attempt('versions', () => runVersionsSection(context));
  return reports;
}

function commandLine(): string {
  const quote = (word: string): string => (/^[\w./,:=@-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
  const args = process.argv.slice(2);
  const script = relative(process.cwd(), process.argv[1] ?? '');
  const direct = ['node', ...process.execArgv, script, ...args].map(quote).join(' ');
  if (process.env['npm_lifecycle_event'] !== 'bench') return direct;
  const npm = ['npm', 'run', 'bench', ...(args.length > 0 ? ['--', ...args] : [])].map(quote).join(' ');
  return `${npm}   (runs: ${direct})`;
}

function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

function summary(reports: ReadonlyMap<Section, SectionReport>): string[] {
  const all = [...reports.values()];
  const judged = all.flatMap(report => report.judged);
  const lines = [`targets: ${judged.filter(item => item.met).length} of ${judged.length} met`];
  for (const item of judged) lines.push(`  ${item.met ? 'met    ' : 'NOT met'}  ${item.label}`);
  const warnings = all.flatMap(report => report.warnings);
  if (warnings.length > 0) lines.push('warnings:', ...warnings.map(warning => `  ${warning}`));
  const unmeasured = all.flatMap(report => report.unmeasured);
  if (unmeasured.length > 0) lines.push('not measured (exit status 1):', ...unmeasured.map(item => `  ${item}`));
  return lines;
}

async function main(): Promise<void> {
  const parsed = parseBenchOptions(process.argv.slice(2));
  if ('problems' in parsed) {
    process.stderr.write(`${parsed.problems.join('\n')}\n${BENCH_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return;
  }
  const { options } = parsed;
  const loadAtStart = loadavg().map(load => load.toFixed(2)).join(' ');
  const [cpu] = cpus();

  let plain: PlainServer | undefined;
  let reports: Map<Section, SectionReport>;
  let longestDrainMs: number;
  try {
    plain = await startPlainServer('127.0.0.1', MAX_MESSAGE_BYTES);
    progress(`plain server on ${plain.address}; sections: ${[...options.only].join(', ')}`);
    const context: BenchContext = { options, plain: { label: 'plain', address: plain.address }, progress, longestDrainMs: 0 };
    await prime(context, context.plain);
    reports = await runSections(options, context);
    longestDrainMs = context.longestDrainMs;
  } finally {
    await plain?.stop();
  }

  const out = [
    `nvote bench: plain grpc-js vs the nvote gateway; sections: ${SECTIONS.filter(section => options.only.has(section)).join(', ')}`,
    'plain: a grpc-js server in the bench process, Sort inline on its event loop with versions/sort/merge (no pool, no vote, the gateway\'s server options)',
    'nvote: the compiled gateway (dist/voter/main.js), a process of its own per configuration, started one after another; every version in its own worker pool',
    `each round: ${formatCount(options.warmupMs)} ms warm-up (not recorded) + ${formatCount(options.durationMs)} ms measured, from a load-generator worker thread of the bench with the same ` +
      'seeded requests for every server; after each gateway round the bench waits for its straggler versions (nvote_inflight_requests and nvote_settling_requests = 0)',
    `${CLOSED_WINDOW_RULE}, so that calls as slow as the window are counted over whole cycles`,
    `every server is primed after its start with ${formatCount(2 * options.warmupMs)} ms of unrecorded Sort load at c=16 (the default gateway after its idle RSS is read)`,
    '',
  ];
  for (const section of SECTIONS) {
    const report = reports.get(section);
    if (report !== undefined) out.push(...report.lines, '');
  }
  out.push(
    ...summary(reports),
    '',
    `longest wait for a gateway's stragglers after a round: ${longestDrainMs.toFixed(0)} ms`,
    `command: ${commandLine()}`,
    `node ${process.version} on ${platform()} ${arch()}, ${availableParallelism()} CPUs (${cpu?.model.trim() ?? 'unknown'}), ` +
      `load average at start ${loadAtStart}, at end ${loadavg().map(load => load.toFixed(2)).join(' ')}; ` +
      'plain and the load generator share the bench process (the generator in a worker thread), each gateway has its own',
    `elapsed: ${formatElapsed(performance.now() - started)} (the bench alone; npm run bench compiles first)`,
    '',
  );
  process.stdout.write(out.join('\n'));
  if ([...reports.values()].some(report => report.unmeasured.length > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
