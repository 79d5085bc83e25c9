import type { Metadata} from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';
import { Verdict } from '../../voter/gen/nvote/v1/vote_report.js';
import { sortWithFixtures } from '../fixtures/sort-with-fixtures.js';
import { call, errorInfoOf, outcomeOf, reportOf, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

const REQUEST = { values: [5n, -3n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 0n] };
const SORTED = [-9_223_372_036_854_775_808n, -3n, 0n, 5n, 9_223_372_036_854_775_807n];

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

async function gatewayWith(versions: string[], extra: Record<string, unknown> = {}): Promise<Gateway> {
  gateway = await startGateway({
    methods: [sortWithFixtures],
    // A wide margin: on a loaded CI machine the event loop can lag by tens of milliseconds.
    config: { defaultTimeoutMs: 2_000, deadlineMarginMs: 250, methods: { Sort: { versions, ...extra } } },
  });
  return gateway;
}

function sort(gw: Gateway, options: { deadlineMs?: number; metadata?: Metadata } = {}) {
  return call(gw.client.sort.bind(gw.client), REQUEST, options);
}

/** Waits (polling the real endpoint, bounded) until every version has settled and been counted. */
async function settledMetrics(gw: Gateway, version: string, verdict: string, count = 1): Promise<string> {
  let text = '';
  await vi.waitFor(
    async () => {
      text = await gw.metrics();
      expect(sample(text, 'nvote_version_results_total', { method: 'Sort', version, verdict })).toBe(count);
    },
    { timeout: 10_000, interval: 50 },
  );
  return text;
}

function verdictOf(report: VoteReport, version: string): Verdict | undefined {
  return report.versions.find(entry => entry.version === version)?.verdict;
}

describe('a faulty minority is masked', () => {
  it.each([
    ['fixture-sorts-off-by-one', 'disagree', Verdict.VERDICT_DISAGREE],
    ['fixture-throws', 'error', Verdict.VERDICT_ERROR],
    ['fixture-exits', 'crash', Verdict.VERDICT_CRASH],
    ['fixture-returns-garbage', 'error', Verdict.VERDICT_ERROR],
  ] as const)('answers correctly when %s is one of three versions', async (faulty, verdict, wireVerdict) => {
    const gw = await gatewayWith(['sort-merge', 'sort-heap', faulty]);
    const result = await sort(gw);

    expect(result.error).toBeUndefined();
    expect(result.response?.values).toEqual(SORTED);
    expect(outcomeOf(result.trailers)).toBe('majority');
    const report = reportOf(result.trailers);
    expect(report).toMatchObject({ method: 'Sort', configuredVersions: 3, agreeing: 2 });
    expect(verdictOf(report, 'sort-merge')).toBe(Verdict.VERDICT_AGREE);
    expect(verdictOf(report, 'sort-heap')).toBe(Verdict.VERDICT_AGREE);
    // The faulty version may still be running when the majority answers.
    expect([wireVerdict, Verdict.VERDICT_PENDING]).toContain(verdictOf(report, faulty));

    const metrics = await settledMetrics(gw, faulty, verdict);
    expect(sample(metrics, 'nvote_votes_total', { method: 'Sort', outcome: 'majority' })).toBe(1);
    expect(sample(metrics, 'nvote_version_results_total', { method: 'Sort', version: 'sort-merge', verdict: 'agree' })).toBe(1);
    expect(
      sample(metrics, 'grpc_server_handled_total', {
        grpc_type: 'unary',
        grpc_service: 'nvote.v1.ComputeService',
        grpc_method: 'Sort',
        grpc_code: 'OK',
      }),
    ).toBe(1);
  });

  it('replaces a worker that exhausted its heap and keeps answering', async () => {
    gateway = await startGateway({
      methods: [sortWithFixtures],
      // The straggler grace must not race the heap limit: on a loaded machine filling 32 MB can
      // take longer than the default grace, and the version would then be stopped (timeout)
      // rather than die of its heap (crash).
      config: {
        stragglerGraceMs: 20_000,
        methods: { Sort: { versions: ['sort-merge', 'sort-heap', 'fixture-exhausts-memory'], maxOldGenerationMb: 32 } },
      },
    });
    const gw = gateway;
    const first = await sort(gw, { deadlineMs: 20_000 });
    expect(first.response?.values).toEqual(SORTED);
    const metrics = await settledMetrics(gw, 'fixture-exhausts-memory', 'crash');
    expect(sample(metrics, 'nvote_worker_restarts_total', { method: 'Sort', version: 'fixture-exhausts-memory' })).toBe(1);
    const second = await sort(gw, { deadlineMs: 20_000 });
    expect(second.response?.values).toEqual(SORTED);
  });

  it('answers before the budget when one version hangs, then times the hung one out', async () => {
    const gw = await gatewayWith(['sort-merge', 'sort-heap', 'fixture-hangs'], { defaultTimeoutMs: 3_000 });
    const result = await sort(gw);
    expect(result.response?.values).toEqual(SORTED);
    expect(verdictOf(reportOf(result.trailers), 'fixture-hangs')).toBe(Verdict.VERDICT_PENDING);
    const metrics = await settledMetrics(gw, 'fixture-hangs', 'timeout');
    expect(sample(metrics, 'nvote_worker_restarts_total', { method: 'Sort', version: 'fixture-hangs' })).toBe(1);
  });

  it('masks a faulty minority of a five-version method', async () => {
    const gw = await gatewayWith(['sort-merge', 'sort-heap', 'sort-radix', 'fixture-sorts-off-by-one', 'fixture-sorts-descending']);
    const result = await sort(gw);
    expect(result.response?.values).toEqual(SORTED);
    expect(reportOf(result.trailers)).toMatchObject({ configuredVersions: 5, agreeing: 3 });
  });
});

describe('the vote fails safe without a majority', () => {
  it('returns INTERNAL with NO_MAJORITY when two of three versions disagree differently', async () => {
    const gw = await gatewayWith(['sort-merge', 'fixture-sorts-off-by-one', 'fixture-sorts-descending']);
    const result = await sort(gw);

    expect(result.response).toBeUndefined();
    expect(result.error?.code).toBe(status.INTERNAL);
    expect(errorInfoOf(result.error!)).toMatchObject({ reason: 'NO_MAJORITY', domain: 'nvote' });
    expect(outcomeOf(result.trailers)).toBe('no_majority');
    const report = reportOf(result.trailers);
    expect(report).toMatchObject({ configuredVersions: 3, agreeing: 1 });
    expect(report.versions.map(entry => entry.verdict)).toEqual([
      Verdict.VERDICT_DISAGREE,
      Verdict.VERDICT_DISAGREE,
      Verdict.VERDICT_DISAGREE,
    ]);
    const metrics = await gw.metrics();
    expect(sample(metrics, 'nvote_votes_total', { method: 'Sort', outcome: 'no_majority' })).toBe(1);
  });

  it('returns UNAVAILABLE with QUORUM_LOST before the client deadline when two of three hang', async () => {
    gateway = await startGateway({
      methods: [sortWithFixtures],
      config: { deadlineMarginMs: 250, methods: { Sort: { versions: ['sort-merge', 'fixture-hangs', 'fixture-hangs-again'] } } },
    });
    const gw = gateway;
    const result = await sort(gw, { deadlineMs: 2_000 });

    expect(result.error?.code).toBe(status.UNAVAILABLE);
    expect(errorInfoOf(result.error!)).toMatchObject({ reason: 'QUORUM_LOST', domain: 'nvote' });
    expect(outcomeOf(result.trailers)).toBe('quorum_lost');
    const metrics = await settledMetrics(gw, 'fixture-hangs', 'timeout');
    expect(sample(metrics, 'nvote_votes_total', { method: 'Sort', outcome: 'quorum_lost' })).toBe(1);
  });

  it('never answers from a single surviving version', async () => {
    const gw = await gatewayWith(['sort-merge', 'fixture-throws', 'fixture-exits']);
    const result = await sort(gw);
    expect(result.error?.code).toBe(status.UNAVAILABLE);
    expect(outcomeOf(result.trailers)).toBe('quorum_lost');
    // The two faults may settle first: the vote is lost before the survivor answers.
    expect(reportOf(result.trailers).agreeing).toBeLessThanOrEqual(1);
  });
});

describe('the gateway protects itself', () => {
  it('refuses with RESOURCE_EXHAUSTED past its in-flight limit, without queueing', async () => {
    gateway = await startGateway({
      methods: [sortWithFixtures],
      config: { maxInFlight: 1, defaultTimeoutMs: 2_000, methods: { Sort: { versions: ['fixture-hangs', 'sort-merge', 'sort-heap'] } } },
    });
    const gw = gateway;
    const slow = sort(gw);
    const refused = await sort(gw);
    expect(refused.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(errorInfoOf(refused.error!).reason).toBe('OVERLOADED');
    expect((await slow).response?.values).toEqual(SORTED);
    expect(sample(await gw.metrics(), 'nvote_rejected_requests_total', { reason: 'overloaded' })).toBe(1);
  });

  it('stops the versions when the client cancels', async () => {
    const gw = await gatewayWith(['fixture-hangs', 'sort-merge', 'fixture-throws'], { defaultTimeoutMs: 20_000 });
    const result = new Promise<number | undefined>(resolve => {
      const pending = gw.client.sort(REQUEST, error => resolve(error?.code));
      // Cancel once the gateway has admitted the call, so the cancel reaches running versions.
      void vi
        .waitFor(async () => expect(sample(await gw.metrics(), 'nvote_inflight_requests', {})).toBe(1), {
          timeout: 10_000,
          interval: 20,
        })
        .then(() => pending.cancel());
    });
    expect(await result).toBe(status.CANCELLED);
    // The hung version is aborted when the call ends, not when its 20 s budget would.
    const metrics = await settledMetrics(gw, 'fixture-hangs', 'cancelled');
    expect(sample(metrics, 'nvote_worker_restarts_total', { method: 'Sort', version: 'fixture-hangs' })).toBe(1);
  });

  it('answers QUORUM_LOST rather than DEADLINE_EXCEEDED when the deadline leaves too little time', async () => {
    const gw = await gatewayWith(['fixture-hangs', 'sort-merge', 'fixture-throws'], { defaultTimeoutMs: 20_000 });
    const result = await sort(gw, { deadlineMs: 1_000 });
    expect(result.error?.code).toBe(status.UNAVAILABLE);
    expect(outcomeOf(result.trailers)).toBe('quorum_lost');
  });
});
