#!/usr/bin/env node
/**
 * A bounded soak of a real gateway process: closed-loop clients on loopback for a given time,
 * every answer checked against a reference the soak knows independently, and the gateway's
 * footprint (RSS, OS threads, workers replaced) sampled as it goes. The gateway dying, a wrong
 * answer, or an error other than an admission refusal fails the soak.
 *
 * Scenarios: `factorize` is the loop that used to kill the gateway (Factorize of a product of
 * two primes near 2^30: the slow version is stopped as a straggler, its worker replaced, several
 * times a second); `mixed` runs every RPC with the campaign's workloads, worst cases included;
 * `both` (the default) splits the clients between them.
 */
import { parseArgs } from 'node:util';
import { Metadata, status } from '@grpc/grpc-js';
import { createComputeCaller, type CallOutcome } from './campaign/compute-caller.js';
import { startGatewayProcess, type GatewayExit } from './campaign/gateway-process.js';
import type { AnyWorkload, CampaignCase } from './campaign/workload.js';
import { builtInWorkloads } from './campaign/workloads/index.js';
import { seededRandom } from './campaign/seeded-random.js';

const USAGE = `usage: npm run soak -- [--minutes M] [--scenario both|mixed|factorize] [--concurrency C]
                         [--report-every SECONDS] [--gateway DIST_DIR] [--seed S]
  --minutes       how long to send load (default 10)
  --scenario      both (default): half the clients each; mixed: every RPC, answers checked;
                  factorize: Factorize 1000000016000000063 in a loop (10 s deadline)
  --concurrency   closed-loop clients (default 8)
  --gateway       the compiled gateway to run (default: this checkout's dist/)
exit status 0 when the gateway stayed up, every answer was right and no call failed except by
admission refusal; 1 otherwise; 2 for bad usage`;

const HARD_N = 1_000_000_016_000_000_063n; // 1000000007 × 1000000009
const HARD_FACTORS = [1_000_000_007n, 1_000_000_009n];
const HARD_DEADLINE_MS = 10_000;
const MIXED_DEADLINE_MS = 15_000;

interface Options {
  readonly minutes: number;
  readonly scenario: 'both' | 'mixed' | 'factorize';
  readonly concurrency: number;
  readonly reportEverySeconds: number;
  readonly gatewayDir: string;
  readonly seed: string;
}

interface Tally {
  ok: number;
  wrong: number;
  refused: number;
  errors: Map<string, number>;
}

function parseOptions(argv: readonly string[]): Options | string {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        minutes: { type: 'string' },
        scenario: { type: 'string' },
        concurrency: { type: 'string' },
        'report-every': { type: 'string' },
        gateway: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    return (error as Error).message;
  }
  if (values.help) return '';
  const problems: string[] = [];
  const number = (name: string, text: string | undefined, fallback: number, min: number, max: number): number => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value < min || value > max) problems.push(`--${name}: "${text}" is not a number from ${min} to ${max}`);
    return value;
  };
  const minutes = number('minutes', values.minutes, 10, 0.05, 24 * 60);
  const concurrency = number('concurrency', values.concurrency, 8, 1, 256);
  const reportEverySeconds = number('report-every', values['report-every'], 10, 1, 3_600);
  const scenario = values.scenario ?? 'both';
  if (scenario !== 'both' && scenario !== 'mixed' && scenario !== 'factorize') {
    problems.push(`--scenario: "${scenario}" is not both, mixed or factorize`);
  }
  if (problems.length > 0) return problems.join('\n');
  return {
    minutes,
    concurrency: Math.floor(concurrency),
    reportEverySeconds,
    scenario: scenario as Options['scenario'],
    gatewayDir: values.gateway ?? new URL('../', import.meta.url).pathname,
    seed: values.seed ?? '1',
  };
}

function hardCase(): CampaignCase<{ n: bigint }, { factors: bigint[] }> {
  return {
    request: { n: HARD_N },
    expected: HARD_FACTORS.map(String),
    isCorrect: response => response.factors.length === 2 && response.factors.every((f, i) => f === HARD_FACTORS[i]),
    minDeadlineMs: HARD_DEADLINE_MS,
  };
}

function record(tally: Tally, outcome: CallOutcome, testCase: CampaignCase<unknown, unknown>): void {
  if (outcome.code === status.OK) {
    if (testCase.isCorrect(outcome.response)) tally.ok += 1;
    else tally.wrong += 1;
    return;
  }
  if (outcome.code === status.RESOURCE_EXHAUSTED && outcome.report === undefined) {
    tally.refused += 1;
    return;
  }
  const key = `${status[outcome.code] ?? outcome.code}${outcome.outcome === '' ? '' : ` ${outcome.outcome}`}`;
  tally.errors.set(key, (tally.errors.get(key) ?? 0) + 1);
}

