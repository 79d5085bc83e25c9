import { readFileSync } from 'node:fs';
import type { Server } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { createDescriptorIndex } from './descriptor-index.js';
import { addReflection, REFLECTION_SERVICES } from './reflection-service.js';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

export interface Health {
  set(name: string, status: ServingStatus): void;
}

export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * `grpc.health.v1.Health` for the given names, all NOT_SERVING at first. grpc-health-check writes
 * to every Watch stream on each set, changed or not: callers set a name only when it changes.
 */
export function addHealth(server: Server, names: readonly string[]): Health {
  const health = new HealthImplementation(Object.fromEntries(names.map(name => [name, 'NOT_SERVING' as const])));
  health.addToServer(server);
  return { set: (name, status) => health.setStatus(name, status) };
}

// `buf build` writes it next to the generated code: nvote.v1, google.rpc, grpc.health and
// grpc.reflection, exactly as compiled.
const BUILT_IN_DESCRIPTORS = new URL('../gen/descriptors.binpb', import.meta.url);

/**
 * Server reflection (v1 and v1alpha) over the original descriptors of the built-in protos and
 * any extension's descriptor sets. `services` are those listed; the descriptors of services that
 * are defined but not served (`unserved`) are not described at all.
 */
export function addStandardReflection(
  server: Server,
  services: readonly string[],
  unserved: readonly string[],
  extraDescriptorSets: readonly Buffer[],
): void {
  const index = createDescriptorIndex([readFileSync(BUILT_IN_DESCRIPTORS), ...extraDescriptorSets], new Set(unserved));
  addReflection(server, index, [...services, HEALTH_SERVICE, ...REFLECTION_SERVICES]);
}
