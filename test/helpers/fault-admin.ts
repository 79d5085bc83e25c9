import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { FaultInjectionServiceClient, FaultKind, type FaultSpec, type InjectFaultResponse } from '../../voter/gen/nvote/v1/fault_injection_service.js';
import { FAULT_AUTHORIZATION } from './start-gateway.js';

export { FaultKind };

/** A grpc-js unary call as a promise: resolves with the response, rejects with the ServiceError. */
export function unary<TResponse>(start: (callback: (error: ServiceError | null, response: TResponse) => void) => unknown): Promise<TResponse> {
  return new Promise((resolve, reject) => {
    start((error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** Metadata with the test gateways' fault-injection token, and the given per-call faults. */
export function faultMetadata(...faults: readonly string[]): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', FAULT_AUTHORIZATION);
  for (const fault of faults) metadata.add('x-nvote-fault', fault);
  return metadata;
}

/** The gateway's admin listener, or a clear failure when the test enabled nothing that opens it. */
export function adminOf(gateway: { readonly admin: string | undefined }): string {
  if (gateway.admin === undefined) throw new Error('the gateway has no admin listener: enable faultInjection or operator');
  return gateway.admin;
}

/** Plants a fault through the admin listener's FaultInjectionService (permanent on Sort unless said); returns its id. */
export async function plantFault(address: string, fields: Partial<FaultSpec> & Pick<FaultSpec, 'kind' | 'versions'>): Promise<string> {
  const admin = new FaultInjectionServiceClient(address, credentials.createInsecure());
  try {
    const spec: FaultSpec = { method: 'Sort', activation: { $case: 'permanent', value: {} }, delayMs: 0n, durationMs: 0n, seed: 0n, ...fields };
    const response = await unary<InjectFaultResponse>(cb => admin.injectFault({ spec }, faultMetadata(), cb));
    if (response.fault === undefined) throw new Error('the gateway returned no fault');
    return response.fault.id;
  } finally {
    admin.close();
  }
}

/** Clears faults by id (all when none given). */
export async function clearFaults(address: string, ids: readonly string[] = []): Promise<void> {
  const admin = new FaultInjectionServiceClient(address, credentials.createInsecure());
  try {
    await unary(cb => admin.clearFaults({ ids: [...ids] }, faultMetadata(), cb));
  } finally {
    admin.close();
  }
}
