import { Metadata, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Verdict, type VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';
import type { VoteEvent } from '../../voter/pipeline/index.js';
import { faultMetadata } from '../helpers/fault-admin.js';
import { finalVotes } from '../helpers/final-votes.js';
import { call, errorInfoOf, reportOf, startGateway, type Gateway } from '../helpers/start-gateway.js';
import { startRemoteSort, type RemoteSort } from '../helpers/remote-sort.js';

const VALUES = [5n, -3n, 9_223_372_036_854_775_807n, 0n, -9_223_372_036_854_775_808n, 5n];
const SORTED = [...VALUES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const DEADLINE_MS = 4_000;

function verdictOf(report: VoteReport, version: string): Verdict | undefined {
  return report.versions.find(entry => entry.version === version)?.verdict;
}

function finalVerdictOf(event: VoteEvent, version: string): string | undefined {
  return event.end.kind === 'recorded' ? event.end.record.versions.find(entry => entry.version === version)?.verdict : undefined;
}

function sortCall(gateway: Gateway, values: readonly bigint[], metadata = new Metadata()) {
  return call(gateway.client.sort.bind(gateway.client), { values: [...values] }, { metadata, deadlineMs: DEADLINE_MS });
}

describe('a remote version: a second gRPC server voting with two built-in versions', () => {
  let remote: RemoteSort;
  let gateway: Gateway;
  const votes = finalVotes();

  beforeAll(async () => {
    remote = await startRemoteSort();
    gateway = await startGateway({
      config: {
        stragglerGraceMs: 200,
        methods: { Sort: { versions: ['sort-merge', 'sort-heap', { id: 'sort-remote', address: remote.address }] } },
        faultInjection: { enabled: true },
      },
      observers: [votes],
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await remote?.stop();
  });

  it('votes its right answers with the local versions, called with the request id and the remaining budget', async () => {
    remote.behave('right');
    const before = remote.requestIds.length;
    const result = await sortCall(gateway, VALUES);
    expect(result.error).toBeUndefined();
    expect(result.response?.values).toEqual(SORTED);
    const report = reportOf(result.trailers);
    const final = await votes.of(report.requestId);
    expect(final.end.kind === 'recorded' && final.end.record.versions.map(version => version.verdict)).toEqual(['agree', 'agree', 'agree']);
    expect(remote.requestIds.slice(before)).toEqual([report.requestId]);
    // The remote's deadline is the version's budget: below the client's deadline, and close to it.
    const deadline = remote.deadlinesMs.at(-1) as number;
    expect(deadline).toBeLessThan(DEADLINE_MS);
    expect(deadline).toBeGreaterThan(DEADLINE_MS - 1_000);
  });

  it('outvotes a remote returning wrong values', async () => {
    remote.behave('wrong');
    const result = await sortCall(gateway, VALUES);
    expect(result.response?.values).toEqual(SORTED);
    const report = reportOf(result.trailers);
    expect(report.agreeing).toBe(2);
    // The answer may go out before the remote's arrives; its final verdict is the evidence.
    expect([Verdict.VERDICT_DISAGREE, Verdict.VERDICT_PENDING]).toContain(verdictOf(report, 'sort-remote'));
    expect(finalVerdictOf(await votes.of(report.requestId), 'sort-remote')).toBe('disagree');
  });

  it('votes the domain error a remote sends as INVALID_ARGUMENT with an ErrorInfo reason', async () => {
    remote.behave('right');
    const result = await sortCall(gateway, Array.from({ length: 100_001 }, (_, index) => BigInt(index)));
    expect(result.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(errorInfoOf(result.error as never).reason).toBe('TOO_LARGE');
    const report = reportOf(result.trailers);
    const final = await votes.of(report.requestId);
    expect(finalVerdictOf(final, 'sort-remote')).toBe('agree');
  });

  it('masks a remote that hangs, within the budget, and stops waiting for it after the grace', async () => {
    remote.behave('hang');
    const started = performance.now();
    const result = await sortCall(gateway, VALUES);
    expect(result.response?.values).toEqual(SORTED);
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS);
    const final = await votes.of(reportOf(result.trailers).requestId);
    // Stopped once the straggler grace ran out, like a hung worker.
    expect(finalVerdictOf(final, 'sort-remote')).toBe('timeout');
    remote.behave('right');
  });

  it('emulates injected faults at the client side of the remote call, and masks them', async () => {
    remote.behave('right');
    for (const kind of ['crash', 'exception', 'hang', 'wrong_value']) {
      const result = await sortCall(gateway, VALUES, faultMetadata(`${kind} sort-remote`));
      expect(result.response?.values, kind).toEqual(SORTED);
      const report = reportOf(result.trailers);
      expect(report.versions.find(entry => entry.version === 'sort-remote')?.injectedFault, kind).toBe(kind);
      const expected = { crash: 'crash', exception: 'error', hang: 'timeout', wrong_value: 'disagree' }[kind];
      expect(finalVerdictOf(await votes.of(report.requestId), 'sort-remote'), kind).toBe(expected);
    }
  });

  it('masks a remote killed mid-run as a crash, then one that refuses connections', async () => {
    remote.behave('die');
    const result = await sortCall(gateway, VALUES);
    expect(result.response?.values).toEqual(SORTED);
    const final = await votes.of(reportOf(result.trailers).requestId);
    expect(finalVerdictOf(final, 'sort-remote'), JSON.stringify(final.end.kind === 'recorded' && final.end.record.versions[2])).toBe('crash');
    // Nothing listens on the address any more: connection refused, a crash too, and fast.
    const started = performance.now();
    const refused = await sortCall(gateway, VALUES);
    expect(refused.response?.values).toEqual(SORTED);
    const again = await votes.of(reportOf(refused.trailers).requestId);
    expect(finalVerdictOf(again, 'sort-remote'), JSON.stringify(again.end.kind === 'recorded' && again.end.record.versions[2])).toBe('crash');
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS);
  });
});
