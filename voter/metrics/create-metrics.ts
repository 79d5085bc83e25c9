import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REJECTION_REASONS, type RejectionReason } from '../admission/index.js';
import { FAULT_EFFECTS, FAULT_KINDS, type FaultEffect, type FaultKind } from '../faults/index.js';
import { VERDICTS, type Verdict } from '../vote/index.js';
import { OUTCOMES, type Outcome } from '../vote/index.js';

export const LABELS = {
  grpc: ['grpc_type', 'grpc_service', 'grpc_method'] as const,
  grpcHandled: ['grpc_type', 'grpc_service', 'grpc_method', 'grpc_code'] as const,
  vote: ['method', 'outcome'] as const,
  version: ['method', 'version'] as const,
  versionResult: ['method', 'version', 'verdict'] as const,
  rejection: ['reason'] as const,
  faultInjected: ['method', 'version', 'kind'] as const,
  faultEffect: ['method', 'effect'] as const,
  internalError: ['method', 'stage'] as const,
};

/** Present only when the gateway runs with fault injection enabled. */
export interface FaultMetricsSource {
  activeFaults(): number;
}

/** Where gateway code threw while serving a call: before dispatch, during the vote, building the response, after it. */
export type InternalErrorStage = 'dispatch' | 'vote' | 'response' | 'observer';
const INTERNAL_ERROR_STAGES: readonly InternalErrorStage[] = ['dispatch', 'vote', 'response', 'observer'];

/** A vote's final outcome, or `cancelled` when the call ended (cancel, deadline, shutdown) before it was decided. */
export type VoteOutcome = Outcome | 'cancelled';
const VOTE_OUTCOMES: readonly VoteOutcome[] = [...OUTCOMES, 'cancelled'];

/** The gRPC code names used as `grpc_code` label values, as go-grpc-prometheus spells them. */
/**
 * The gRPC status codes by number, named as go-grpc-prometheus spells them in `grpc_code`: the
 * protocol's own table (doc/statuscodes.md), so that metrics need no gRPC library.
 */
export const GRPC_CODE_NAMES: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** As go-grpc-prometheus names the four kinds of RPC. */
export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

export interface MethodLabels {
  readonly service: string;
  readonly method: string;
  readonly versions: readonly string[];
}

export interface PoolGaugeSource {
  readonly method: string;
  readonly version: string;
  stats(): { threads: number; queued: number; utilization: number };
}

// Seconds; from sub-millisecond cache-warm calls to the longest sensible budget.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * All instruments on one private registry. Every label set known in advance is zeroed, so
 * dashboards and alerts see 0 rather than a missing series.
 */