function describeTally(tally: Tally): string {
  const errors = [...tally.errors].map(([key, n]) => `${key} ${n}`).join(', ');
  return `ok ${tally.ok}, wrong ${tally.wrong}, refused ${tally.refused}, errors ${errors === '' ? 0 : errors}`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (typeof options === 'string') {
    if (options !== '') console.error(options);
    console.log(USAGE);
    process.exitCode = options === '' ? 0 : 2;
    return;
  }
  const started = performance.now();
  const gateway = await startGatewayProcess({ main: `${options.gatewayDir}/voter/main.js` });
  let died: (GatewayExit & { atMs: number }) | undefined;
  let stopping = false;
  void gateway.exited.then(exit => {
    if (!stopping) died = { ...exit, atMs: performance.now() - started };
  });
  const caller = createComputeCaller(gateway.grpc);
  const tallies = { mixed: emptyTally(), factorize: emptyTally() };
  const footprints: { rssMb: number; threads: number }[] = [];
  const endAt = performance.now() + options.minutes * 60_000;
  const workloads: readonly AnyWorkload[] = builtInWorkloads;
  console.log(
    `nvote soak: ${options.minutes} min, scenario ${options.scenario}, ${options.concurrency} clients, gateway pid ${gateway.pid} on ${gateway.grpc}`,
  );

  const loop = async (client: number): Promise<void> => {
    const kind = options.scenario === 'both' ? (client % 2 === 0 ? 'factorize' : 'mixed') : options.scenario;
    const random = seededRandom(`${options.seed}/soak/${client}`);
    for (let i = 0; performance.now() < endAt && died === undefined; i++) {
      const workload = workloads[i % workloads.length] as AnyWorkload;
      const testCase = kind === 'factorize' ? hardCase() : workload.generate(random);
      const method = kind === 'factorize' ? 'Factorize' : workload.method;
      const metadata = new Metadata();
      metadata.set('x-request-id', `soak-${client}-${i}`);
      const deadline = Math.max(kind === 'factorize' ? HARD_DEADLINE_MS : MIXED_DEADLINE_MS, testCase.minDeadlineMs ?? 0);
      const outcome = await caller.call(method, testCase.request, metadata, deadline);
      if (died !== undefined) return;
      record(tallies[kind], outcome, testCase as CampaignCase<unknown, unknown>);
    }
  };

  const report = async (): Promise<void> => {
    const footprint = gateway.footprint();
    if (footprint !== undefined) footprints.push(footprint);
    const replaced = await gateway.metricSum('nvote_worker_restarts_total');
    const elapsed = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `[${elapsed.padStart(5)} s] ${footprint === undefined ? 'gateway gone' : `RSS ${footprint.rssMb} MB, threads ${footprint.threads}`}, ` +
        `workers replaced ${replaced ?? 'n/a'}; factorize: ${describeTally(tallies.factorize)}; mixed: ${describeTally(tallies.mixed)}`,
    );
  };
  await report();
  const reporter = setInterval(() => void report(), options.reportEverySeconds * 1000);
  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, client) => loop(client)));
  } finally {
    clearInterval(reporter);
  }
  await report();
  caller.close();
  const replaced = await gateway.metricSum('nvote_worker_restarts_total');
  stopping = died === undefined;
  const exit = died ?? (await gateway.stop());

  const answers = tallies.mixed.ok + tallies.mixed.wrong + tallies.factorize.ok + tallies.factorize.wrong;
  const wrong = tallies.mixed.wrong + tallies.factorize.wrong;
  const errors = [...tallies.mixed.errors.values(), ...tallies.factorize.errors.values()].reduce((a, b) => a + b, 0);
  const rss = footprints.map(f => f.rssMb);
  const threads = footprints.map(f => f.threads);
  console.log('');
  console.log(`answers checked ${answers}, wrong ${wrong}, refused ${tallies.mixed.refused + tallies.factorize.refused}, other errors ${errors}`);
  console.log(`  factorize: ${describeTally(tallies.factorize)}`);
  console.log(`  mixed:     ${describeTally(tallies.mixed)}`);
  console.log(
    `gateway: RSS ${Math.min(...rss)}..${Math.max(...rss)} MB (last ${rss.at(-1)}), threads ${Math.min(...threads)}..${Math.max(...threads)}, ` +
      `workers replaced ${replaced ?? 'n/a'}`,
  );
  if (died !== undefined) {
    console.log(`FAIL: the gateway died after ${(died.atMs / 1000).toFixed(1)} s (${died.code ?? died.signal}); its stderr ends:`);
    console.log(gateway.stderrTail().split('\n').slice(-25).join('\n'));
  } else {
    console.log(`gateway stopped on SIGTERM: exit ${exit.code ?? exit.signal}`);
  }
  const passed = died === undefined && wrong === 0 && errors === 0 && exit.code === 0;
  console.log(passed ? 'PASS' : 'FAIL');
  process.exitCode = passed ? 0 : 1;
}

function emptyTally(): Tally {
  return { ok: 0, wrong: 0, refused: 0, errors: new Map() };
}

await main();
