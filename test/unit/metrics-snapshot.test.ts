import { status } from '@grpc/grpc-js';
import type { Histogram } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, type PoolGaugeSource } from '../../voter/metrics/create-metrics.js';
import { createVoteMetricsObserver } from '../../voter/metrics/vote-metrics-observer.js';
import type { BallotJudge, VoteEvent } from '../../voter/pipeline/vote-observer.js';
import { VoteFailure, type VersionRecord, type VoteRecord } from '../../voter/pipeline/vote-record.js';
import type { Verdict } from '../../voter/vote/ballot.js';
import type { Decision } from '../../voter/vote/decide.js';
import { dumpMetrics } from './support/dump-metrics.js';
import { voteCall } from './support/vote-call.js';

const SERVICE = 'nvote.v1.ComputeService';
const METHODS = [
  { service: SERVICE, method: 'Sort', versions: ['sort-merge', 'sort-heap', 'sort-radix'] },
  { service: SERVICE, method: 'Evaluate', versions: ['evaluate-pratt', 'evaluate-shunting-yard'] },
];
const ANSWER = { kind: 'value', value: [1, 2, 3] } as const;
const MAJORITY: Decision<unknown> = { outcome: 'majority', agreeing: 2, answer: ANSWER, winner: ANSWER };
const judge: BallotJudge = { ballotOf: () => undefined, agree: () => false };

function versions(entries: readonly (readonly [string, Verdict, number])[]): VersionRecord[] {
  return entries.map(([version, verdict, durationSeconds]) => ({ version, verdict, durationSeconds }));
}

function recorded(method: string, record: VoteRecord<unknown>, probe = false): VoteEvent {
  return { method, requestId: 'req', probe, call: voteCall({ method, probe }), judge, end: { kind: 'recorded', record } };
}

function metricsWithPools() {
  const pools: PoolGaugeSource[] = [
    { method: 'Sort', version: 'sort-merge', stats: () => ({ threads: 2, queued: 1, utilization: 0.25 }) },
    { method: 'Evaluate', version: 'evaluate-pratt', stats: () => ({ threads: 1, queued: 0, utilization: 0 }) },
  ];
  let activeFaults = 0;
  const metrics = createMetrics(METHODS, () => pools, { activeFaults: () => activeFaults });
  return { metrics, setActiveFaults: (count: number) => (activeFaults = count) };
}

/** A few calls of each kind, through the observer and the recording functions the gateway calls. */
function feed(metrics: ReturnType<typeof createMetrics>): void {
  const observer = createVoteMetricsObserver(metrics);
  // Decided early on two, then the straggler agreed too: counted as unanimous.
  observer.voteEnded(
    recorded('Sort', {
      decision: MAJORITY,
      endedEarly: false,
      versions: versions([['sort-merge', 'agree', 0.004], ['sort-heap', 'agree', 0.006], ['sort-radix', 'agree', 0.3]]),
    }),
  );
  observer.voteEnded(
    recorded('Sort', {
      decision: MAJORITY,
      endedEarly: false,
      versions: versions([['sort-merge', 'agree', 0.003], ['sort-heap', 'agree', 0.007], ['sort-radix', 'disagree', 0.02]]),
    }),
  );
  observer.voteEnded(
    recorded('Sort', {
      decision: { outcome: 'quorum_lost', agreeing: 0, ballots: 0 },
      endedEarly: true,
      versions: versions([['sort-merge', 'error', 0.001], ['sort-heap', 'cancelled', 0.05], ['sort-radix', 'cancelled', 0.05]]),
    }),
  );
  // Neither a probe nor a vote whose voter threw is a client's vote.
  observer.voteEnded(
    recorded('Sort', { decision: MAJORITY, endedEarly: false, versions: versions([['sort-merge', 'agree', 0.001]]) }, true),
  );
  observer.voteEnded({
    method: 'Sort',
    requestId: 'req',
    probe: false,
    call: voteCall(),
    judge,
    end: { kind: 'failed', error: new VoteFailure(new Error('voter bug')) },
  });
  observer.voteEnded(
    recorded('Evaluate', {
      decision: { outcome: 'no_majority', agreeing: 1, ballots: 1 },
      endedEarly: false,
      versions: versions([['evaluate-pratt', 'domain_error', 0.002], ['evaluate-shunting-yard', 'timeout', 1]]),
    }),
  );
  observer.voteEnded(
    recorded('Evaluate', {
      decision: { outcome: 'quorum_lost', agreeing: 0, ballots: 0 },
      endedEarly: false,
      versions: versions([['evaluate-pratt', 'crash', 0.01], ['evaluate-shunting-yard', 'pending', 0.01]]),
    }),
  );

  for (let i = 0; i < 3; i++) metrics.callStarted('unary', SERVICE, 'Sort');
  metrics.callHandled('unary', SERVICE, 'Sort', status.OK, 0.012);
  metrics.callHandled('unary', SERVICE, 'Sort', status.RESOURCE_EXHAUSTED, 0.0001);
  metrics.callStarted('unary', SERVICE, 'Evaluate');
  metrics.callHandled('unary', SERVICE, 'Evaluate', status.UNAVAILABLE, 1.5);
  metrics.rejected('overloaded');
  metrics.rejected('overloaded');
  metrics.rejected('shutting_down');
  metrics.workerLost('Sort', 'sort-heap');
  metrics.internalError('Sort', 'observer');
  metrics.internalError('Evaluate', 'dispatch');
  metrics.faultInjected('Sort', 'sort-heap', 'hang');
  metrics.faultInjected('Sort', 'sort-radix', 'wrong_value');
  metrics.faultEffect('Sort', 'masked');
  metrics.faultEffect('Evaluate', 'escaped');
  metrics.setInFlight(2, 4_096, 16);
  metrics.setSettling(3);
}

