/** The bench's use of nvote.v1.FaultInjectionService: plant one permanent hang, read it, clear it. */
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { unaryCall, type UnaryResult } from '../../client/index.js';
import { FaultInjectionServiceService, FaultKind } from '../../voter/gen/nvote/v1/fault_injection_service.js';

const ADMIN_DEADLINE_MS = 10_000;

export interface FaultAdmin {
  /** Plants a hang on every call of `version` until cleared; resolves with the fault's id. */
  hangPermanently(method: string, version: string): Promise<string>;
  /** How many calls the fault fired on so far. */
  activations(id: string): Promise<number>;
  clear(id: string): Promise<void>;
  close(): void;
}

function checked<T>(what: string, result: UnaryResult<T>): T {
  if (result.status !== status.OK || result.response === undefined) {
    throw new Error(`${what}: ${status[result.status] ?? result.status} ${result.details}`);
  }
  return result.response;
}

export function createFaultAdmin(address: string, token: string): FaultAdmin {
  const client = new Client(address, credentials.createInsecure());
  const options = (): { metadata: Metadata; deadlineMs: number } => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return { metadata, deadlineMs: ADMIN_DEADLINE_MS };
  };
  return {
    async hangPermanently(method, version) {
      const spec = {
        kind: FaultKind.FAULT_KIND_HANG,
        method,
        versions: [version],
        activation: { $case: 'permanent' as const, value: {} },
        delayMs: 0n,
        durationMs: 0n,
        seed: 0n,
      };
      const response = checked('InjectFault', await unaryCall(client, FaultInjectionServiceService.injectFault, { spec }, options()));
      if (response.fault === undefined) throw new Error('InjectFault answered without the fault');
      return response.fault.id;
    },
    async activations(id) {
      const response = checked('ListFaults', await unaryCall(client, FaultInjectionServiceService.listFaults, {}, options()));
      const fault = response.faults.find(candidate => candidate.id === id);
      if (fault === undefined) throw new Error(`fault ${id} is no longer listed`);
      return Number(fault.activations);
    },
    async clear(id) {
      const response = checked('ClearFaults', await unaryCall(client, FaultInjectionServiceService.clearFaults, { ids: [id] }, options()));
      if (response.cleared !== 1) throw new Error(`ClearFaults removed ${response.cleared} faults, expected 1 (${id})`);
    },
    close: () => client.close(),
  };
}
