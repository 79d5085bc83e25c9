import { status, type Deadline, type handleUnaryCall, type Metadata, type StatusObject } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { MethodSettings } from '../config.js';
import { requestCostBytes, type Admission, type MethodLoad, type Refusal } from '../dispatch/admission.js';
import type { VersionPool } from '../dispatch/version-pool.js';
import type { VoteEnd, VoteRecord } from '../engine/conduct-vote.js';
import type { InFlightCalls } from '../engine/in-flight-calls.js';
import { notifyObservers, type VoteObserver } from '../engine/vote-observer.js';
import { NvoteError } from '../errors.js';
import { runMethodVote } from '../engine/run-method-vote.js';
import type { Injection } from '../faults/fault-spec.js';
import type { InternalErrorStage, Metrics } from '../metrics/create-metrics.js';
import { callBudgetMs, type BudgetPolicy } from './call-budget.js';
import type { CallGate } from './admission-interceptor.js';
import { faultsForCall, type CallFaults, type FaultInjection } from './call-faults.js';
import { followCall } from './call-signal.js';
import { requestIdOf } from './request-id.js';
import { wireSizeOf } from './request-size.js';
import { toServiceError } from './status.js';
import { majorityOf } from '../vote/decide.js';
import { voteTrailers } from './vote-report.js';

export interface VotedHandlerDeps {
  readonly settings: MethodSettings;
  readonly pools: readonly VersionPool[];
  readonly admission: Admission;
  readonly calls: InFlightCalls;
  readonly observers: readonly VoteObserver[];
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly budget: BudgetPolicy;
  readonly isShuttingDown: () => boolean;
  /** How many of the method's versions health now counts as failing. */
  readonly failingVersions: () => number;
  readonly stragglerGraceMs: number;
  /** Present only when the gateway runs with fault injection enabled. */
  readonly faultInjection?: FaultInjection;
}

export interface VotedEndpoint {
  readonly handler: handleUnaryCall<unknown, unknown>;
  /** The admission check made on the call's metadata, before its message is read. */
  readonly gate: CallGate;
}

const NO_INJECTIONS: ReadonlyMap<string, Injection> = new Map();
// How fast the remembered request size forgets a large one: about 1% per call.
const EXPECTED_SIZE_DECAY = 0.99;

/**
 * The one adapter between a gRPC unary call and a vote. Every exception from method, voter or
 * observer code is contained here: the call gets INTERNAL, the gateway keeps serving.
 */
