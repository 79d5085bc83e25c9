import type { DescMessage, FileRegistry } from '@bufbuild/protobuf';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';

/** One RPC the CLI can call: where it lives and the messages its JSON is checked against. */
export interface CallableMethod {
  readonly name: string;
  readonly path: string;
  readonly input: DescMessage;
  readonly output: DescMessage;
}

/**
 * The RPCs of nvote.v1.ComputeService in proto order, from the generated service definition:
 * a new RPC in the proto is callable with no table to extend here.
 */
export function computeMethods(registry: FileRegistry): ReadonlyMap<string, CallableMethod> {
  const methods = new Map<string, CallableMethod>();
  for (const definition of Object.values(ComputeServiceService)) {
    const [, service = '', name = ''] = definition.path.split('/');
    const descriptor = registry.getService(service)?.methods.find(method => method.name === name);
    if (descriptor === undefined) {
      throw new Error(`descriptors.binpb has no ${service}/${name}: it is older than the generated code (npm run generate)`);
    }
    methods.set(name, { name, path: definition.path, input: descriptor.input, output: descriptor.output });
  }
  return methods;
}
