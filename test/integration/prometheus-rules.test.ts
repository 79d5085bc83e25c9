import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { dashboardQueries } from '../../tools/dashboard/nvote-dashboard.js';
import { adminOf, faultMetadata, FaultKind, plantFault } from '../helpers/fault-admin.js';
import { call, startGateway, type Gateway } from '../helpers/start-gateway.js';

// Debian's prometheus package (installed by .ci/run): a missing tool fails these tests, it does not skip them.
const RULES_DIR = new URL('../../deploy/prometheus/', import.meta.url).pathname;
const RULES = join(RULES_DIR, 'nvote-rules.yml');

function promtool(...args: string[]): { code: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: RULES_DIR, encoding: 'utf8', timeout: 60_000 });
  if (run.error !== undefined) throw new Error(`promtool: ${run.error.message} (install Debian's prometheus package)`);
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the Prometheus rules in deploy/prometheus', () => {
  it('are valid, and pass their promtool unit tests', () => {
    const checked = promtool('check', 'rules', RULES);
    expect(checked.output).toContain('SUCCESS: 13 rules found');
    expect(checked.code).toBe(0);
    const tested = promtool('test', 'rules', 'nvote-rules.test.yml');
    expect(tested.output).toContain('SUCCESS');
    expect(tested.code, tested.output).toBe(0);
  });
});

/** A free loopback port, for Prometheus, which cannot report a port 0 it was given. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

interface QueryResult {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

describe('a real Prometheus scraping a real gateway with those rules and the dashboard', () => {
  const directory = mkdtempSync(join(tmpdir(), 'nvote-prometheus-'));
  let prometheus: ChildProcess | undefined;
  let gateway: Gateway | undefined;
  afterAll(async () => {
    if (prometheus?.exitCode === null) {
      const exited = new Promise(resolve => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await gateway?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('records every rule, answers every dashboard query, and fires the alerts of a planted fault', { timeout: 120_000 }, async () => {
    gateway = await startGateway({ config: { faultInjection: { enabled: true }, health: { selfTestIntervalMs: 1_000 } } });
    const metricsTarget = new URL(gateway.metricsUrl).host;
    // The rules as shipped, with every `for:` shortened to 0s: Prometheus evaluates the same
    // expressions on the gateway's real series, without the minutes an alert waits in production.
    writeFileSync(join(directory, 'rules.yml'), readFileSync(RULES, 'utf8').replace(/^(\s+)for: .*$/gm, '$1for: 0s'));
    writeFileSync(
      join(directory, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'rule_files: [rules.yml]',
        `scrape_configs: [{ job_name: nvote, static_configs: [{ targets: ['${metricsTarget}'] }] }]`,
      ].join('\n'),
    );
    const port = await freePort();
    const api = `http://127.0.0.1:${port}/api/v1`;
    let log = '';
    prometheus = spawn(
      'prometheus',
      [`--config.file=${join(directory, 'prometheus.yml')}`, `--storage.tsdb.path=${join(directory, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
    const query = async (expr: string): Promise<QueryResult[]> => {
      const response = await fetch(`${api}/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { status: string; data?: { result: QueryResult[] }; error?: string };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? body.status}`);
      return body.data?.result ?? [];
    };

    // Traffic with faults: votes, verdicts and restarts for the rules to record; then a standing
    // wrong answer in sort-heap, which quarantine takes out of the vote.
    const sort = (metadata = faultMetadata()) => call(gateway!.client.sort.bind(gateway!.client), { values: [5n, 3n, 9n, 1n] }, { metadata, deadlineMs: 10_000 });
    for (let i = 0; i < 10; i++) await sort(faultMetadata(i % 2 === 0 ? 'crash sort-radix' : 'wrong_value sort-merge'));
    // Two of four failing: the vote would fail, so time redundancy re-runs them (nvote_retries_total).
    await sort(faultMetadata('exception sort-radix', 'exception sort-merge'));
    // A scrape before the fault: a rate sees increases between samples, so the disagreements must
    // come after Prometheus has seen sort-heap's (zeroed) disagree counter.
    await vi.waitFor(async () => expect(await query('nvote_version_results_total{version="sort-heap",verdict="disagree"} == 0')).toHaveLength(1), {
      timeout: 30_000,
      interval: 200,
    });
    await plantFault(adminOf(gateway), { kind: FaultKind.FAULT_KIND_WRONG_VALUE, versions: ['sort-heap'] });
    await vi.waitFor(
      async () => {
        await sort();
        expect(await query('nvote_version_quarantined{version="sort-heap"} == 1'), `prometheus log:\n${log}`).toHaveLength(1);
      },
      { timeout: 60_000, interval: 200 },
    );

    // Every recording rule has series, from the gateway's own metrics.
    await vi.waitFor(
      async () => {
        for (const record of ['nvote:votes:rate5m', 'nvote:vote_failures:ratio_rate5m', 'nvote:version_disagreement:ratio_rate5m', 'nvote:worker_restarts:rate5m']) {
          expect((await query(record)).length, record).toBeGreaterThan(0);
        }
      },
      { timeout: 30_000, interval: 500 },
    );
    // Every query of the Grafana dashboard returns series from this gateway, as Grafana would send
    // it (its $__rate_interval is at least four scrape intervals).
    await vi.waitFor(
      async () => {
        for (const expr of dashboardQueries('1m')) expect((await query(expr)).length, expr).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 500 },
    );
    const disagreement = await query('nvote:version_disagreement:ratio_rate5m{method="Sort",version="sort-heap"}');
    expect(Number(disagreement[0]?.value[1])).toBeGreaterThan(0.05);

    // The alerts the planted fault must raise, firing in Prometheus itself.
    await vi.waitFor(
      async () => {
        const alerts = (await (await fetch(`${api}/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
        const firing = alerts.data.alerts.filter(alert => alert.state === 'firing').map(alert => `${alert.labels['alertname']} ${alert.labels['version'] ?? ''}`.trim());
        expect(firing).toContain('NvoteVersionQuarantined sort-heap');
        expect(firing).toContain('NvoteVersionDisagreeing sort-heap');
      },
      { timeout: 30_000, interval: 500 },
    );
  });
});
