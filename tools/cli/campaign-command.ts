/**
 * `nvote campaign`: starts a gateway with fault injection on loopback (or targets one), runs a
 * bounded fault-injection campaign, checks every answer against the campaign's own references,
 * and reports the outcome against the reliability model.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENIGN_KINDS, PlanError, validatePlan, type CampaignPlan } from '../campaign/campaign-plan.js';
import { COMPUTE_METHODS } from '../campaign/compute-caller.js';
import { toJsonLine } from '../campaign/history.js';
import { createProgress, type ProgressSink } from '../campaign/progress.js';
import { renderTable } from '../campaign/render-table.js';
import { CampaignError, runCampaign } from '../campaign/run-campaign.js';
import { summarize, type CampaignSummary, type GatewayFootprint } from '../campaign/summarize.js';
import { renderSweepSvg } from '../campaign/svg-plot.js';
import { createThreadedCaseSource } from '../campaign/threaded-case-source.js';
import { startGatewayProcess, type GatewayExit, type GatewayProcess } from '../campaign/gateway-process.js';
import { FAULT_KINDS, type FaultKind } from '../campaign/fault-kinds.js';
import { parseAddress } from './address.js';
import type { CliIo } from './cli-io.js';

export const CAMPAIGN_USAGE = `usage: nvote campaign [options]
  --target HOST:PORT   gateway to test (started with --fault-injection); default: start one on 127.0.0.1
  --admin HOST:PORT    the target's admin listener, where --p and --sweep plant their faults
  --token TOKEN        bearer token of the target's fault injection (default: NVOTE_FAULT_INJECTION_TOKEN)
  --requests N         requests per fault setting (default 1000)
  --concurrency N      calls in flight (default 8)
  --methods LIST       comma-separated RPCs (default: ${COMPUTE_METHODS.join(',')})
  --kinds LIST         fault kinds (default: all that fit the mode; ${FAULT_KINDS.join(',')})
  --faulty K           K faulty versions on every call, by per-call metadata (default 1); K must be
                       below the versions of every method, as the gateway reports them
  --p P                instead: every version faulty with probability P (intermittent faults)
  --sweep P1,P2,...    instead: one intermittent run per P, plotted against the model
  --seed N             replays the same campaign (default 1)
  --deadline-ms MS     each call's deadline (default 2000)
  --delay-ms MS        latency of delay faults (default 20)
  --out DIR            write history.jsonl, summary.json, table.txt and (for --p/--sweep) sweep.svg
  --quarantine         the campaign's own gateway quarantines versions that keep failing (default:
                       off, so that standing faults measure masking against the model, not quarantine)
  --gateway-log FILE   keep the campaign's own gateway's log (JSON lines) in FILE
  --weighted K         the campaign's own gateway votes by history-weighted majority on every
                       method it runs, with at least K versions agreeing (default: plain majority)
  --retry N            the campaign's own gateway re-runs failed versions up to N times when a vote
                       would fail (time redundancy; default 0, so that the model's p holds per call)
  exit status: 0 every check passed, 1 a check failed, 2 bad usage or the target cannot run it`;

export type CampaignCommandIo = Pick<CliIo, 'env'> & { readonly stdout: ProgressSink; readonly stderr: ProgressSink };

// The compiled gateway next to this compiled command: the campaign's own gateway runs in a
// process of its own, so that the campaign's work (generating and checking large requests) does
// not stall the gateway's event loop and count as the gateway's failure.
const GATEWAY_MAIN = new URL('../../voter/main.js', import.meta.url).pathname;
const TOKEN_VARIABLE = 'NVOTE_FAULT_INJECTION_TOKEN';

/** Runs `nvote campaign` with the arguments after `campaign`; resolves with the exit code. */
export async function runCampaignCommand(args: readonly string[], io: CampaignCommandIo): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...args],
      options: {
        target: { type: 'string' },
        admin: { type: 'string' },
        token: { type: 'string' },
        requests: { type: 'string' },
        concurrency: { type: 'string' },
        methods: { type: 'string' },
        kinds: { type: 'string' },
        faulty: { type: 'string' },
        p: { type: 'string' },
        sweep: { type: 'string' },
        seed: { type: 'string' },
        'deadline-ms': { type: 'string' },
        'delay-ms': { type: 'string' },
        out: { type: 'string' },
        quarantine: { type: 'boolean' },
        retry: { type: 'string' },
        'gateway-log': { type: 'string' },
        weighted: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${CAMPAIGN_USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(`${CAMPAIGN_USAGE}\n`);
    return 0;
  }

  let plan: CampaignPlan;
  let retryAttempts: number | undefined;
  let minAgreement: number | undefined;
  try {
    plan = planOf(values);
    retryAttempts = values.retry === undefined ? undefined : Number(values.retry);
    if (retryAttempts !== undefined && !(Number.isInteger(retryAttempts) && retryAttempts >= 0 && retryAttempts <= 10)) {
      throw new PlanError([`--retry: must be an integer from 0 to 10 (got ${values.retry})`]);
    }
    if (retryAttempts !== undefined && values.target !== undefined) throw new PlanError(['--retry: applies to the campaign\'s own gateway only, not to --target']);
    if (values.admin !== undefined && values.target === undefined) throw new PlanError(["--admin: the admin listener of --target; the campaign's own gateway has its own"]);
    minAgreement = values.weighted === undefined ? undefined : Number(values.weighted);
    if (minAgreement !== undefined && !(Number.isInteger(minAgreement) && minAgreement >= 2)) {
      throw new PlanError([`--weighted: the fewest versions that must agree, an integer of at least 2 (got ${values.weighted})`]);
    }
    for (const own of ['quarantine', 'gateway-log', 'weighted'] as const) {
      if (values[own] !== undefined && values.target !== undefined) throw new PlanError([`--${own}: applies to the campaign's own gateway only, not to --target`]);
    }
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    io.stderr.write(`${error.message}\n${CAMPAIGN_USAGE}\n`);
    return 2;
  }

  let gateway: GatewayProcess | undefined;
  let gatewayExit: GatewayExit | undefined;
  let address = values.target === undefined ? undefined : parseAddress(values.target, '--target');
  let admin = values.admin === undefined ? undefined : parseAddress(values.admin, '--admin');
  const fromEnv = io.env[TOKEN_VARIABLE];
  let token = values.token ?? (fromEnv === '' ? undefined : fromEnv);
  try {
    if (address === undefined) {
      // The gateway's own fault injection always needs a token; this one lives as long as the run.
      token = randomBytes(16).toString('hex');
      gateway = await startLocalGateway(
        plan,
        { quarantine: values.quarantine === true, retryAttempts: retryAttempts ?? 0, ...(minAgreement === undefined ? {} : { minAgreement }) },
        values['gateway-log'],
        token,
      );
      void gateway.exited.then(exit => (gatewayExit = exit));
      address = gateway.grpc;
      admin = gateway.admin;
      io.stderr.write(`campaign: started a gateway with fault injection on ${address} (pid ${gateway.pid})\n`);
    }
    const progress = createProgress(io.stderr);
    let failed = 0;
    let wrong = 0;
    let before: Sample | undefined;
    const cases = createThreadedCaseSource();
    let run;
    try {
      run = await runCampaign(plan, cases, { address, ...(admin === undefined ? {} : { admin }), ...(token === undefined ? {} : { token }) }, {
        onPhase: (phase, index, count) => {
          if (index === 0 && gateway !== undefined) void sampleGateway(gateway).then(sample => (before = sample));
          progress.phase(`${phase.label} (${index + 1} of ${count})`);
        },
        onEntry: (entry, done, total) => {
          if (entry.wrong) wrong += 1;
          else if (!entry.correct) failed += 1;
          progress.update(done, total, failed, wrong);
        },
      });
    } finally {
      await cases.close();
    }
    progress.finish();
    const summary = {
      // Re-runs, quarantine and weights change what a request's failure probability is: the model is shown, not checked.
      ...summarize(run, p => failingShare(plan, p), (retryAttempts ?? 0) === 0 && values.quarantine !== true && minAgreement === undefined),
      ...(gateway !== undefined && before !== undefined ? { gateway: await footprintOf(gateway, before, run.durationMs) } : {}),
    };
    const table = renderTable(summary);
    io.stdout.write(table);
    if (values.out !== undefined) writeOutputs(values.out, run.history, summary, table, io);
    return summary.checks.every(check => check.passed) ? 0 : 1;
  } catch (error) {
    if (error instanceof CampaignError) {
      io.stderr.write(`campaign: ${error.message}\n`);
      // The likeliest cause of a target that stops answering mid-run: its process is gone.
      if (gateway !== undefined && gatewayExit !== undefined) {
        io.stderr.write(`campaign: its own gateway exited (${gatewayExit.code ?? gatewayExit.signal}); its stderr ends:\n${gateway.stderrTail()}\n`);
      }
      return 2;
    }
    // The plan asked for what this gateway cannot do (more faulty versions than it runs).
    if (error instanceof PlanError) {
      io.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await gateway?.stop();
  }
}

interface Sample {
  readonly threads: number | undefined;
  readonly rssMb: number;
  readonly heapUsedMb: number;
}

async function sampleGateway(gateway: GatewayProcess): Promise<Sample> {
  const footprint = gateway.footprint();
  const heap = await gateway.metricSum('nodejs_heap_size_used_bytes');
  return { threads: footprint?.threads, rssMb: footprint?.rssMb ?? 0, heapUsedMb: mb(heap ?? 0) };
}

function mb(bytes: number): number {
  return Math.round(bytes / 1_048_576);
}

async function footprintOf(gateway: GatewayProcess, before: Sample, durationMs: number): Promise<GatewayFootprint> {
  const after = await sampleGateway(gateway);
  const workersReplaced = (await gateway.metricSum('nvote_worker_restarts_total')) ?? 0;
  return {
    threadsBefore: before.threads,
    threadsAfter: after.threads,
    rssBeforeMb: before.rssMb,
    rssAfterMb: after.rssMb,
    heapUsedBeforeMb: before.heapUsedMb,
    heapUsedAfterMb: after.heapUsedMb,
    workersReplaced,
    workersReplacedPerMinute: Math.round((workersReplaced * 60_000) / Math.max(1, durationMs)),
  };
}

function planOf(values: Record<string, string | boolean | undefined>): CampaignPlan {
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const number = (name: string, fallback: number): number => {
    const given = text(name);
    return given === undefined ? fallback : Number(given);
  };
  const modes = ['faulty', 'p', 'sweep'].filter(name => text(name) !== undefined);
  if (modes.length > 1) throw new PlanError([`give only one of --faulty, --p, --sweep (got ${modes.map(m => `--${m}`).join(', ')})`]);
  const probabilities = text('sweep') ?? text('p');
  const faults: CampaignPlan['faults'] =
    probabilities === undefined
      ? { mode: 'per_call', versionsPerCall: number('faulty', 1) }
      : { mode: 'intermittent', probabilities: probabilities.split(',').map(Number) };
  const defaultKinds = FAULT_KINDS.filter(kind =>
    kind === 'common_mode' ? faults.mode === 'per_call' && faults.versionsPerCall >= 2 : true,
  );
  return validatePlan(
    {
      requests: number('requests', 1_000),
      concurrency: number('concurrency', 8),
      methods: text('methods')?.split(',') ?? COMPUTE_METHODS,
      kinds: (text('kinds')?.split(',') as FaultKind[] | undefined) ?? defaultKinds,
      faults,
      seed: number('seed', 1),
      deadlineMs: number('deadline-ms', 2_000),
      delayMs: number('delay-ms', 20),
    },
    COMPUTE_METHODS,
  );
}

/**
 * With k kinds planted at probability q each and failing kinds planted first (so that they win
 * over benign ones), a version is faulty with probability 1 - (1 - q)^failing.
 */
function failingShare(plan: CampaignPlan, p: number): number {
  const failing = plan.kinds.filter(kind => !BENIGN_KINDS.has(kind)).length;
  const q = 1 - (1 - p) ** (1 / plan.kinds.length);
  return 1 - (1 - q) ** failing;
}

function startLocalGateway(
  plan: CampaignPlan,
  adaptive: { quarantine: boolean; retryAttempts: number; minAgreement?: number },
  logFile: string | undefined,
  token: string,
): Promise<GatewayProcess> {
  const { minAgreement } = adaptive;
  return startGatewayProcess({
    ...(logFile === undefined ? {} : { logFile }),
    main: GATEWAY_MAIN,
    waitForVersions: true,
    config: {
      // The start-up lines say when the versions are loaded; later lines are drained unread.
      logLevel: 'info',
      // Small heaps make an injected out-of-memory cheap; a wide margin answers before the deadline.
      maxOldGenerationMb: 64,
      deadlineMarginMs: Math.min(500, Math.floor(plan.deadlineMs / 4)),
      maxInFlight: Math.max(256, plan.concurrency * 4),
      // Shed load when the event loop falls behind: at high concurrency an admitted call would
      // otherwise miss its deadline (the figures in the README's known limits are with this).
      maxEventLoopLagMs: 200,
      // A campaign opens with a burst of `concurrency` calls: with one thread per version kept
      // warm, that burst waits for every version's second thread to start at once on a few cores
      // (1,000 calls at c=64 on two cores: 12 unanswered, all in the first two seconds; 1 with both).
      minThreadsPerVersion: 2,
      faultInjection: { enabled: true, token, maxActiveFaults: 10_000 },
      // The independent-fault model assumes every version keeps voting; with quarantine on, a
      // version under intermittent faults leaves the vote, and the campaign measures that instead.
      quarantine: { enabled: adaptive.quarantine },
      retry: { attempts: adaptive.retryAttempts },
      ...(minAgreement === undefined ? {} : { methods: Object.fromEntries(plan.methods.map(method => [method, { weighted: { minAgreement } }])) }),
    },
  });
}

function writeOutputs(
  directory: string,
  history: readonly Parameters<typeof toJsonLine>[0][],
  summary: CampaignSummary,
  table: string,
  io: CampaignCommandIo,
): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'history.jsonl'), history.map(toJsonLine).join('\n') + '\n');
  writeFileSync(
    join(directory, 'summary.json'),
    `${JSON.stringify(summary, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`,
  );
  writeFileSync(join(directory, 'table.txt'), table);
  const written = ['history.jsonl', 'summary.json', 'table.txt'];
  if (summary.model.length > 0) {
    writeFileSync(join(directory, 'sweep.svg'), sweepSvg(summary));
    written.push('sweep.svg');
  }
  io.stderr.write(`campaign: wrote ${written.map(name => join(directory, name)).join(', ')}\n`);
}

function sweepSvg(summary: CampaignSummary): string {
  const methods = [...new Set(summary.model.filter(row => !row.pooled).map(row => row.method))];
  const series = methods.map(method => {
    const rows = summary.model.filter(row => row.method === method).sort((a, b) => a.p - b.p);
    const versions = rows[0]?.versions ?? 3;
    return {
      label: method,
      versions,
      points: rows.map(row => ({ p: row.pFaulty, observed: row.observed, low: row.low, high: row.high, requests: row.requests })),
    };
  });
  const extra = [...new Set(series.map(s => s.versions))].filter(n => n !== 1 && n !== 3);
  return renderSweepSvg({
    title: `nvote: P(wrong or no answer) vs per-version fault probability (seed ${summary.plan.seed}, 99% intervals)`,
    series,
    modelVersions: extra,
  });
}