describe('createMetrics', () => {
  it('exposes every instrument with its help, its labels and zeroed series for every known label set', async () => {
    const { metrics, setActiveFaults } = metricsWithPools();
    feed(metrics);
    setActiveFaults(3);

    expect(await dumpMetrics(metrics.registry)).toMatchInlineSnapshot(`
      "# HELP grpc_server_started_total RPCs started on the server.
      # TYPE grpc_server_started_total counter
      grpc_server_started_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} 3
      grpc_server_started_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} 1

      # HELP grpc_server_handled_total RPCs completed on the server, regardless of success or failure.
      # TYPE grpc_server_handled_total counter
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="OK"} 1
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="CANCELLED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="UNKNOWN"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="INVALID_ARGUMENT"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="DEADLINE_EXCEEDED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="NOT_FOUND"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="ALREADY_EXISTS"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="PERMISSION_DENIED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="RESOURCE_EXHAUSTED"} 1
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="FAILED_PRECONDITION"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="ABORTED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="OUT_OF_RANGE"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="UNIMPLEMENTED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="INTERNAL"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="UNAVAILABLE"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="DATA_LOSS"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort",grpc_code="UNAUTHENTICATED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="OK"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="CANCELLED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="UNKNOWN"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="INVALID_ARGUMENT"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="DEADLINE_EXCEEDED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="NOT_FOUND"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="ALREADY_EXISTS"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="PERMISSION_DENIED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="RESOURCE_EXHAUSTED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="FAILED_PRECONDITION"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="ABORTED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="OUT_OF_RANGE"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="UNIMPLEMENTED"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="INTERNAL"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="UNAVAILABLE"} 1
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="DATA_LOSS"} 0
      grpc_server_handled_total{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate",grpc_code="UNAUTHENTICATED"} 0

      # HELP grpc_server_handling_seconds Response latency of RPCs handled by the server, until the response is sent.
      # TYPE grpc_server_handling_seconds histogram
      grpc_server_handling_seconds_bucket{le="0.0005",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="0.001",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="0.0025",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="0.005",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="0.01",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="0.025",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="0.05",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="0.1",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="0.25",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="0.5",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="1",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="2.5",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="5",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="10",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="30",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_bucket{le="+Inf",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_sum{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} <num>
      grpc_server_handling_seconds_count{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Sort"} 2
      grpc_server_handling_seconds_bucket{le="0.0005",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="0.001",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="0.0025",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="0.005",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="0.01",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="0.025",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="0.05",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="0.1",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="0.25",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="0.5",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="1",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="2.5",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="5",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="10",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="30",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_bucket{le="+Inf",grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_sum{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} <num>
      grpc_server_handling_seconds_count{grpc_type="unary",grpc_service="nvote.v1.ComputeService",grpc_method="Evaluate"} 1

      # HELP nvote_votes_total Votes by final outcome, counted when every version has settled.
      # TYPE nvote_votes_total counter
      nvote_votes_total{method="Sort",outcome="unanimous"} 1
      nvote_votes_total{method="Sort",outcome="majority"} 1
      nvote_votes_total{method="Sort",outcome="weighted_majority"} 0
      nvote_votes_total{method="Sort",outcome="no_majority"} 0
      nvote_votes_total{method="Sort",outcome="quorum_lost"} 0
      nvote_votes_total{method="Sort",outcome="cancelled"} 1
      nvote_votes_total{method="Evaluate",outcome="unanimous"} 0
      nvote_votes_total{method="Evaluate",outcome="majority"} 0
      nvote_votes_total{method="Evaluate",outcome="weighted_majority"} 0
      nvote_votes_total{method="Evaluate",outcome="no_majority"} 1
      nvote_votes_total{method="Evaluate",outcome="quorum_lost"} 1
      nvote_votes_total{method="Evaluate",outcome="cancelled"} 0

      # HELP nvote_version_results_total Per-version results by verdict against the decision (agree, disagree, domain_error, error, timeout, crash, cancelled, unconfirmed).
      # TYPE nvote_version_results_total counter
      nvote_version_results_total{method="Sort",version="sort-merge",verdict="agree"} 2
      nvote_version_results_total{method="Sort",version="sort-merge",verdict="disagree"} 0
      nvote_version_results_total{method="Sort",version="sort-merge",verdict="domain_error"} 0
      nvote_version_results_total{method="Sort",version="sort-merge",verdict="error"} 1
      nvote_version_results_total{method="Sort",version="sort-merge",verdict="timeout"} 0
      nvote_version_results_total{method="Sort",version="sort-merge",verdict="crash"} 0
      nvote_version_results_total{method="Sort",version="sort-merge",verdict="cancelled"} 0
      nvote_version_results_total{method="Sort",version="sort-merge",verdict="unconfirmed"} 0
      nvote_version_results_total{method="Sort",version="sort-heap",verdict="agree"} 2
      nvote_version_results_total{method="Sort",version="sort-heap",verdict="disagree"} 0
      nvote_version_results_total{method="Sort",version="sort-heap",verdict="domain_error"} 0
      nvote_version_results_total{method="Sort",version="sort-heap",verdict="error"} 0
      nvote_version_results_total{method="Sort",version="sort-heap",verdict="timeout"} 0
      nvote_version_results_total{method="Sort",version="sort-heap",verdict="crash"} 0
      nvote_version_results_total{method="Sort",version="sort-heap",verdict="cancelled"} 1
      nvote_version_results_total{method="Sort",version="sort-heap",verdict="unconfirmed"} 0
      nvote_version_results_total{method="Sort",version="sort-radix",verdict="agree"} 1
      nvote_version_results_total{method="Sort",version="sort-radix",verdict="disagree"} 1
      nvote_version_results_total{method="Sort",version="sort-radix",verdict="domain_error"} 0
      nvote_version_results_total{method="Sort",version="sort-radix",verdict="error"} 0
      nvote_version_results_total{method="Sort",version="sort-radix",verdict="timeout"} 0
      nvote_version_results_total{method="Sort",version="sort-radix",verdict="crash"} 0
      nvote_version_results_total{method="Sort",version="sort-radix",verdict="cancelled"} 1
      nvote_version_results_total{method="Sort",version="sort-radix",verdict="unconfirmed"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-pratt",verdict="agree"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-pratt",verdict="disagree"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-pratt",verdict="domain_error"} 1
      nvote_version_results_total{method="Evaluate",version="evaluate-pratt",verdict="error"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-pratt",verdict="timeout"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-pratt",verdict="crash"} 1
      nvote_version_results_total{method="Evaluate",version="evaluate-pratt",verdict="cancelled"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-pratt",verdict="unconfirmed"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-shunting-yard",verdict="agree"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-shunting-yard",verdict="disagree"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-shunting-yard",verdict="domain_error"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-shunting-yard",verdict="error"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-shunting-yard",verdict="timeout"} 1
      nvote_version_results_total{method="Evaluate",version="evaluate-shunting-yard",verdict="crash"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-shunting-yard",verdict="cancelled"} 0
      nvote_version_results_total{method="Evaluate",version="evaluate-shunting-yard",verdict="unconfirmed"} 0

      # HELP nvote_version_duration_seconds Time from dispatch to settlement of one version task, faults included.
      # TYPE nvote_version_duration_seconds histogram
      nvote_version_duration_seconds_bucket{le="0.0005",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="0.001",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="0.0025",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="0.005",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="0.01",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="0.025",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="0.05",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="0.1",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="0.25",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="0.5",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="1",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="2.5",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="5",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="10",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="30",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_bucket{le="+Inf",method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_sum{method="Sort",version="sort-merge"} <num>
      nvote_version_duration_seconds_count{method="Sort",version="sort-merge"} 3
      nvote_version_duration_seconds_bucket{le="0.0005",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="0.001",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="0.0025",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="0.005",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="0.01",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="0.025",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="0.05",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="0.1",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="0.25",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="0.5",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="1",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="2.5",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="5",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="10",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="30",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_bucket{le="+Inf",method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_sum{method="Sort",version="sort-heap"} <num>
      nvote_version_duration_seconds_count{method="Sort",version="sort-heap"} 3
      nvote_version_duration_seconds_bucket{le="0.0005",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="0.001",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="0.0025",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="0.005",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="0.01",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="0.025",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="0.05",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="0.1",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="0.25",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="0.5",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="1",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="2.5",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="5",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="10",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="30",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_bucket{le="+Inf",method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_sum{method="Sort",version="sort-radix"} <num>
      nvote_version_duration_seconds_count{method="Sort",version="sort-radix"} 3
      nvote_version_duration_seconds_bucket{le="0.0005",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="0.001",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="0.0025",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="0.005",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="0.01",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="0.025",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="0.05",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="0.1",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="0.25",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="0.5",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="1",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="2.5",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="5",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="10",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="30",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_bucket{le="+Inf",method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_sum{method="Evaluate",version="evaluate-pratt"} <num>
      nvote_version_duration_seconds_count{method="Evaluate",version="evaluate-pratt"} 2
      nvote_version_duration_seconds_bucket{le="0.0005",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="0.001",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="0.0025",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="0.005",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="0.01",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="0.025",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="0.05",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="0.1",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="0.25",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="0.5",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="1",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="2.5",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="5",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="10",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="30",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_bucket{le="+Inf",method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_sum{method="Evaluate",version="evaluate-shunting-yard"} <num>
      nvote_version_duration_seconds_count{method="Evaluate",version="evaluate-shunting-yard"} 1

      # HELP nvote_worker_restarts_total Worker threads lost and replaced (crash, out of memory, aborted on timeout or cancel).
      # TYPE nvote_worker_restarts_total counter
      nvote_worker_restarts_total{method="Sort",version="sort-merge"} 0
      nvote_worker_restarts_total{method="Sort",version="sort-heap"} 1
      nvote_worker_restarts_total{method="Sort",version="sort-radix"} 0
      nvote_worker_restarts_total{method="Evaluate",version="evaluate-pratt"} 0
      nvote_worker_restarts_total{method="Evaluate",version="evaluate-shunting-yard"} 0

      # HELP nvote_rejected_requests_total Voted calls refused before any version ran.
      # TYPE nvote_rejected_requests_total counter
      nvote_rejected_requests_total{reason="overloaded"} 2
      nvote_rejected_requests_total{reason="memory"} 0
      nvote_rejected_requests_total{reason="queue"} 0
      nvote_rejected_requests_total{reason="shutting_down"} 1

      # HELP nvote_inflight_requests Voted calls admitted whose versions have not all settled (settling ones included).
      # TYPE nvote_inflight_requests gauge
      nvote_inflight_requests 2

      # HELP nvote_settling_requests Voted calls already decided whose slower versions (stragglers) have not all settled.
      # TYPE nvote_settling_requests gauge
      nvote_settling_requests 3

      # HELP nvote_inflight_limit_requests Voted calls that may be in flight now: maxInFlight, or less while the limit learned from recent calls (slow start, halved by late calls) is lower.
      # TYPE nvote_inflight_limit_requests gauge
      nvote_inflight_limit_requests 16

      # HELP nvote_inflight_request_bytes Memory charged to the admitted calls: each request wire size times its copies (decoded, one per version).
      # TYPE nvote_inflight_request_bytes gauge
      nvote_inflight_request_bytes 4096

      # HELP nvote_internal_errors_total Exceptions in gateway, method or voter code contained while serving a call (the call got INTERNAL or, for observers, nothing).
      # TYPE nvote_internal_errors_total counter
      nvote_internal_errors_total{method="Sort",stage="dispatch"} 0
      nvote_internal_errors_total{method="Sort",stage="vote"} 0
      nvote_internal_errors_total{method="Sort",stage="response"} 0
      nvote_internal_errors_total{method="Sort",stage="observer"} 1
      nvote_internal_errors_total{method="Evaluate",stage="dispatch"} 1
      nvote_internal_errors_total{method="Evaluate",stage="vote"} 0
      nvote_internal_errors_total{method="Evaluate",stage="response"} 0
      nvote_internal_errors_total{method="Evaluate",stage="observer"} 0

      # HELP nvote_pool_threads Worker threads alive in each version pool.
      # TYPE nvote_pool_threads gauge
      nvote_pool_threads{method="Sort",version="sort-merge"} 2
      nvote_pool_threads{method="Evaluate",version="evaluate-pratt"} 1

      # HELP nvote_pool_queued_tasks Tasks waiting for a worker in each version pool.
      # TYPE nvote_pool_queued_tasks gauge
      nvote_pool_queued_tasks{method="Sort",version="sort-merge"} 1
      nvote_pool_queued_tasks{method="Evaluate",version="evaluate-pratt"} 0

      # HELP nvote_pool_utilization_ratio Share of time the pool workers spent running tasks (piscina utilization, 0 to 1).
      # TYPE nvote_pool_utilization_ratio gauge
      nvote_pool_utilization_ratio{method="Sort",version="sort-merge"} 0.25
      nvote_pool_utilization_ratio{method="Evaluate",version="evaluate-pratt"} 0

      # HELP nvote_faults_injected_total Faults injected into version executions, by kind (fault injection enabled only).
      # TYPE nvote_faults_injected_total counter
      nvote_faults_injected_total{method="Sort",version="sort-merge",kind="crash"} 0
      nvote_faults_injected_total{method="Sort",version="sort-merge",kind="exception"} 0
      nvote_faults_injected_total{method="Sort",version="sort-merge",kind="hang"} 0
      nvote_faults_injected_total{method="Sort",version="sort-merge",kind="delay"} 0
      nvote_faults_injected_total{method="Sort",version="sort-merge",kind="wrong_value"} 0
      nvote_faults_injected_total{method="Sort",version="sort-merge",kind="bit_flip"} 0
      nvote_faults_injected_total{method="Sort",version="sort-merge",kind="oom"} 0
      nvote_faults_injected_total{method="Sort",version="sort-merge",kind="common_mode"} 0
      nvote_faults_injected_total{method="Sort",version="sort-heap",kind="crash"} 0
      nvote_faults_injected_total{method="Sort",version="sort-heap",kind="exception"} 0
      nvote_faults_injected_total{method="Sort",version="sort-heap",kind="hang"} 1
      nvote_faults_injected_total{method="Sort",version="sort-heap",kind="delay"} 0
      nvote_faults_injected_total{method="Sort",version="sort-heap",kind="wrong_value"} 0
      nvote_faults_injected_total{method="Sort",version="sort-heap",kind="bit_flip"} 0
      nvote_faults_injected_total{method="Sort",version="sort-heap",kind="oom"} 0
      nvote_faults_injected_total{method="Sort",version="sort-heap",kind="common_mode"} 0
      nvote_faults_injected_total{method="Sort",version="sort-radix",kind="crash"} 0
      nvote_faults_injected_total{method="Sort",version="sort-radix",kind="exception"} 0
      nvote_faults_injected_total{method="Sort",version="sort-radix",kind="hang"} 0
      nvote_faults_injected_total{method="Sort",version="sort-radix",kind="delay"} 0
      nvote_faults_injected_total{method="Sort",version="sort-radix",kind="wrong_value"} 1
      nvote_faults_injected_total{method="Sort",version="sort-radix",kind="bit_flip"} 0
      nvote_faults_injected_total{method="Sort",version="sort-radix",kind="oom"} 0
      nvote_faults_injected_total{method="Sort",version="sort-radix",kind="common_mode"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-pratt",kind="crash"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-pratt",kind="exception"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-pratt",kind="hang"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-pratt",kind="delay"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-pratt",kind="wrong_value"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-pratt",kind="bit_flip"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-pratt",kind="oom"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-pratt",kind="common_mode"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-shunting-yard",kind="crash"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-shunting-yard",kind="exception"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-shunting-yard",kind="hang"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-shunting-yard",kind="delay"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-shunting-yard",kind="wrong_value"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-shunting-yard",kind="bit_flip"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-shunting-yard",kind="oom"} 0
      nvote_faults_injected_total{method="Evaluate",version="evaluate-shunting-yard",kind="common_mode"} 0

      # HELP nvote_fault_injected_requests_total Calls with injected faults by effect: masked (right answer), detected (explicit error), escaped (a corrupted answer delivered).
      # TYPE nvote_fault_injected_requests_total counter
      nvote_fault_injected_requests_total{method="Sort",effect="masked"} 1
      nvote_fault_injected_requests_total{method="Sort",effect="detected"} 0
      nvote_fault_injected_requests_total{method="Sort",effect="escaped"} 0
      nvote_fault_injected_requests_total{method="Evaluate",effect="masked"} 0
      nvote_fault_injected_requests_total{method="Evaluate",effect="detected"} 0
      nvote_fault_injected_requests_total{method="Evaluate",effect="escaped"} 1

      # HELP nvote_active_faults Injected faults active now, per-call faults in flight included.
      # TYPE nvote_active_faults gauge
      nvote_active_faults 3"
    `);
  });

  it('records version durations and call latency in seconds, as given', async () => {
    const { metrics } = metricsWithPools();
    feed(metrics);

    const values = async (name: string) => {
      const histogram = metrics.registry.getSingleMetric(name) as Histogram | undefined;
      const { values: samples } = (await histogram?.get()) ?? { values: [] };
      return samples.filter(sample => sample.metricName?.endsWith('_sum') && sample.value > 0).map(s => [s.labels, s.value]);
    };
    expect(await values('nvote_version_duration_seconds')).toEqual([
      [{ method: 'Sort', version: 'sort-merge' }, 0.004 + 0.003 + 0.001],
      [{ method: 'Sort', version: 'sort-heap' }, 0.006 + 0.007 + 0.05],
      [{ method: 'Sort', version: 'sort-radix' }, 0.3 + 0.02 + 0.05],
      [{ method: 'Evaluate', version: 'evaluate-pratt' }, 0.002 + 0.01],
      [{ method: 'Evaluate', version: 'evaluate-shunting-yard' }, 1],
    ]);
    expect(await values('grpc_server_handling_seconds')).toEqual([
      [{ grpc_type: 'unary', grpc_service: SERVICE, grpc_method: 'Sort' }, 0.012 + 0.0001],
      [{ grpc_type: 'unary', grpc_service: SERVICE, grpc_method: 'Evaluate' }, 1.5],
    ]);
  });

  it('zeroes every known label set before anything is recorded', async () => {
    const metrics = createMetrics(METHODS, () => [], { activeFaults: () => 0 });

    const samples = (await dumpMetrics(metrics.registry)).split('\n').filter(line => line !== '' && !line.startsWith('#'));
    expect(samples.filter(line => !/ (0|<num>)$/.test(line))).toEqual([]);
    const series: Record<string, number> = {};
    for (const line of samples) {
      const name = /^\w+/.exec(line)?.[0] ?? line;
      series[name] = (series[name] ?? 0) + 1;
    }
    // Two methods, five versions in all, 17 gRPC codes, 15 buckets and +Inf, 8 fault kinds.
    expect(series).toEqual({
      grpc_server_started_total: 2,
      grpc_server_handled_total: 2 * 17,
      grpc_server_handling_seconds_bucket: 2 * 16,
      grpc_server_handling_seconds_sum: 2,
      grpc_server_handling_seconds_count: 2,
      nvote_votes_total: 2 * 6,
      nvote_version_results_total: 5 * 8,
      nvote_version_duration_seconds_bucket: 5 * 16,
      nvote_version_duration_seconds_sum: 5,
      nvote_version_duration_seconds_count: 5,
      nvote_worker_restarts_total: 5,
      nvote_rejected_requests_total: 4,
      nvote_inflight_requests: 1,
      nvote_settling_requests: 1,
      nvote_inflight_request_bytes: 1,
      nvote_inflight_limit_requests: 1,
      nvote_internal_errors_total: 2 * 4,
      nvote_faults_injected_total: 5 * 8,
      nvote_fault_injected_requests_total: 2 * 3,
      nvote_active_faults: 1,
    });
  });

  it('has no fault metrics when fault injection is off, and ignores the fault recordings', async () => {
    const metrics = createMetrics(METHODS, () => []);
    metrics.faultInjected('Sort', 'sort-heap', 'hang');
    metrics.faultEffect('Sort', 'masked');

    const text = await dumpMetrics(metrics.registry);
    expect(text).not.toMatch(/^# TYPE \S*fault/m);
    expect(text).toMatch(/^nvote_votes_total\{method="Sort",outcome="unanimous"\} 0$/m);
  });
});
