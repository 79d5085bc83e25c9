import type { CampaignSummary } from './summarize.js';

/** The campaign's result as a plain-text report for a terminal or a README. */
export function renderTable(summary: CampaignSummary): string {
  const { plan, totals } = summary;
  const lines: string[] = [];
  const faults =
    plan.faults.mode === 'per_call'
      ? `${plan.faults.versionsPerCall} faulty version(s) per call`
      : `intermittent faults, p = ${plan.faults.probabilities.join(', ')}`;
  lines.push(
    `nvote campaign: ${totals.requests} requests, ${faults}, kinds ${plan.kinds.join(', ')}`,
    `  methods ${plan.methods.join(', ')}; concurrency ${plan.concurrency}; seed ${plan.seed}; ${(summary.durationMs / 1000).toFixed(1)} s`,
    '',
  );
  lines.push(
    ...grid(
      ['faulty versions', 'requests', 'correct', 'wrong', 'no answer'],
      [
        ...summary.byFaulty.map(group => [
          `${group.faulty}${group.minority ? ' (minority)' : ' (majority)'}`,
          group.requests,
          group.correct,
          group.wrong,
          group.failed,
        ]),
        ['all', totals.requests, totals.correct, totals.wrong, totals.failed],
      ],
    ),
    '',
  );
  lines.push(
    `admission refusals (RESOURCE_EXHAUSTED, retried with backoff): ${summary.refusals.total} on ${summary.refusals.calls} calls`,
  );
  const native = Object.entries(summary.nativeFailures);
  lines.push(
    `versions that failed with no injected fault (counted as faulty): ${native.length === 0 ? 'none' : native.map(([version, n]) => `${version} ${n}`).join(', ')}`,
  );
  const outcomes = Object.entries(summary.failuresByOutcome);
  lines.push(`explicit errors by outcome: ${outcomes.length === 0 ? 'none' : outcomes.map(([outcome, n]) => `${outcome} ${n}`).join(', ')}`);
  lines.push(
    `masked faults by kind (faulty minority): ${
      summary.maskedByKind.length === 0 ? 'none injected' : summary.maskedByKind.map(k => `${k.kind} ${k.masked}/${k.injected}`).join(', ')
    }`,
  );
  const escapes = new Map<string, number>();
  for (const escape of summary.escapes) escapes.set(escape.escape, (escapes.get(escape.escape) ?? 0) + 1);
  lines.push(
    `wrong answers: ${summary.escapes.length === 0 ? 'none' : [...escapes].map(([why, n]) => `${n} ${why.replace('_', '-')}`).join(', ')}`,
  );
  for (const escape of summary.escapes.slice(0, 10)) {
    lines.push(`  ${escape.requestId} ${escape.method}: ${escape.injected.map(f => `${f.kind}@${f.version}`).join(' ')}`);
  }
  if (summary.escapes.length > 10) lines.push(`  ... ${summary.escapes.length - 10} more in the history`);
  const { withoutFaults, withFaults } = summary.latency;
  if (summary.unansweredWithMinority > 0 && plan.faults.mode === 'intermittent') {
    lines.push(
      `no answer with a faulty minority: ${summary.unansweredWithMinority} (healthy versions out of budget while faulty workers were replaced; counted in the observed rates)`,
    );
  }
  lines.push(
    `latency ms: without faults p50 ${withoutFaults.p50Ms} p99 ${withoutFaults.p99Ms} (${withoutFaults.count}); with faults p50 ${withFaults.p50Ms} p99 ${withFaults.p99Ms} (${withFaults.count})`,
  );
  if (summary.gateway !== undefined) {
    const g = summary.gateway;
    const threads = g.threadsBefore === undefined ? 'n/a' : `${g.threadsBefore} -> ${g.threadsAfter ?? 'n/a'}`;
    lines.push(
      `campaign's gateway: ${g.workersReplaced} workers replaced (${g.workersReplacedPerMinute}/min); OS threads ${threads}; ` +
        `RSS ${g.rssBeforeMb} -> ${g.rssAfterMb} MB; main heap ${g.heapUsedBeforeMb} -> ${g.heapUsedAfterMb} MB (no forced GC)`,
    );
  }
  if (summary.model.length > 0) {
    lines.push(
      '',
      'P(wrong or no answer) per request, observed vs the independent-fault model, with Wilson intervals',
      '(99% per method; pooled rows at the Bonferroni-corrected level the check uses). p is the planted',
      'per-version probability of a failing fault (delays excluded), p seen the share of version runs',
      'that were in fact faulty:',
      ...grid(
        ['method', 'N', 'p', 'p seen', 'requests', 'observed', 'interval', 'model', 'simplex p', 'TMR 3p²-2p³', 'fits'],
        summary.model.map(row => [
          row.method,
          row.versions,
          row.pFaulty.toFixed(3),
          row.pObserved.toFixed(3),
          row.requests,
          row.observed.toFixed(4),
          `${row.low.toFixed(4)}..${row.high.toFixed(4)}${row.pooled ? ` (${(row.confidence * 100).toFixed(2)}%)` : ''}`,
          row.model.toFixed(4),
          row.simplex.toFixed(4),
          row.tmr.toFixed(4),
          row.consistent ? 'yes' : 'NO',
        ]),
      ),
    );
  }
  lines.push('', 'checks:');
  for (const check of summary.checks) lines.push(`  ${check.passed ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  return `${lines.join('\n')}\n`;
}

function grid(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const cells = [header, ...rows].map(row => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map(row => (row[column] ?? '').length)));
  return cells.map(row =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '),
  );
}
