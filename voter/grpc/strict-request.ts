import type { MethodDefinition } from '@grpc/grpc-js';
import type { DescMessage } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { requestSchemaOf } from './request-schema.js';

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
  const schema = requestSchemaOf(definition.path);
  return {
    ...definition,
    requestDeserialize: (bytes: Buffer) => {
      checkMessage(bytes, 0, bytes.length, schema, 0);
      return decode(bytes);
    },
  };
}

// Deeper than any request we define; bounds the recursion on hostile input.
const MAX_DEPTH = 32;

// The walk reads positions, never copies: a 100,000-edge request is 100,000 nested messages, and
// a reader and a subarray for each held the event loop for hundreds of milliseconds under load.
// `at` is the position after the last read; one walk runs at a time (it is synchronous).
let at = 0;

function checkMessage(bytes: Uint8Array, start: number, end: number, schema: DescMessage | undefined, depth: number): void {
  if (depth > MAX_DEPTH) throw new Error(`messages nested deeper than ${MAX_DEPTH}`);
  at = start;
  while (at < end) {
    const fieldNo = tag(bytes, end);
    const wireType = wireTypeRead;
    if (wireType === WireType.EndGroup) throw new Error(`end-group tag for field ${fieldNo} without a start`);
    const nested = wireType === WireType.LengthDelimited ? nestedMessage(schema, fieldNo) : undefined;
    if (nested === undefined) {
      skip(bytes, end, wireType, fieldNo, depth);
    } else {
      const length = varint(bytes, end);
      const nestedStart = at;
      const nestedEnd = nestedStart + length;
      if (nestedEnd > end) throw new Error(`field ${fieldNo} runs past the end of its message`);
      checkMessage(bytes, nestedStart, nestedEnd, nested, depth + 1);
      at = nestedEnd;
    }
  }
}

// Field numbers are 1 .. 2^29 - 1.
const MAX_FIELD_NUMBER = 2 ** 29 - 1;

// The wire type of the last tag read: set by tag() beside its result, so that no tuple is made per field.
let wireTypeRead = 0;

/** Reads a tag; returns its field number and leaves its wire type in `wireTypeRead`. */
function tag(bytes: Uint8Array, end: number): number {
  const value = varint(bytes, end);
  const fieldNo = Math.floor(value / 8);
  if (fieldNo === 0) throw new Error('illegal tag: field no 0');
  if (fieldNo > MAX_FIELD_NUMBER) throw new Error(`illegal tag: field no ${fieldNo}`);
  wireTypeRead = value % 8;
  return fieldNo;
}

function varint(bytes: Uint8Array, end: number): number {
  // One byte: almost every tag, and the length of a small nested message.
  if (at < end) {
    const first = bytes[at] as number;
    if (first < 0x80) {
      at += 1;
      return first;
    }
  }
  let value = 0;
  let scale = 1;
  for (let index = 0; index < 10; index++) {
    if (at >= end) throw new Error('premature end of message');
    const byte = bytes[at++] as number;
    // Past 2^49 the exact value no longer matters: a length or tag that large is refused anyway.
    if (index < 7) value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value;
    scale *= 128;
  }
  throw new Error('varint longer than 10 bytes');
}

/** Skips one field's value; a group to its matching end. Anything malformed throws. */
function skip(bytes: Uint8Array, end: number, wireType: number, fieldNo: number, depth: number): void {
  switch (wireType) {
    case WireType.Varint:
      varint(bytes, end);
      return;
    case WireType.Bit64:
      advance(8, end, fieldNo);
      return;
    case WireType.Bit32:
      advance(4, end, fieldNo);
      return;
    case WireType.LengthDelimited:
      advance(varint(bytes, end), end, fieldNo);
      return;
    case WireType.StartGroup: {
      if (depth > MAX_DEPTH) throw new Error(`messages nested deeper than ${MAX_DEPTH}`);
      for (;;) {
        const innerNo = tag(bytes, end);
        const innerType = wireTypeRead;
        if (innerType === WireType.EndGroup) {
          if (innerNo !== fieldNo) throw new Error(`invalid end group tag: field ${innerNo} ends group ${fieldNo}`);
          return;
        }
        skip(bytes, end, innerType, innerNo, depth + 1);
      }
    }
    default:
      throw new Error(`cannot skip wire type ${wireType} of field ${fieldNo}`);
  }
}

function advance(length: number, end: number, fieldNo: number): void {
  if (at + length > end) throw new Error(`field ${fieldNo} runs past the end of its message`);
  at += length;
}

const nestedOf = new WeakMap<DescMessage, Map<number, DescMessage | undefined>>();

function nestedMessage(schema: DescMessage | undefined, fieldNo: number): DescMessage | undefined {
  if (schema === undefined) return undefined;
  let fields = nestedOf.get(schema);
  if (fields === undefined) {
    fields = new Map();
    nestedOf.set(schema, fields);
  }
  if (!fields.has(fieldNo)) {
    const field = schema.fields.find(candidate => candidate.number === fieldNo);
    const message =
      field?.fieldKind === 'message' || (field?.fieldKind === 'list' && field.listKind === 'message') ? field.message : undefined;
    fields.set(fieldNo, message);
  }
  return fields.get(fieldNo);
}
