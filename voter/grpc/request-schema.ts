import { readFileSync } from 'node:fs';
import { createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

// The descriptor set `buf build` writes next to the generated code (also used by reflection).
const registry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, readFileSync(new URL('../gen/descriptors.binpb', import.meta.url))),
);

/** The request message of `/package.Service/Method`, when the built-in descriptors know it. */
export function requestSchemaOf(path: string): DescMessage | undefined {
  const [service, method] = path.slice(1).split('/');
  return registry.getService(service ?? '')?.methods.find(candidate => candidate.name === method)?.input;
}
