import type { Metadata, Server } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { NvoteError } from '../errors.js';
import { requireFaultToken } from '../faults/index.js';
import {
  OperatorServiceService,
  type OperatorServiceServer,
  type VersionStanding as WireVersionStanding,
} from '../gen/nvote/v1/operator_service.js';
import { headerValues } from './headers.js';
import { toServiceError } from './status.js';

export const OPERATOR_SERVICE = 'nvote.v1.OperatorService';

/** One version as fault management sees it (the wire's VersionStanding, in plain terms). */
export interface StandingView {
  readonly method: string;
  readonly version: string;
  readonly quarantined: boolean;
  readonly failures: number;
  readonly window: number;
  readonly degraded: boolean;
  readonly passedProbes: number;
  readonly lastSelfTest: string;
  readonly lastSelfTestSuccessMs: number;
}

/** What the operator service steers; the gateway implements it (voter/app.ts). */
export interface OperatorControl {
  readonly token: string | undefined;
  /** Every version's standing, of one method or all; throws VERSION_NOT_FOUND for an unknown method. */
  standings(method: string | undefined): readonly StandingView[];
  /** Throws VERSION_NOT_FOUND or QUARANTINE_REFUSED. */
  quarantine(method: string, version: string): StandingView;
  reinstate(method: string, version: string): StandingView;
  runSelfTest(method: string | undefined): Promise<readonly { method: string; version: string; result: string }[]>;
}

/** The operator service; added to the server only when enabled. */
export function addOperatorService(server: Server, control: OperatorControl, logger: Logger): void {
  // Every operator call goes through here: one token check, one error mapping.
  const guarded =
    <TRequest, TResponse>(handle: (request: TRequest) => TResponse | Promise<TResponse>) =>
    (
      call: { request: TRequest; metadata: Metadata },
      callback: (error: ReturnType<typeof toServiceError> | null, response?: TResponse) => void,
    ): void => {
      const fail = (error: unknown): void => {
        if (!(error instanceof NvoteError)) logger.error({ err: error }, 'operator call failed');
        callback(toServiceError(NvoteError.from(error)));
      };
      try {
        requireFaultToken(headerValues(call.metadata, 'authorization'), control.token);
        Promise.resolve(handle(call.request)).then(response => callback(null, response), fail);
      } catch (error) {
        fail(error);
      }
    };
  const named = (request: { method: string }): string | undefined => (request.method === '' ? undefined : request.method);

  const implementation: OperatorServiceServer = {
    getStanding: guarded(request => ({ versions: control.standings(named(request)).map(toWire) })),
    quarantine: guarded(request => {
      const standing = control.quarantine(request.method, request.version);
      logger.warn({ method: request.method, version: request.version }, 'operator quarantined a version');
      return { standing: toWire(standing) };
    }),
    reinstate: guarded(request => {
      const standing = control.reinstate(request.method, request.version);
      logger.warn({ method: request.method, version: request.version }, 'operator reinstated a version');
      return { standing: toWire(standing) };
    }),
    runSelfTest: guarded(async request => ({ results: [...(await control.runSelfTest(named(request)))] })),
  };
  server.addService(OperatorServiceService, implementation);
}

function toWire(view: StandingView): WireVersionStanding {
  return {
    method: view.method,
    version: view.version,
    quarantined: view.quarantined,
    failures: view.failures,
    window: view.window,
    degraded: view.degraded,
    passedProbes: view.passedProbes,
    lastSelfTest: view.lastSelfTest,
    lastSelfTestSuccessUnixMs: BigInt(Math.round(view.lastSelfTestSuccessMs)),
  };
}
