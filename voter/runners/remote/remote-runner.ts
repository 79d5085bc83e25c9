import { Client, connectivityState, credentials, Metadata, status, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';
import { ErrorInfo } from '../../gen/google/rpc/error_details.js';
import { Status } from '../../gen/google/rpc/status.js';
import { failed, failureOfStop, type RunnerHealth, type RunOutcome, type VersionRun, type VersionRunner } from '../version-runner.js';
import { createCallSlots } from './call-slots.js';

/** How to speak one RPC to a remote version: the same method, from the same proto. */
export interface RemoteCodec {
  /** `/nvote.v1.ComputeService/Sort` */
  readonly path: string;
  serialize(request: unknown): Buffer;
  deserialize(bytes: Buffer): unknown;
  /** The decoded response as the value the voter compares (what a built-in version returns). */
  toValue(response: unknown): unknown;
}

export interface RemoteRunnerOptions {
  readonly id: string;
  /** `host:port` of the remote gRPC server. */
  readonly address: string;
  readonly codec: RemoteCodec;
  /** Calls in flight to this remote at once; the rest wait their turn (and count as its queue). */
  readonly maxConcurrentCalls: number;
  readonly maxMessageBytes: number;
  /** How long warm-up waits for the first connection. */
  readonly connectTimeoutMs?: number;
}

/** The request id header every call carries, so that both sides' logs tell the same story. */
export const REQUEST_ID_HEADER = 'x-nvote-request-id';
const DOMAIN_ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
// Moving average weight of the newest call's duration, for the queue estimate.
const CALL_TIME_WEIGHT = 0.2;

/**
 * A version that is a gRPC service elsewhere, in any language, implementing the same RPC. It is
 * called with the version's remaining budget as its deadline; what it does maps to the same
 * failures as a worker's: a lost connection is a crash, a missed deadline a timeout, a domain
 * error (INVALID_ARGUMENT with an ErrorInfo reason) a ballot, anything else an error.
 */
export function createRemoteRunner(options: RemoteRunnerOptions): VersionRunner {
  const channelOptions: ChannelOptions = {
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': options.maxMessageBytes,
    // A remote that vanished without a FIN is noticed within seconds, not at the TCP timeout.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    // Reconnect quickly after a blip, back off to seconds while the remote stays away.
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 5_000,
    'grpc.enable_retries': 0,
    'grpc.enable_channelz': 0,
  };
  let client = new Client(options.address, credentials.createInsecure(), channelOptions);
  const slots = createCallSlots(options.maxConcurrentCalls);
  let closing = false;
  let callMs = 0;

  const call = (run: VersionRun, signal: AbortSignal): Promise<RunOutcome> =>
    new Promise(resolve => {
      const metadata = new Metadata();
      metadata.set(REQUEST_ID_HEADER, run.requestId);
      const deadline = Date.now() + Math.max(0, run.budgetEndsAt - performance.now());
      const started = performance.now();
      const pending = client.makeUnaryRequest(
        options.codec.path,
        options.codec.serialize,
        options.codec.deserialize,
        run.request,
        metadata,
        // Without waitForReady: while the remote is known to be down, the call fails at once
        // (UNAVAILABLE, a crash) rather than waiting out the budget for a connection.
        { deadline },
        (error, response) => {
          signal.removeEventListener('abort', onAbort);
          callMs += CALL_TIME_WEIGHT * (performance.now() - started - callMs);
          resolve(error === null ? returned(response, options.codec) : failedCall(error, signal));
        },
      );
      const onAbort = (): void => pending.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    });

  return {
    id: options.id,
    transport: 'remote',
    async run(run, signal) {
      if (closing) return failed('cancelled', 'the runner is closed');
      // A call decided while it waits for a slot is dropped: a straggler not yet sent costs nothing.
      const released = await slots.acquire(signal, run.decided);
      if (released === undefined) {
        return signal.aborted ? failed(failureOfStop(signal), 'stopped while waiting for a call slot') : failed('cancelled', 'not sent: the vote was decided without it');
      }
      try {
        return await call(run, signal);
      } finally {
        released();
      }
    },
    load: () => ({
      outstanding: slots.busy + slots.waiting,
      // Waiting callers share the slots: each takes about one call's time.
      estimatedWaitMs: slots.waiting === 0 && slots.busy < options.maxConcurrentCalls ? 0 : ((slots.waiting + 1) * callMs) / options.maxConcurrentCalls,
    }),
    health: (): RunnerHealth => {
      const state = client.getChannel().getConnectivityState(false);
      return {
        state:
          closing || state === connectivityState.SHUTDOWN || state === connectivityState.TRANSIENT_FAILURE
            ? 'unavailable'
            : state === connectivityState.READY
              ? 'ready'
              : 'starting',
        capacity: options.maxConcurrentCalls,
        queued: slots.waiting,
        utilization: slots.busy / options.maxConcurrentCalls,
      };
    },
    warmUp: () =>
      new Promise(resolve => {
        const deadline = Date.now() + (options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
        client.waitForReady(deadline, error => resolve(error === undefined || error === null));
      }),
    async restart() {
      if (closing) return;
      // A new channel, not a reconnect of the old one: a connection a fault left half-open goes
      // with it. Calls already made on the old client finish there; closing it stops no call.
      const old = client;
      client = new Client(options.address, credentials.createInsecure(), channelOptions);
      old.close();
    },
    async close() {
      closing = true;
      slots.close();
      client.close();
    },
  };
}

function returned(response: unknown, codec: RemoteCodec): RunOutcome {
  try {
    return { kind: 'returned', result: { kind: 'value', value: codec.toValue(response) } };
  } catch (error) {
    return failed('error', `the remote's answer is not a value: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function failedCall(error: ServiceError, signal: AbortSignal): RunOutcome {
  // A call the gateway stopped failed the way the gateway said, whatever status grpc-js reports.
  if (signal.aborted) return failed(failureOfStop(signal), `stopped: ${error.details}`);
  switch (error.code) {
    case status.DEADLINE_EXCEEDED:
      return failed('timeout', `deadline exceeded: ${error.details}`);
    case status.UNAVAILABLE:
      // Refused, reset or never connected: the remote is down, as a crashed worker is.
      return failed('crash', `unavailable: ${error.details}`);
    case status.CANCELLED:
      // Not cancelled by us (checked above): the server reset the stream, as when it is killed.
      return failed('crash', `cancelled by the remote: ${error.details}`);
    case status.INVALID_ARGUMENT: {
      const reason = domainReasonOf(error.metadata);
      if (reason !== undefined) return { kind: 'returned', result: { kind: 'domain_error', reason } };
      return failed('error', `INVALID_ARGUMENT without an ErrorInfo reason: ${error.details}`);
    }
    default:
      return failed('error', `${status[error.code] ?? error.code}: ${error.details}`);
  }
}

/** The ErrorInfo reason in `grpc-status-details-bin`, if the remote sent one. */
function domainReasonOf(metadata: Metadata | undefined): string | undefined {
  const [details] = metadata?.get('grpc-status-details-bin') ?? [];
  if (!(details instanceof Buffer)) return undefined;
  try {
    const rich = Status.decode(details);
    const info = rich.details.find(any => any.typeUrl === DOMAIN_ERROR_INFO);
    return info === undefined ? undefined : ErrorInfo.decode(info.value).reason || undefined;
  } catch {
    return undefined;
  }
}
