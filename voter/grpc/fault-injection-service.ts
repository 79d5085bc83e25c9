import type { Metadata, Server } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { NvoteError } from '../errors.js';
import { FaultLimitError, requireFaultToken, validateFault, type ActiveFault, type DraftActivation, type FaultDraft, type FaultInjection } from '../faults/index.js';
import { faultKindOfWire, WIRE_FAULT_KIND } from './wire-fault-kind.js';
import {
  FaultInjectionServiceService,
  FaultKind as WireFaultKind,
  type Fault as WireFault,
  type FaultInjectionServiceServer,
  type FaultSpec as WireFaultSpec,
} from '../gen/nvote/v1/fault_injection_service.js';
import { headerValues } from './headers.js';
import { toServiceError } from './status.js';

export const FAULT_INJECTION_SERVICE = 'nvote.v1.FaultInjectionService';


/** The admin service; added to the server only when fault injection is enabled. */
export function addFaultInjectionService(server: Server, injection: FaultInjection, logger: Logger): void {
  const { registry } = injection;
  // Every admin call goes through here: one token check, one error mapping.
  const guarded =
    <TRequest, TResponse>(handle: (request: TRequest) => TResponse) =>
    (
      call: { request: TRequest; metadata: Metadata },
      callback: (error: ReturnType<typeof toServiceError> | null, response?: TResponse) => void,
    ): void => {
      try {
        requireFaultToken(headerValues(call.metadata, 'authorization'), injection.token);
        callback(null, handle(call.request));
      } catch (error) {
        if (!(error instanceof NvoteError)) logger.error({ err: error }, 'fault injection call failed');
        callback(toServiceError(NvoteError.from(error)));
      }
    };

  const implementation: FaultInjectionServiceServer = {
    injectFault: guarded(request => {
      const result = validateFault(draftOf(request.spec), injection.catalogue);
      if (!result.ok) throw new NvoteError('INVALID_FAULT', `invalid fault: ${result.problems.join('; ')}`);
      let fault: ActiveFault;
      try {
        fault = registry.inject(result.spec);
      } catch (error) {
        if (error instanceof FaultLimitError) throw new NvoteError('FAULT_LIMIT', error.message);
        throw error;
      }
      logger.warn({ fault: { id: fault.id, ...fault.spec } }, 'fault injected');
      return { fault: toWire(fault) };
    }),
    listFaults: guarded(() => ({ faults: registry.list().map(toWire) })),
    clearFaults: guarded(request => {
      const known = new Set(registry.list().map(fault => fault.id));
      const unknown = request.ids.filter(id => !known.has(id));
      if (unknown.length > 0) throw new NvoteError('FAULT_NOT_FOUND', `no active fault with id ${unknown.join(', ')}`);
      const cleared = registry.clear(request.ids);
      logger.warn({ ids: request.ids.length === 0 ? 'all' : request.ids, cleared }, 'faults cleared');
      return { cleared };
    }),
  };
  server.addService(FaultInjectionServiceService, implementation);
}

function draftOf(spec: WireFaultSpec | undefined): FaultDraft {
  if (spec === undefined) return {};
  const kind = spec.kind === WireFaultKind.FAULT_KIND_UNSPECIFIED ? undefined : (faultKindOfWire(spec.kind) ?? `${spec.kind}`);
  return {
    ...(kind === undefined ? {} : { kind }),
    method: spec.method,
    versions: spec.versions,
    ...(spec.activation === undefined ? {} : { activation: activationOf(spec.activation) }),
    delayMs: spec.delayMs,
    durationMs: spec.durationMs,
    seed: spec.seed,
  };
}

function activationOf(activation: NonNullable<WireFaultSpec['activation']>): DraftActivation {
  switch (activation.$case) {
    case 'permanent':
      return { mode: 'permanent' };
    case 'transient':
      return { mode: 'transient', count: activation.value.count };
    case 'intermittent':
      return { mode: 'intermittent', probability: activation.value.probability };
  }
}

function toWire(fault: ActiveFault): WireFault {
  const { spec } = fault;
  const activation: WireFaultSpec['activation'] =
    spec.activation.mode === 'permanent'
      ? { $case: 'permanent', value: {} }
      : spec.activation.mode === 'transient'
        ? { $case: 'transient', value: { count: BigInt(spec.activation.count) } }
        : { $case: 'intermittent', value: { probability: spec.activation.probability } };
  return {
    id: fault.id,
    spec: {
      kind: WIRE_FAULT_KIND[spec.kind],
      method: spec.method,
      versions: [...spec.versions],
      activation,
      delayMs: BigInt(spec.delayMs),
      durationMs: BigInt(spec.durationMs),
      seed: BigInt(spec.seed),
    },
    activations: BigInt(fault.activations),
    remaining: BigInt(fault.remaining),
    createdUnixMs: BigInt(fault.createdUnixMs),
    expiresUnixMs: BigInt(fault.expiresUnixMs),
  };
}