export function createMetrics(
  methods: readonly MethodLabels[],
  pools: () => readonly PoolGaugeSource[],
  faults?: FaultMetricsSource,
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const grpcStarted = new Counter({
    name: 'grpc_server_started_total',
    help: 'RPCs started on the server.',
    labelNames: LABELS.grpc,
    registers,
  });
  const grpcHandled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'RPCs completed on the server, regardless of success or failure.',
    labelNames: LABELS.grpcHandled,
    registers,
  });
  const grpcHandling = new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Response latency of RPCs handled by the server, until the response is sent.',
    labelNames: LABELS.grpc,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const votes = new Counter({
    name: 'nvote_votes_total',
    help: 'Votes by final outcome, counted when every version has settled.',
    labelNames: LABELS.vote,
    registers,
  });
  const versionResults = new Counter({
    name: 'nvote_version_results_total',
    help: 'Per-version results by verdict against the decision (agree, disagree, domain_error, error, timeout, crash, cancelled, unconfirmed).',
    labelNames: LABELS.versionResult,
    registers,
  });
  const versionDuration = new Histogram({
    name: 'nvote_version_duration_seconds',
    help: 'Time from dispatch to settlement of one version task, faults included.',
    labelNames: LABELS.version,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const workerRestarts = new Counter({
    name: 'nvote_worker_restarts_total',
    help: 'Worker threads lost and replaced (crash, out of memory, aborted on timeout or cancel).',
    labelNames: LABELS.version,
    registers,
  });
  const rejected = new Counter({
    name: 'nvote_rejected_requests_total',
    help: 'Voted calls refused before any version ran.',
    labelNames: LABELS.rejection,
    registers,
  });
  const inFlight = new Gauge({
    name: 'nvote_inflight_requests',
    help: 'Voted calls admitted whose versions have not all settled (settling ones included).',
    registers,
  });
  const settling = new Gauge({
    name: 'nvote_settling_requests',
    help: 'Voted calls already decided whose slower versions (stragglers) have not all settled.',
    registers,
  });
  const inFlightLimit = new Gauge({
    name: 'nvote_inflight_limit_requests',
    help: 'Voted calls that may be in flight now: maxInFlight, or less while the limit learned from recent calls (slow start, halved by late calls) is lower.',
    registers,
  });
  const inFlightBytes = new Gauge({
    name: 'nvote_inflight_request_bytes',
    help: 'Memory charged to the admitted calls: each request wire size times its copies (decoded, one per version).',
    registers,
  });
  const internalErrors = new Counter({
    name: 'nvote_internal_errors_total',
    help: 'Exceptions in gateway, method or voter code contained while serving a call (the call got INTERNAL or, for observers, nothing).',
    labelNames: LABELS.internalError,
    registers,
  });
  // Point-in-time pool state is read at scrape time, never pushed from a timer.
  const poolGauge = (name: string, help: string, read: (stats: ReturnType<PoolGaugeSource['stats']>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: LABELS.version,
      registers,
      collect() {
        for (const pool of pools()) this.set({ method: pool.method, version: pool.version }, read(pool.stats()));
      },
    });
  poolGauge('nvote_pool_threads', 'Worker threads alive in each version pool.', stats => stats.threads);
  poolGauge('nvote_pool_queued_tasks', 'Tasks waiting for a worker in each version pool.', stats => stats.queued);
  poolGauge(
    'nvote_pool_utilization_ratio',
    'Share of time the pool workers spent running tasks (piscina utilization, 0 to 1).',
    stats => stats.utilization,
  );

  const faultsInjected = faults === undefined ? undefined : new Counter({
    name: 'nvote_faults_injected_total',
    help: 'Faults injected into version executions, by kind (fault injection enabled only).',
    labelNames: LABELS.faultInjected,
    registers,
  });
  const faultEffects = faults === undefined ? undefined : new Counter({
    name: 'nvote_fault_injected_requests_total',
    help: 'Calls with injected faults by effect: masked (right answer), detected (explicit error), escaped (a corrupted answer delivered).',
    labelNames: LABELS.faultEffect,
    registers,
  });
  if (faults !== undefined) {
    new Gauge({
      name: 'nvote_active_faults',
      help: 'Injected faults active now, per-call faults in flight included.',
      registers,
      collect() {
        this.set(faults.activeFaults());
      },
    });
  }

  for (const { service, method, versions } of methods) {
    for (const effect of FAULT_EFFECTS) faultEffects?.labels({ method, effect }).inc(0);
    for (const version of versions) {
      for (const kind of FAULT_KINDS) faultsInjected?.labels({ method, version, kind }).inc(0);
    }
    const grpc = { grpc_type: 'unary', grpc_service: service, grpc_method: method };
    grpcStarted.labels(grpc).inc(0);
    grpcHandling.zero(grpc);
    for (const code of GRPC_CODE_NAMES) grpcHandled.labels({ ...grpc, grpc_code: code }).inc(0);
    for (const outcome of VOTE_OUTCOMES) votes.labels({ method, outcome }).inc(0);
    for (const stage of INTERNAL_ERROR_STAGES) internalErrors.labels({ method, stage }).inc(0);
    for (const version of versions) {
      versionDuration.zero({ method, version });
      workerRestarts.labels({ method, version }).inc(0);
      for (const verdict of VERDICTS) {
        if (verdict !== 'pending') versionResults.labels({ method, version, verdict }).inc(0);
      }
    }
  }
  for (const reason of REJECTION_REASONS) rejected.labels({ reason }).inc(0);

  return {
    registry,
    callStarted(type: GrpcType, service: string, method: string): void {
      grpcStarted.labels({ grpc_type: type, grpc_service: service, grpc_method: method }).inc();
    },
    callHandled(type: GrpcType, service: string, method: string, code: number, seconds: number): void {
      const grpc = { grpc_type: type, grpc_service: service, grpc_method: method };
      grpcHandled.labels({ ...grpc, grpc_code: GRPC_CODE_NAMES[code] ?? 'UNKNOWN' }).inc();
      grpcHandling.observe(grpc, seconds);
    },
    voteFinished(method: string, outcome: VoteOutcome): void {
      votes.labels({ method, outcome }).inc();
    },
    versionSettled(method: string, version: string, verdict: Exclude<Verdict, 'pending'>, seconds: number): void {
      versionResults.labels({ method, version, verdict }).inc();
      versionDuration.observe({ method, version }, seconds);
    },
    workerLost(method: string, version: string): void {
      workerRestarts.labels({ method, version }).inc();
    },
    rejected(reason: RejectionReason): void {
      rejected.labels({ reason }).inc();
    },
    setInFlight(count: number, bytes: number, limit: number): void {
      inFlight.set(count);
      inFlightBytes.set(bytes);
      inFlightLimit.set(limit);
    },
    setSettling(count: number): void {
      settling.set(count);
    },
    internalError(method: string, stage: InternalErrorStage): void {
      internalErrors.labels({ method, stage }).inc();
    },
    faultInjected(method: string, version: string, kind: FaultKind): void {
      faultsInjected?.labels({ method, version, kind }).inc();
    },
    faultEffect(method: string, effect: FaultEffect): void {
      faultEffects?.labels({ method, effect }).inc();
    },
  };
}
