import type { MethodDefinition } from '@grpc/grpc-js';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/**
 * ts-proto's generated decoders stop at a field-number-0 tag or a stray end-group tag as if the
 * message had ended, so `08 02 00 08 04` would be answered as if it held one value rather than
 * refused. Every other protobuf runtime rejects such bytes. This walks the top level of the
 * message first and throws on them, which grpc-js reports as INTERNAL (a request it could not
 * deserialize), before any version runs.
 */
export function withStrictRequests<TRequest, TResponse>(
  definition: MethodDefinition<TRequest, TResponse>,
): MethodDefinition<TRequest, TResponse> {
  const decode = definition.requestDeserialize;
  return {
    ...definition,
    requestDeserialize: (bytes: Buffer) => {
      checkTopLevel(bytes);
      return decode(bytes);
    },
  };
}

function checkTopLevel(bytes: Uint8Array): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    if (fieldNo === 0) throw new Error('invalid tag: field number 0');
    if (wireType === WireType.EndGroup) throw new Error(`end-group tag for field ${fieldNo} without a start`);
    // Groups are skipped to their matching end; anything malformed throws here.
    reader.skip(wireType, fieldNo);
  }
}
