import { status, type Deadline, type handleUnaryCall, type Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { MethodSettings } from '../config.js';
import type { Admission } from '../dispatch/admission.js';
import type { VersionPool } from '../dispatch/version-pool.js';
import { conductVote, type VoteRecord } from '../engine/conduct-vote.js';
import { NvoteError } from '../errors.js';
import { corruptResult } from '../faults/corrupt-result.js';
import type { Injection } from '../faults/fault-spec.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { callBudgetMs, type BudgetPolicy } from './call-budget.js';
import { faultsForCall, type CallFaults, type FaultInjection } from './call-faults.js';
import { followCall } from './call-signal.js';
import { requestIdOf } from './request-id.js';
import { toServiceError } from './status.js';
import { voteTrailers } from './vote-report.js';

export interface VotedHandlerDeps {
  readonly settings: MethodSettings;
  readonly pools: readonly VersionPool[];
  readonly admission: Admission;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly budget: BudgetPolicy;
  readonly isShuttingDown: () => boolean;
  readonly stragglerGraceMs: number;
  /** Present only when the gateway runs with fault injection enabled. */
  readonly faultInjection?: FaultInjection;
}

/** The one adapter between a gRPC unary call and a vote. */
export function createVotedHandler(deps: VotedHandlerDeps): handleUnaryCall<unknown, unknown> {
  const { settings, metrics, logger, admission } = deps;
  const { method } = settings;
  const createVoter = method.voters[settings.voter];
  if (createVoter === undefined) throw new NvoteError('INTERNAL', `no voter ${settings.voter} for ${method.name}`);

  return (call, callback) => {
    const started = performance.now();
    metrics.callStarted(method.service, method.name);
    const finish = (code: status, ...reply: Parameters<typeof callback>): void => {
      metrics.callHandled(method.service, method.name, code, (performance.now() - started) / 1000);
      callback(...reply);
    };
    const fail = (error: NvoteError, trailers?: Metadata): void => {
      const serviceError = toServiceError(error, trailers);
      finish(serviceError.code, serviceError);
    };

    if (deps.isShuttingDown()) {
      metrics.rejected('shutting_down');
      fail(new NvoteError('SHUTTING_DOWN', 'the gateway is shutting down'));
      return;
    }
    const release = admission.tryAcquire();
    if (release === undefined) {
      metrics.rejected('overloaded');
      fail(new NvoteError('OVERLOADED', `more than ${admission.limit} voted calls in flight`));
      return;
    }
    metrics.setInFlight(admission.inFlight);
    const requestId = requestIdOf(call.metadata);
    let faults: CallFaults | undefined;
    if (deps.faultInjection !== undefined) {
      try {
        faults = faultsForCall(deps.faultInjection, method.name, call.metadata, requestId);
      } catch (error) {
        release();
        metrics.setInFlight(admission.inFlight);
        fail(NvoteError.from(error));
        return;
      }
    }
    const { signal, detach } = followCall(call);

    const onFinished = (record: VoteRecord<unknown>): void => {
      release();
      faults?.release();
      metrics.setInFlight(admission.inFlight);
      recordFinal(deps, requestId, record);
    };

    let vote: Promise<VoteRecord<unknown>>;
    try {
      const input = method.toInput(call.request);
      for (const [version, injection] of faults?.injections ?? []) metrics.faultInjected(method.name, version, injection.kind);
      vote = conductVote({
        pools: deps.pools,
        voter: createVoter(settings.tolerance),
        input,
        ...(faults === undefined || faults.injections.size === 0
          ? {}
          : {
              injections: faults.injections,
              corrupt: (injection: Injection, result: unknown) =>
                corruptResult(injection.kind, result, input, method, injection.corruptionSeed),
            }),
        isValue: method.isValue,
        budgetMs: callBudgetMs(call.getDeadline(), {
          ...deps.budget,
          defaultTimeoutMs: settings.defaultTimeoutMs,
        }),
        callSignal: signal,
        stragglerGraceMs: deps.stragglerGraceMs,
        onFinished,
      });
    } catch (error) {
      release();
      faults?.release();
      metrics.setInFlight(admission.inFlight);
      logger.error({ err: error, requestId, method: method.name }, 'voted call failed before dispatch');
      fail(NvoteError.from(error));
      return;
    }

    vote.then(record => {
      // Stragglers run on (for at most their grace) once the answer is out.
      detach();
      if (signal.aborted) {
        // The client is gone or its deadline passed; grpc-js has already ended the call.
        metrics.callHandled(method.service, method.name, cancelledCode(call.getDeadline()), (performance.now() - started) / 1000);
        return;
      }
      const trailers = voteTrailers(method.name, requestId, record);
      const { decision } = record;
      if (!('answer' in decision)) {
        fail(
          decision.outcome === 'no_majority'
            ? new NvoteError('NO_MAJORITY', `${method.name}: the versions answered but no answer won a strict majority`)
            : new NvoteError('QUORUM_LOST', `${method.name}: too few versions answered for a majority`),
          trailers,
        );
      } else if (decision.answer.kind === 'domain_error') {
        const { reason } = decision.answer;
        fail(new NvoteError('DOMAIN_ERROR', `${method.name}: ${reason}`, { reason }), trailers);
      } else {
        finish(status.OK, null, method.toResponse(decision.answer.value), trailers);
      }
    }).catch((error: unknown) => {
      logger.error({ err: error, requestId, method: method.name }, 'voted call failed');
      fail(NvoteError.from(error));
    });
  };
}

function cancelledCode(deadline: Deadline): status {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) && at <= Date.now() ? status.DEADLINE_EXCEEDED : status.CANCELLED;
}

/** Metrics and the disagreement log line, once every version has settled. */
function recordFinal(deps: VotedHandlerDeps, requestId: string, record: VoteRecord<unknown>): void {
  const method = deps.settings.method.name;
  // The response may have gone out on an early majority; once every version has agreed, the
  // vote was in fact unanimous, and that is what the metric records.
  const unanimous = record.versions.every(version => version.verdict === 'agree');
  deps.metrics.voteFinished(method, unanimous ? 'unanimous' : record.decision.outcome);
  if (record.faultEffect !== undefined) deps.metrics.faultEffect(method, record.faultEffect);
  let dissent = false;
  for (const version of record.versions) {
    if (version.verdict === 'pending') continue;
    deps.metrics.versionSettled(method, version.version, version.verdict, version.durationSeconds);
    if (version.verdict !== 'agree') dissent = true;
  }
  if (!dissent) return;
  deps.logger.warn(
    {
      requestId,
      method,
      outcome: record.decision.outcome,
      agreeing: record.decision.agreeing,
      ...(record.faultEffect === undefined ? {} : { faultEffect: record.faultEffect }),
      versions: record.versions.map(({ version, verdict, durationSeconds, domainReason, detail, injectedFault }) => ({
        version,
        verdict,
        ms: Math.round(durationSeconds * 1000),
        ...(domainReason === undefined ? {} : { reason: domainReason }),
        ...(detail === undefined ? {} : { detail: detail.slice(0, 200) }),
        ...(injectedFault === undefined ? {} : { injectedFault }),
      })),
    },
    'versions disagreed',
  );
}