export function createVotedEndpoint(deps: VotedHandlerDeps): VotedEndpoint {
  const { settings, metrics, logger, admission } = deps;
  const { method } = settings;
  const load: MethodLoad = { pools: deps.pools, majority: majorityOf(deps.pools.length), failing: deps.failingVersions };
  const budgetOf = (deadline: Deadline): number =>
    callBudgetMs(deadline, { ...deps.budget, defaultTimeoutMs: settings.defaultTimeoutMs });
  // A decaying maximum of recent request costs: the metadata check's guess at what the next
  // call will hold before its message says.
  let expectedBytes = 0;

  const internalError = (stage: InternalErrorStage, error: unknown, requestId: string): void => {
    metrics.internalError(method.name, stage);
    logger.error({ err: error, requestId, method: method.name, stage }, 'internal error contained');
  };
  const refusalError = (refusal: Refusal): NvoteError => {
    metrics.rejected(refusal.reason);
    return new NvoteError('OVERLOADED', `${method.name}: ${refusal.message}`);
  };

  const gate: CallGate = deadline => {
    let error: NvoteError | undefined;
    if (deps.isShuttingDown()) {
      metrics.rejected('shutting_down');
      error = new NvoteError('SHUTTING_DOWN', 'the gateway is shutting down');
    } else {
      const refusal = admission.check(load, expectedBytes, budgetOf(deadline));
      if (refusal !== undefined) error = refusalError(refusal);
    }
    if (error === undefined) return undefined;
    const refused = toServiceError(error);
    metrics.callStarted(method.service, method.name);
    metrics.callHandled(method.service, method.name, refused.code, 0);
    return { code: refused.code, details: refused.details, metadata: refused.metadata } satisfies StatusObject;
  };

  const handler: handleUnaryCall<unknown, unknown> = (call, callback) => {
    const started = performance.now();
    const requestId = requestIdOf(call.metadata);
    metrics.callStarted(method.service, method.name);
    let responded = false;
    let untrack = (): void => undefined;
    const finish = (code: status, ...reply: Parameters<typeof callback>): void => {
      if (responded) return;
      responded = true;
      untrack();
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
    const wireBytes = wireSizeOf(call.request);
    const bytes = requestCostBytes(wireBytes, deps.pools.length);
    expectedBytes = Math.max(bytes, expectedBytes * EXPECTED_SIZE_DECAY);
    const budgetMs = budgetOf(call.getDeadline());
    const ticket = admission.admit(load, bytes, budgetMs);
    if (!('release' in ticket)) {
      fail(refusalError(ticket));
      return;
    }
    metrics.setInFlight(admission.inFlight, admission.inFlightBytes);

    // One signal for every way the call can end early: the client cancels, its deadline passes,
    // or the gateway shuts down.
    const ended = new AbortController();
    const { signal: clientSignal, detach } = followCall(call);
    const onClientEnd = (): void => ended.abort('call ended');
    clientSignal.addEventListener('abort', onClientEnd, { once: true });
    if (clientSignal.aborted) onClientEnd();
    untrack = deps.calls.track(() => {
      fail(new NvoteError('SHUTTING_DOWN', `${method.name}: the gateway shut down before the vote was decided`));
      ended.abort('shutting down');
    });

    let faults: CallFaults | undefined;
    const onEnd = (end: VoteEnd<unknown>): void => {
      ticket.release();
      faults?.release();
      clientSignal.removeEventListener('abort', onClientEnd);
      metrics.setInFlight(admission.inFlight, admission.inFlightBytes);
      if (end.kind === 'failed') internalError('vote', end.error.cause, requestId);
      notifyObservers(deps.observers, { method: method.name, requestId, end, probe: false }, (observer, error) =>
        internalError('observer', { observer, error }, requestId),
      );
    };

    let vote: Promise<VoteRecord<unknown>>;
    try {
      if (deps.faultInjection !== undefined) {
        faults = faultsForCall(deps.faultInjection, method.name, call.metadata, requestId);
      }
      const input = method.toInput(call.request);
      const injections = faults?.injections ?? NO_INJECTIONS;
      for (const [version, injection] of injections) metrics.faultInjected(method.name, version, injection.kind);
      vote = runMethodVote(settings, deps.pools, {
        input,
        inputBytes: wireBytes,
        injections,
        budgetMs,
        callSignal: ended.signal,
        stragglerGraceMs: deps.stragglerGraceMs,
        onEnd,
      });
    } catch (error) {
      ticket.release();
      faults?.release();
      detach();
      clientSignal.removeEventListener('abort', onClientEnd);
      metrics.setInFlight(admission.inFlight, admission.inFlightBytes);
      // A bad fault header is the client's error; anything else is ours.
      if (!(error instanceof NvoteError)) internalError('dispatch', error, requestId);
      fail(NvoteError.from(error));
      return;
    }

    vote.then(
      record => {
        // Stragglers run on (for at most their grace) once the answer is out.
        detach();
        if (responded) return;
        if (clientSignal.aborted) {
          // The client is gone or its deadline passed; grpc-js has already ended the call.
          responded = true;
          untrack();
          metrics.callHandled(method.service, method.name, cancelledCode(call.getDeadline()), (performance.now() - started) / 1000);
          return;
        }
        try {
          respond(record);
        } catch (error) {
          internalError('response', error, requestId);
          fail(NvoteError.from(error));
        }
      },
      () => {
        // The VoteFailure itself is counted and logged once, when the vote ends (onEnd).
        detach();
        fail(new NvoteError('INTERNAL', 'internal error'));
      },
    );

    function respond(record: VoteRecord<unknown>): void {
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
        const response = method.toResponse(decision.answer.value);
        finish(status.OK, null, response, trailers);
      }
    }
  };

  return { handler, gate };
}

function cancelledCode(deadline: Deadline): status {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) && at <= Date.now() ? status.DEADLINE_EXCEEDED : status.CANCELLED;
}
