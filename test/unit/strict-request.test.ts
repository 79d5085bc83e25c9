import type { MethodDefinition } from '@grpc/grpc-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShortestPathRequest, SortRequest } from '../../voter/gen/nvote/v1/compute_service.js';
import { withStrictRequests } from '../../voter/grpc/strict-request.js';
import { definitionOf } from '../../voter/grpc/method-definitions.js';
import { shortestPathMethod } from '../../voter/methods/shortest-path.js';
import { sortMethod } from '../../voter/methods/sort.js';

const bytes = (...values: number[]): Buffer => Buffer.from(values);

describe('strict request decoding', () => {
  // As the server decodes them: the generated definitions, checked strictly first.
  const sort = withStrictRequests(definitionOf(sortMethod)).requestDeserialize;
  const shortestPath = withStrictRequests(definitionOf(shortestPathMethod)).requestDeserialize;

  it('decodes well-formed requests exactly as ts-proto does, unknown fields included', () => {
    const request = { nodeCount: 3, edges: [{ from: 0, to: 1, weight: 2.5 }, { from: 1, to: 2, weight: 0 }], source: 0, target: 2 };
    const encoded = Buffer.from(ShortestPathRequest.encode(request).finish());
    expect(shortestPath(encoded)).toEqual(request);
    // An unknown varint field 9 inside the first edge and at the top level is skipped.
    const withUnknown = Buffer.concat([encoded, bytes(0x48, 0x01)]);
    expect(shortestPath(withUnknown)).toEqual(request);
    expect(sort(Buffer.from(SortRequest.encode({ values: [1n, -2n] }).finish()))).toEqual({ values: [1n, -2n] });
  });

  it('refuses a field-number-0 tag or a stray end-group at the top level, where ts-proto would stop early', () => {
    // values 1, then tag 0, then values 2: ts-proto alone answers [1].
    expect(SortRequest.decode(bytes(0x08, 0x02, 0x00, 0x08, 0x04)).values).toEqual([1n]);
    expect(() => sort(bytes(0x08, 0x02, 0x00, 0x08, 0x04))).toThrow(/field (no|number) 0/);
    expect(() => sort(bytes(0x08, 0x02, 0x0c, 0x08, 0x04))).toThrow('end-group');
  });

  it('refuses the same inside a nested message, where ts-proto would read the rest as outer fields', () => {
    // edges { from: 1, <tag 0>, to: 2 }, then node_count 3.
    const malformed = bytes(0x12, 0x05, 0x08, 0x01, 0x00, 0x10, 0x02, 0x08, 0x03);
    expect(() => shortestPath(malformed)).toThrow(/field (no|number) 0/);
    const strayEnd = bytes(0x12, 0x03, 0x08, 0x01, 0x0c, 0x08, 0x03);
    expect(() => shortestPath(strayEnd)).toThrow('end-group');
  });

  it('accepts every encoding of a valid request, and refuses truncated ones or answers them as ts-proto does, never anything else', () => {
    const edge = fc.record({ from: fc.nat(1_000), to: fc.nat(1_000), weight: fc.double({ noNaN: true }) });
    const request = fc.record({ nodeCount: fc.nat(1_000), edges: fc.array(edge, { maxLength: 50 }), source: fc.nat(1_000), target: fc.nat(1_000) });
    fc.assert(
      fc.property(request, fc.nat(), (value, cut) => {
        const encoded = Buffer.from(ShortestPathRequest.encode(value).finish());
        expect(shortestPath(encoded)).toEqual(ShortestPathRequest.decode(encoded));
        // A truncated request either fails as an Error or decodes as ts-proto decodes it.
        const truncated = encoded.subarray(0, encoded.length === 0 ? 0 : cut % encoded.length);
        try {
          expect(shortestPath(truncated)).toEqual(ShortestPathRequest.decode(truncated));
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses malformed bytes with an Error, whatever they are: unknown wire types, groups that do not close, lengths past the end', () => {
    expect(() => sort(bytes(0x0e))).toThrow(/wire type 6/);
    expect(() => sort(bytes(0x0b, 0x08, 0x01))).toThrow(/premature end/);
    expect(() => sort(bytes(0x0b, 0x14))).toThrow(/invalid end group/);
    expect(() => sort(bytes(0x0a, 0x05, 0x01))).toThrow(/past the end/);
    expect(() => sort(bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))).toThrow(/longer than 10 bytes/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), random => {
        try {
          shortestPath(Buffer.from(random));
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('still checks the top level of a method the descriptors do not know', () => {
    const identity: MethodDefinition<Buffer, Buffer> = {
      path: '/example.v1.Unknown/Call',
      requestStream: false,
      responseStream: false,
      requestSerialize: value => value,
      requestDeserialize: value => value,
      responseSerialize: value => value,
      responseDeserialize: value => value,
    };
    const strict = withStrictRequests(identity).requestDeserialize;
    expect(strict(bytes(0x08, 0x01))).toEqual(bytes(0x08, 0x01));
    expect(() => strict(bytes(0x00))).toThrow(/field (no|number) 0/);
  });
});
