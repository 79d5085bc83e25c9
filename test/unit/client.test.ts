import { EventEmitter } from 'node:events';
import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  collectUnary,
  errorInfoOf,
  outcomeOf,
  OUTCOME_TRAILER,
  REPORT_TRAILER,
  STATUS_DETAILS_TRAILER,
  voteReportOf,
  type UnaryCallback,
} from '../../client/index.js';
import { ErrorInfo } from '../../voter/gen/google/rpc/error_details.js';
import { Status } from '../../voter/gen/google/rpc/status.js';
import { Outcome, Verdict, VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';
import * as gatewayReport from '../../voter/grpc/vote-report.js';

const REPORT: VoteReport = {
  method: 'Sort',
  requestId: 'r-1',
  outcome: Outcome.OUTCOME_MAJORITY,
  configuredVersions: 3,
  agreeing: 2,
  versions: [{ version: 'sort-merge', verdict: Verdict.VERDICT_AGREE, durationSeconds: 0.001, domainReason: '', injectedFault: '', shadow: false, attempts: 1 }],
};

function richError(reason: string, domain: string): Buffer {
  const info = ErrorInfo.encode({ reason, domain, metadata: {} }).finish();
  return Buffer.from(
    Status.encode({
      code: status.INVALID_ARGUMENT,
      message: 'bad',
      details: [
        { typeUrl: 'type.googleapis.com/google.rpc.BadRequest', value: Buffer.from([1, 2]) },
        { typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo', value: Buffer.from(info) },
      ],
    }).finish(),
  );
}

/** A stand-in for a grpc-js ClientUnaryCall: the test decides when the callback and `status` fire. */
function fakeCall(): { start: (callback: UnaryCallback<string>) => EventEmitter; callback: () => UnaryCallback<string>; emitter: EventEmitter } {
  const emitter = new EventEmitter();
  let saved: UnaryCallback<string> | undefined;
  return {
    emitter,
    start: callback => {
      saved = callback;
      return emitter;
    },
    callback: () => saved as UnaryCallback<string>,
  };
}

describe('the trailer names', () => {
  it('are the ones the gateway sets, spelled once in the client library', () => {
    expect(OUTCOME_TRAILER).toBe('nvote-outcome');
    expect(REPORT_TRAILER).toBe('nvote-report-bin');
    expect(gatewayReport.OUTCOME_TRAILER).toBe(OUTCOME_TRAILER);
    expect(gatewayReport.REPORT_TRAILER).toBe(REPORT_TRAILER);
  });
});

describe('decoding the trailers', () => {
  it('decodes the vote report and the outcome word', () => {
    const trailers = new Metadata();
    trailers.set(REPORT_TRAILER, Buffer.from(VoteReport.encode(REPORT).finish()));
    trailers.set(OUTCOME_TRAILER, 'majority');
    expect(voteReportOf(trailers)).toEqual(REPORT);
    expect(outcomeOf(trailers)).toBe('majority');
  });

  it('returns undefined when no vote took place', () => {
    expect(voteReportOf(new Metadata())).toBeUndefined();
    expect(outcomeOf(new Metadata())).toBeUndefined();
    expect(errorInfoOf(new Metadata())).toBeUndefined();
  });

  it('finds the ErrorInfo among the rich error details', () => {
    const trailers = new Metadata();
    trailers.set(STATUS_DETAILS_TRAILER, richError('OUT_OF_RANGE', 'nvote'));
    expect(errorInfoOf(trailers)).toMatchObject({ reason: 'OUT_OF_RANGE', domain: 'nvote' });
  });
});

describe('collectUnary', () => {
  const trailers = new Metadata();
  trailers.set(OUTCOME_TRAILER, 'unanimous');
  const ok: StatusObject = { code: status.OK, details: 'OK', metadata: trailers };

  it('resolves with the response once the trailers follow it', async () => {
    const call = fakeCall();
    let settled = false;
    const collected = collectUnary(call.start).then(result => {
      settled = true;
      return result;
    });
    call.callback()(null, 'answer');
    await Promise.resolve();
    expect(settled).toBe(false);
    call.emitter.emit('status', ok);
    expect(await collected).toEqual({ error: null, response: 'answer', trailers });
  });

  it('resolves with the response when the trailers came first', async () => {
    const call = fakeCall();
    const collected = collectUnary(call.start);
    call.emitter.emit('status', ok);
    call.callback()(null, 'answer');
    expect((await collected).response).toBe('answer');
  });

  it("resolves a failed call with the error's own trailers, not waiting for the status event", async () => {
    const call = fakeCall();
    const collected = collectUnary(call.start);
    const error = Object.assign(new Error('refused'), { code: status.UNAVAILABLE, details: 'refused', metadata: trailers }) as ServiceError;
    call.callback()(error);
    const result = await collected;
    expect(result.error).toBe(error);
    expect(result.response).toBeUndefined();
    expect(result.trailers).toBe(trailers);
  });
});
