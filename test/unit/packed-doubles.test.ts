import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatisticsRequest } from '../../voter/gen/nvote/v1/compute_service.js';
import { definitionOf, serverDefinitionOf } from '../../voter/grpc/method-definitions.js';
import { decodeWithPackedDoubles, withPackedDoubleFields } from '../../voter/grpc/packed-doubles.js';
import { statisticsMethod } from '../../voter/methods/statistics.js';
import { sortMethod } from '../../voter/methods/sort.js';

const generated = (bytes: Buffer) => StatisticsRequest.decode(bytes);
// StatisticsRequest: `repeated double values = 1`.
const VALUES = new Map([[1, 'values']]);

/** Field 1 as one packed occurrence: tag, length, the little-endian doubles. */
function packed(values: readonly number[]): Buffer {
  const body = Buffer.alloc(values.length * 8);
  values.forEach((value, index) => body.writeDoubleLE(value, index * 8));
  return Buffer.concat([Buffer.from([0x0a]), varint(body.length), body]);
}

/** Field 1 value by value (wire type 1), which a decoder must also accept. */
function unpacked(values: readonly number[]): Buffer {
  return Buffer.concat(values.map(value => {
    const element = Buffer.alloc(9);
    element[0] = 0x09;
    element.writeDoubleLE(value, 1);
    return element;
  }));
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Buffer.from(out);
}

// An unknown field 7 (varint) that both decoders skip.
const UNKNOWN = Buffer.from([0x38, 0x2a]);

/** Either the request, or the error's message: the two decoders must agree on both. */
function outcome(decode: (bytes: Buffer) => unknown, bytes: Buffer): unknown {
  try {
    return { request: decode(bytes) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const doubles = (minLength: number, maxLength: number) => fc.array(fc.double(), { minLength, maxLength });

describe('packed double fields read as blocks', () => {
  it('decodes exactly as the generated decoder, whatever the values (NaN, -0, infinities) and however the field is split', () => {
    const chunk = fc.oneof(
      { weight: 3, arbitrary: doubles(0, 1_500).map(packed) },
      { weight: 1, arbitrary: doubles(0, 3).map(unpacked) },
      { weight: 1, arbitrary: fc.constant(UNKNOWN) },
    );
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 1, maxLength: 5 }), chunks => {
        const bytes = Buffer.concat(chunks);
        const fast = decodeWithPackedDoubles(bytes, VALUES, generated);
        expect(fast).toEqual(generated(bytes));
        // Every value in place, -0 and NaN included (toEqual alone would let -0 pass for 0).
        const expected = generated(bytes).values;
        expect(fast.values.length).toBe(expected.length);
        expect(fast.values.every((value, index) => Object.is(value, expected[index]))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('reads a large field as a block: the generated decoder sees only the rest of the message', () => {
    const values = Array.from({ length: 4_096 }, (_, index) => index / 3 - 100);
    const bytes = Buffer.concat([UNKNOWN, packed(values.slice(0, 1_000)), packed(values.slice(1_000)), UNKNOWN]);
    const seen: number[] = [];
    const request = decodeWithPackedDoubles(bytes, VALUES, rest => {
      seen.push(rest.length);
      return StatisticsRequest.decode(rest);
    });
    expect(request).toEqual({ values });
    expect(Array.isArray(request.values)).toBe(true);
    expect(seen).toEqual([UNKNOWN.length * 2]);
  });

  it('leaves to the generated decoder a small field, a field also sent unpacked, and a length that is not whole doubles', () => {
    const cases = [
      packed([1, 2, 3]),
      Buffer.concat([packed(Array.from({ length: 2_000 }, (_, index) => index)), unpacked([5])]),
      Buffer.concat([Buffer.from([0x0a]), varint(8 * 2_000 + 4), Buffer.alloc(8 * 2_000 + 4)]),
    ];
    for (const bytes of cases) {
      const seen: number[] = [];
      const result = outcome(input => decodeWithPackedDoubles(input, VALUES, rest => {
        seen.push(rest.length);
        return StatisticsRequest.decode(rest);
      }), bytes);
      expect(result).toEqual(outcome(generated, bytes));
      expect(seen).toEqual([bytes.length]);
    }
  });

  it('is part of the Statistics definition the server uses, and only where a request has such a field', () => {
    const values = Array.from({ length: 10_000 }, (_, index) => Math.sin(index));
    const bytes = Buffer.from(StatisticsRequest.encode({ values }).finish());
    expect(serverDefinitionOf(statisticsMethod).requestDeserialize(bytes)).toEqual({ values });
    // Sort's values are sint64: its definition is left as generated.
    const sort = definitionOf(sortMethod);
    expect(withPackedDoubleFields(sort)).toBe(sort);
  });
});
