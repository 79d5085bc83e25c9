import type { handleUnaryCall, Metadata } from '@grpc/grpc-js';
import { NvoteError } from '../errors.js';
import type { AnyVotedMethod } from '../methods/index.js';
import type { VotePipeline, VoteRecord } from '../pipeline/index.js';
import { followCall } from './call-signal.js';
import { headerValues } from './headers.js';
import type { InFlightCalls } from './in-flight-calls.js';
import { requestIdOf } from './request-id.js';
import { wireSizeOf } from './request-size.js';
import { toServiceError } from './status.js';
import { voteTrailers } from './vote-report.js';

/** Where the edge itself threw: decoding the request into the versions' input, or building the response. */
export type EdgeStage = 'dispatch' | 'response';

export interface VotedEndpointOptions {
  readonly method: AnyVotedMethod;
  readonly pipeline: VotePipeline;
  /** Calls in flight, so that shutdown can answer them once its grace is over. */
  readonly calls: InFlightCalls;
  /** Each version's budget for a call with this deadline. */
  readonly budgetOf: (deadline: Date | number) => number;
  readonly onContained: (stage: EdgeStage, error: unknown, requestId: string) => void;
}

/**
 * The thin adapter between a gRPC unary call and the vote pipeline: request → call → pipeline →
 * response and trailers. Every exception in method code at the edge is contained here.
 */
export function createVotedEndpoint(options: VotedEndpointOptions): handleUnaryCall<unknown, unknown> {
  const { method, pipeline } = options;
  return (call, callback) => {
    const requestId = requestIdOf(call.metadata);
    let responded = false;
    let untrack = (): void => undefined;
    const send = (...reply: Parameters<typeof callback>): void => {
      if (responded) return;
      responded = true;
      untrack();
      callback(...reply);
    };
    const fail = (error: NvoteError, trailers?: Metadata): void => send(toServiceError(error, trailers));

    // One signal for every way the call can end early: the client cancels, its deadline passes,
    // or the gateway shuts down. The client's end aborts it directly, with no signal of its own in
    // between (a second controller and its listener per call).
    const ended = new AbortController();
    const client = followCall(call, () => ended.abort('call ended'));
    const stopFollowing = (): void => client.detach();
    untrack = options.calls.track(() => {
      fail(new NvoteError('SHUTTING_DOWN', `${method.name}: the gateway shut down before the vote was decided`));
      ended.abort('shutting down');
    });

    let input: unknown;
    try {
      input = method.toInput(call.request);
    } catch (error) {
      stopFollowing();
      options.onContained('dispatch', error, requestId);
      fail(NvoteError.from(error));
      return;
    }
    pipeline
      .run({
        method: method.name,
        requestId,
        input,
        request: call.request,
        inputBytes: wireSizeOf(call.request),
        budgetMs: options.budgetOf(call.getDeadline()),
        signal: ended.signal,
        probe: false,
        header: name => headerValues(call.metadata, name),
      })
      .then(
        record => {
          // Stragglers run on (for at most their grace) once the answer is out.
          stopFollowing();
          if (responded) return;
          if (client.ended()) {
            // The client is gone or its deadline passed; grpc-js has already ended the call.
            responded = true;
            untrack();
            return;
          }
          try {
            respond(record);
          } catch (error) {
            options.onContained('response', error, requestId);
            fail(NvoteError.from(error));
          }
        },
        (error: unknown) => {
          stopFollowing();
          fail(NvoteError.from(error));
        },
      );

    function respond(record: VoteRecord<unknown>): void {
      const trailers = voteTrailers(method.name, requestId, record);
      const { decision } = record;
      if (record.vetoed !== undefined) {
        fail(record.vetoed, trailers);
      } else if (!('answer' in decision)) {
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
        send(null, method.toResponse(decision.answer.value), trailers);
      }
    }
  };
}
