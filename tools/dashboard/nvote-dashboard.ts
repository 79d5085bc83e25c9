import { DashboardBuilder, DatasourceVariableBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/** One panel: what it shows, and the PromQL behind it (Grafana fills in $__rate_interval). */
export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly { readonly expr: string; readonly legend: string }[];
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

const FAILED_VERDICTS = 'disagree|domain_error|error|timeout|crash';

/** The dashboard's content; test/integration/prometheus-rules.test.ts runs every query against a real Prometheus. */
export const ROWS: readonly RowSpec[] = [
  {
    title: 'Votes',
    panels: [
      {
        title: 'Votes by outcome',
        description: 'Decided votes per second; no_majority and quorum_lost are calls that got an explicit error.',
        unit: 'reqps',
        queries: [{ expr: 'sum by (outcome) (rate(nvote_votes_total[$__rate_interval]))', legend: '{{outcome}}' }],
      },
      {
        title: 'Votes without an answer',
        description: 'Share of decided votes per method that ended with no majority or a lost quorum.',
        unit: 'percentunit',
        queries: [
          {
            expr: `sum by (method) (rate(nvote_votes_total{outcome=~"no_majority|quorum_lost"}[$__rate_interval])) / sum by (method) (rate(nvote_votes_total{outcome!="cancelled"}[$__rate_interval]))`,
            legend: '{{method}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Versions',
    panels: [
      {
        title: 'Disagreement rate per version',
        description: 'Share of a version\'s verdicts against the vote or failed: a fault the vote is masking.',
        unit: 'percentunit',
        queries: [
          {
            expr: `sum by (method, version) (rate(nvote_version_results_total{verdict=~"${FAILED_VERDICTS}"}[$__rate_interval])) / sum by (method, version) (rate(nvote_version_results_total{verdict!~"pending|cancelled"}[$__rate_interval]))`,
            legend: '{{method}}/{{version}}',
          },
        ],
      },
      {
        title: 'Verdicts per version',
        description: 'Every verdict per second: agree, disagree, error, timeout, crash, cancelled, pending, unconfirmed.',
        unit: 'reqps',
        queries: [{ expr: 'sum by (method, version, verdict) (rate(nvote_version_results_total[$__rate_interval]))', legend: '{{method}}/{{version}} {{verdict}}' }],
      },
      {
        title: 'Version latency p50 and p99',
        description: 'Dispatch to settlement per version, faults included.',
        unit: 's',
        queries: [
          { expr: 'histogram_quantile(0.5, sum by (method, version, le) (rate(nvote_version_duration_seconds_bucket[$__rate_interval])))', legend: 'p50 {{method}}/{{version}}' },
          { expr: 'histogram_quantile(0.99, sum by (method, version, le) (rate(nvote_version_duration_seconds_bucket[$__rate_interval])))', legend: 'p99 {{method}}/{{version}}' },
        ],
      },
    ],
  },
  {
    title: 'Fault management',
    panels: [
      {
        title: 'Quarantined versions and degraded methods',
        description: '1 while a version sits calls out, or while a method keeps a failing version for want of a majority.',
        unit: 'short',
        queries: [
          { expr: 'nvote_version_quarantined', legend: 'quarantined {{method}}/{{version}}' },
          { expr: 'nvote_method_degraded', legend: 'degraded {{method}}' },
        ],
      },
      {
        title: 'Time since the last passed self-test',
        description: 'Known-answer self-tests run every 30 s by default; a growing line is a version failing them.',
        unit: 's',
        queries: [{ expr: 'time() - nvote_selftest_last_success_timestamp_seconds', legend: '{{method}}/{{version}}' }],
      },
      {
        title: 'Self-test results',
        description: 'Known-answer self-tests per second, by result.',
        unit: 'ops',
        queries: [{ expr: 'sum by (method, version, result) (rate(nvote_selftest_runs_total[$__rate_interval]))', legend: '{{method}}/{{version}} {{result}}' }],
      },
      {
        title: 'Retries (time redundancy)',
        description: 'Re-runs of failed or dissenting versions, by the verdict of the re-run.',
        unit: 'ops',
        queries: [{ expr: 'sum by (method, version, result) (rate(nvote_retries_total[$__rate_interval]))', legend: '{{method}}/{{version}} {{result}}' }],
      },
    ],
  },
  {
    title: 'Capacity',
    panels: [
      {
        title: 'Worker restarts',
        description: 'Workers lost and replaced per second: crashes, heap limits, stopped tasks.',
        unit: 'ops',
        queries: [{ expr: 'sum by (method, version) (rate(nvote_worker_restarts_total[$__rate_interval]))', legend: '{{method}}/{{version}}' }],
      },
      {
        title: 'Admission refusals',
        description: 'Calls refused RESOURCE_EXHAUSTED (or UNAVAILABLE while shutting down) per second, by reason.',
        unit: 'reqps',
        queries: [{ expr: 'sum by (reason) (rate(nvote_rejected_requests_total[$__rate_interval]))', legend: '{{reason}}' }],
      },
      {
        title: 'Calls in flight',
        description: 'Admitted calls, those already decided whose stragglers still run, and the learned limit.',
        unit: 'short',
        queries: [
          { expr: 'nvote_inflight_requests', legend: 'in flight' },
          { expr: 'nvote_settling_requests', legend: 'settling' },
          { expr: 'nvote_inflight_limit_requests', legend: 'limit' },
        ],
      },
      {
        title: 'Bytes in flight',
        description: 'Memory charged to admitted calls: wire size times (2 + N).',
        unit: 'bytes',
        queries: [{ expr: 'nvote_inflight_request_bytes', legend: 'bytes' }],
      },
      {
        title: 'Health',
        description: '1 SERVING, 0 NOT_SERVING, per grpc.health.v1 name.',
        unit: 'short',
        queries: [{ expr: 'nvote_health_serving', legend: '{{name}}' }],
      },
    ],
  },
  {
    title: 'Fault injection (when enabled)',
    panels: [
      {
        title: 'Effects of injected faults',
        description: 'Calls with injected faults per second: masked (right answer), detected (explicit error), escaped (a corrupted answer won).',
        unit: 'reqps',
        queries: [{ expr: 'sum by (method, effect) (rate(nvote_fault_injected_requests_total[$__rate_interval]))', legend: '{{method}} {{effect}}' }],
      },
      {
        title: 'Faults injected and active',
        description: 'Faults injected per second by kind, and the faults active now.',
        unit: 'short',
        queries: [
          { expr: 'sum by (kind) (rate(nvote_faults_injected_total[$__rate_interval]))', legend: '{{kind}}' },
          { expr: 'nvote_active_faults', legend: 'active' },
        ],
      },
    ],
  },
];

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** The dashboard, built with Grafana's own typed SDK rather than hand-written JSON. */
export function buildDashboard(): Dashboard {
  const builder = new DashboardBuilder('nvote')
    .uid('nvote-gateway')
    .description('N-version voting gateway: votes, versions, fault management, capacity, fault injection.')
    .tags(['nvote', 'generated'])
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
  for (const row of ROWS) {
    builder.withRow(new RowBuilder(row.title));
    for (const panel of row.panels) {
      const built = new PanelBuilder().title(panel.title).description(panel.description).unit(panel.unit).datasource(DATASOURCE).height(8).span(12);
      panel.queries.forEach((query, index) => {
        built.withTarget(
          new DataqueryBuilder()
            .expr(query.expr)
            .legendFormat(query.legend)
            .refId(String.fromCharCode(65 + index))
            .datasource(DATASOURCE),
        );
      });
      builder.withPanel(built);
    }
  }
  return builder.build();
}

/** Every query of the dashboard, as Grafana would send it with the given rate interval. */
export function dashboardQueries(rateInterval: string): string[] {
  return ROWS.flatMap(row => row.panels.flatMap(panel => panel.queries.map(query => query.expr.replaceAll('$__rate_interval', rateInterval))));
}

/** The dashboard file's text: deploy/grafana/nvote-dashboard.json holds exactly this. */
export function dashboardJson(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}
