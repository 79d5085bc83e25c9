import { readFileSync } from 'node:fs';
import type { Server } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

export interface Health {
  /** Sets the status of the whole server (`""`) and of every named service at once. */
  setAll(status: ServingStatus): void;
  set(service: string, status: ServingStatus): void;
}

/** `grpc.health.v1.Health` for the server (`""`) and each service name. */
export function addHealth(server: Server, services: readonly string[]): Health {
  const names = ['', ...services];
  const health = new HealthImplementation(Object.fromEntries(names.map(name => [name, 'NOT_SERVING' as const])));
  health.addToServer(server);
  return {
    setAll: status => {
      for (const name of names) health.setStatus(name, status);
    },
    set: (service, status) => health.setStatus(service, status),
  };
}

const BUILT_IN_DESCRIPTORS = new URL('../gen/descriptors.binpb', import.meta.url);

/**
 * Server reflection (v1 and v1alpha), so grpcurl and similar tools work unchanged. ts-proto
 * emits no proto-loader package definition, so reflection reads the descriptor set that
 * `buf build` writes next to the generated code, plus any given by extensions.
 */
export function addReflection(server: Server, services: readonly string[], extraDescriptorSets: readonly Buffer[]): void {
  let definition: PackageDefinition = {
    ...loadFileDescriptorSetFromBuffer(readFileSync(BUILT_IN_DESCRIPTORS)),
    ...loadSync(healthProtoPath),
  };
  for (const set of extraDescriptorSets) definition = { ...definition, ...loadFileDescriptorSetFromBuffer(set) };
  new ReflectionService(definition, { services: [...services, 'grpc.health.v1.Health'] }).addToServer(server);
}
