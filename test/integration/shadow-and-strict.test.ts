import { Metadata, status } from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { Verdict } from '../../voter/gen/nvote/v1/vote_report.js';
import { call, errorInfoOf, FAULT_AUTHORIZATION, reportOf, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];

function sortWith(gw: Gateway, headers: Record<string, string[]> = {}) {
  const metadata = new Metadata();
  // Per-call faults count only with the fault-injection token.
  if (headers['x-nvote-fault'] !== undefined) metadata.set('authorization', FAULT_AUTHORIZATION);
  for (const [name, values] of Object.entries(headers)) for (const value of values) metadata.add(name, value);
  return call(gw.client.sort.bind(gw.client), { values: [3n, 1n, 2n] }, { metadata, deadlineMs: 5_000 });
}

describe('shadow versions', () => {
  it('runs a shadow and reports its verdict, but never lets it vote nor count in N', async () => {
    await using gw = await startGateway({
      config: { faultInjection: { enabled: true }, methods: { Sort: { versions: [...TMR, { id: 'sort-shell', shadow: true }] } } },
    });
    // A wrong shadow changes nothing; two wrong voters and a right shadow are still a failure.
    const wrongShadow = await sortWith(gw, { 'x-nvote-fault': ['wrong_value sort-shell'] });
    expect(wrongShadow.response?.values).toEqual([1n, 2n, 3n]);
    const report = reportOf(wrongShadow.trailers);
    expect(report.configuredVersions).toBe(3);
    const shadow = report.versions.find(version => version.version === 'sort-shell');
    expect(shadow?.shadow).toBe(true);
    expect([Verdict.VERDICT_DISAGREE, Verdict.VERDICT_PENDING]).toContain(shadow?.verdict);
    await vi.waitFor(
      async () => expect(sample(await gw.metrics(), 'nvote_version_results_total', { method: 'Sort', version: 'sort-shell', verdict: 'disagree' })).toBe(1),
      { timeout: 5_000, interval: 20 },
    );

    const outvoted = await sortWith(gw, { 'x-nvote-fault': ['crash sort-heap', 'crash sort-radix'] });
    expect(outvoted.error?.code).toBe(status.UNAVAILABLE);
  });

  it('refuses a configuration with fewer than three voting versions, shadows aside', async () => {
    await expect(startGateway({ config: { methods: { Sort: { versions: ['sort-merge', 'sort-heap', { id: 'sort-radix', shadow: true }] } } } })).rejects.toThrow(
      /2 voting versions configured \(shadows do not vote\), at least 3/,
    );
  });
});

describe('strict mode', () => {
  it('turns a masked dissent into an explicit DISSENT error when the call asks for it, report included', async () => {
    await using gw = await startGateway({ config: { faultInjection: { enabled: true }, methods: { Sort: { versions: TMR } } } });
    const masked = await sortWith(gw, { 'x-nvote-fault': ['wrong_value sort-heap'] });
    expect(masked.response?.values).toEqual([1n, 2n, 3n]);

    const strict = await sortWith(gw, { 'x-nvote-fault': ['wrong_value sort-heap'], 'x-nvote-strict': ['1'] });
    expect(strict.error?.code).toBe(status.FAILED_PRECONDITION);
    expect(errorInfoOf(strict.error!).reason).toBe('DISSENT');
    expect(strict.error?.details).toMatch(/sort-heap disagree/);
    // Every voting version's verdict is in: strict mode decides only once all have answered.
    expect(reportOf(strict.trailers).versions.map(version => version.verdict)).toEqual([Verdict.VERDICT_AGREE, Verdict.VERDICT_DISAGREE, Verdict.VERDICT_AGREE]);

    const unanimous = await sortWith(gw, { 'x-nvote-strict': ['1'] });
    expect(unanimous.response?.values).toEqual([1n, 2n, 3n]);
  });

  it('applies to every call of a method configured strict', async () => {
    await using gw = await startGateway({ config: { faultInjection: { enabled: true }, methods: { Sort: { versions: TMR, strict: true } } } });
    const result = await sortWith(gw, { 'x-nvote-fault': ['exception sort-radix'] });
    expect(result.error?.code).toBe(status.FAILED_PRECONDITION);
    expect(errorInfoOf(result.error!).reason).toBe('DISSENT');
  });
});
