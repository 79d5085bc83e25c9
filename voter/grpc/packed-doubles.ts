import { endianness } from 'node:os';
import type { MethodDefinition } from '@grpc/grpc-js';
import { ScalarType } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { requestSchemaOf } from './request-schema.js';

// From 1,024 doubles on: the size from which they cross to the versions as typed arrays too.
const MIN_FAST_BYTES = 1_024 * 8;
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * The same method, with the top-level `repeated double` fields of a large request read as one
 * block copy instead of value by value.
 *
 * On the wire a packed `repeated double` is the values' little-endian bytes. The generated decoder
 * reads and pushes them one at a time: 47 ms of the gateway's event loop for the 1,000,000 values
 * of a Statistics request, the largest single item in its profile, while every other call waits.
 * Here those bytes are copied into a Float64Array at once, the rest of the message is decoded by
 * the generated decoder as before, and the field gets a plain array of the values: the request
 * is exactly what the generated decoder returns (a property test holds the two together).
 *
 * Anything unusual is left to the generated decoder: a field also sent unpacked (value by value),
 * a packed length that is not a whole number of doubles, a group, a big-endian host.
 */
export function withPackedDoubleFields<TRequest, TResponse>(
  definition: MethodDefinition<TRequest, TResponse>,
): MethodDefinition<TRequest, TResponse> {
  const fields = new Map<number, string>();
  for (const field of requestSchemaOf(definition.path)?.fields ?? []) {
    if (field.fieldKind === 'list' && field.listKind === 'scalar' && field.scalar === ScalarType.DOUBLE) fields.set(field.number, field.localName);
  }
  if (fields.size === 0 || !LITTLE_ENDIAN) return definition;
  const decode = definition.requestDeserialize;
  return { ...definition, requestDeserialize: (bytes: Buffer) => decodeWithPackedDoubles(bytes, fields, decode) };
}

interface Occurrence {
  readonly fieldNo: number;
  /** Where its tag starts. */
  readonly start: number;
  /** Where its values start and end. */
  readonly valuesStart: number;
  readonly end: number;
}

/** `decode`, with the packed double fields named in `fields` (number → property) read as blocks. */
export function decodeWithPackedDoubles<TRequest>(bytes: Buffer, fields: ReadonlyMap<number, string>, decode: (bytes: Buffer) => TRequest): TRequest {
  const occurrences = packedOccurrences(bytes, fields);
  if (occurrences === undefined) return decode(bytes);
  let valueBytes = 0;
  for (const occurrence of occurrences) valueBytes += occurrence.end - occurrence.valuesStart;
  if (valueBytes < MIN_FAST_BYTES) return decode(bytes);

  // The message without those fields, in its original order, for the generated decoder.
  const rest: Buffer[] = [];
  let from = 0;
  for (const { start, end } of occurrences) {
    rest.push(bytes.subarray(from, start));
    from = end;
  }
  rest.push(bytes.subarray(from));
  const request = decode(Buffer.concat(rest)) as Record<string, unknown>;

  for (const [fieldNo, property] of fields) {
    const own = occurrences.filter(occurrence => occurrence.fieldNo === fieldNo);
    if (own.length > 0) request[property] = valuesOf(bytes, own);
  }
  return request as TRequest;
}

/** Every occurrence of the named fields, all packed; undefined when the fast path does not apply. */
function packedOccurrences(bytes: Buffer, fields: ReadonlyMap<number, string>): Occurrence[] | undefined {
  const found: Occurrence[] = [];
  const reader = { at: 0 };
  while (reader.at < bytes.length) {
    const start = reader.at;
    const tag = varint(bytes, reader);
    if (tag === undefined) return undefined;
    const fieldNo = Math.floor(tag / 8);
    const wireType = tag % 8;
    let length: number | undefined;
    switch (wireType) {
      case WireType.Varint:
        if (varint(bytes, reader) === undefined) return undefined;
        length = 0;
        break;
      case WireType.Bit64:
        length = 8;
        break;
      case WireType.Bit32:
        length = 4;
        break;
      case WireType.LengthDelimited:
        length = varint(bytes, reader);
        break;
      default:
        return undefined;
    }
    if (length === undefined || reader.at + length > bytes.length) return undefined;
    if (fields.has(fieldNo)) {
      if (wireType !== WireType.LengthDelimited || length % 8 !== 0) return undefined;
      found.push({ fieldNo, start, valuesStart: reader.at, end: reader.at + length });
    }
    reader.at += length;
  }
  return found.length === 0 ? undefined : found;
}

function varint(bytes: Buffer, reader: { at: number }): number | undefined {
  let value = 0;
  let scale = 1;
  for (let index = 0; index < 10 && reader.at < bytes.length; index++) {
    const byte = bytes[reader.at++] as number;
    // Past 2^49 the exact value no longer matters: a length that large runs past the message.
    if (index < 7) value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value;
    scale *= 128;
  }
  return undefined;
}

/** The values of a field's packed occurrences, in order, as a plain array. */
function valuesOf(bytes: Buffer, occurrences: readonly Occurrence[]): number[] {
  let length = 0;
  for (const occurrence of occurrences) length += (occurrence.end - occurrence.valuesStart) / 8;
  const block = new Float64Array(length);
  const target = new Uint8Array(block.buffer);
  let offset = 0;
  for (const { valuesStart, end } of occurrences) {
    target.set(bytes.subarray(valuesStart, end), offset);
    offset += end - valuesStart;
  }
  // A loop into an array of its final length: Array.from took four times as long (packed-arrays.ts).
  const values: number[] = new Array(length);
  for (let index = 0; index < length; index++) values[index] = block[index] as number;
  return values;
}
