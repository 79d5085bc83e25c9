import { readFileSync } from 'node:fs';
import type { MethodDefinition } from '@grpc/grpc-js';
import { createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/**
 * ts-proto's generated decoders stop at a field-number-0 tag or a stray end-group tag as if the
 * message had ended, so `08 02 00 08 04` would be answered as if it held one value rather than
 * refused; inside a nested message the rest of its bytes would be read as the outer message's.
 * Every other protobuf runtime rejects such bytes. This walks the request first, into every
 * nested message the schema declares, and throws on them, which grpc-js reports as INTERNAL (a
 * request it could not deserialize) before any version runs.
 */
export function withStrictRequests<TRequest, TResponse>(
  definition: MethodDefinition<TRequest, TResponse>,
): MethodDefinition<TRequest, TResponse> {
  const decode = definition.requestDeserialize;
  const schema = inputOf(definition.path);
  return {
    ...definition,
    requestDeserialize: (bytes: Buffer) => {
      checkMessage(bytes, schema, 0);
      return decode(bytes);
    },
  };
}

// The descriptor set `buf build` writes next to the generated code (also used by reflection).
const registry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, readFileSync(new URL('../gen/descriptors.binpb', import.meta.url))),
);

/** The request message of `/package.Service/Method`, when the built-in descriptors know it. */
function inputOf(path: string): DescMessage | undefined {
  const [service, method] = path.slice(1).split('/');
  return registry.getService(service ?? '')?.methods.find(candidate => candidate.name === method)?.input;
}

// Deeper than any request we define; bounds the recursion on hostile input.
const MAX_DEPTH = 32;

function checkMessage(bytes: Uint8Array, schema: DescMessage | undefined, depth: number): void {
  if (depth > MAX_DEPTH) throw new Error(`messages nested deeper than ${MAX_DEPTH}`);
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    // tag() itself refuses field number 0.
    const [fieldNo, wireType] = reader.tag();
    if (wireType === WireType.EndGroup) throw new Error(`end-group tag for field ${fieldNo} without a start`);
    const nested = wireType === WireType.LengthDelimited ? nestedMessage(schema, fieldNo) : undefined;
    if (nested === undefined) {
      // Groups are skipped to their matching end; anything malformed throws here.
      reader.skip(wireType, fieldNo);
    } else {
      checkMessage(reader.bytes(), nested, depth + 1);
    }
  }
}

function nestedMessage(schema: DescMessage | undefined, fieldNo: number): DescMessage | undefined {
  const field = schema?.fields.find(candidate => candidate.number === fieldNo);
  if (field?.fieldKind === 'message') return field.message;
  if (field?.fieldKind === 'list' && field.listKind === 'message') return field.message;
  return undefined;
}
