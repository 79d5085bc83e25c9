import { readFileSync } from 'node:fs';
import { createFileRegistry, fromBinary, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

// Built by `npm run generate` next to the generated code, and copied into dist/ by the build.
const DESCRIPTORS = new URL('../../voter/gen/descriptors.binpb', import.meta.url);

/** Every message and service of the proto, for JSON that is checked field by field. */
export function loadRegistry(): FileRegistry {
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTORS)));
}
