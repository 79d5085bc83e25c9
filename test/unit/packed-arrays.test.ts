import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pack, unpack, unpackResult } from '../../voter/runners/worker/packed-arrays.js';

const INT64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

/** What the other thread receives: a structured clone, as postMessage makes it. */
const acrossThreads = <T>(value: T): T => structuredClone(value);

describe('packed arrays', () => {
  it('packs a large array of int64 bigints or of doubles into a typed array, and unpacks it to an equal new array', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(INT64, { minLength: 1_024, maxLength: 3_000 }), fc.array(fc.double(), { minLength: 1_024, maxLength: 3_000 })), values => {
        const input = { values, label: 'x' };
        const packed = pack(input);
        expect(packed.fields?.['values']).toBeInstanceOf(typeof values[0] === 'bigint' ? BigInt64Array : Float64Array);
        expect(packed.rest).toEqual({ label: 'x' });
        const unpacked = unpack(acrossThreads(packed)) as typeof input;
        // Object.is per element: -0 and NaN come back as they went.
        expect(unpacked.values.length).toBe(values.length);
        expect(unpacked.values.every((item, index) => Object.is(item, values[index]))).toBe(true);
        expect(unpacked.values).not.toBe(values);
        expect(Array.isArray(unpacked.values)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('leaves alone what a typed array cannot hold exactly: a bigint beyond int64, a mixed array, a small array', () => {
    const beyond = Array.from({ length: 2_000 }, (_, index) => BigInt(index));
    beyond[1_500] = 2n ** 64n;
    const mixed: unknown[] = Array.from({ length: 2_000 }, (_, index) => index);
    mixed[1_999] = '1999';
    for (const input of [{ values: beyond }, { values: mixed }, { values: [1, 2, 3] }, { n: 12n }, 'text', null]) {
      const packed = pack(input);
      expect(packed).toEqual({ rest: input });
      expect(unpack(packed)).toBe(input);
    }
  });

  it('packs a large array of records with the same numeric fields into one column per field, and unpacks equal new records', () => {
    const edge = fc.tuple(fc.nat(), fc.nat(), fc.double()).map(([from, to, weight]) => ({ from, to, weight }));
    fc.assert(
      fc.property(fc.array(edge, { minLength: 1_024, maxLength: 3_000 }), edges => {
        const input = { nodeCount: 10, edges, source: 0, target: 9 };
        const packed = pack(input);
        expect(packed.rest).toEqual({ nodeCount: 10, source: 0, target: 9 });
        expect(packed.fields?.['edges']).toMatchObject({ keys: ['from', 'to', 'weight'] });
        const unpacked = unpack(acrossThreads(packed)) as typeof input;
        expect(unpacked.edges).not.toBe(edges);
        expect(unpacked.edges.length).toBe(edges.length);
        expect(
          unpacked.edges.every(
            (item, index) => Object.keys(item).join() === 'from,to,weight' && (['from', 'to', 'weight'] as const).every(key => Object.is(item[key], edges[index]?.[key])),
          ),
        ).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('clones as they are the record arrays a column cannot hold exactly: another key, another order, a non-number, a class instance', () => {
    const base = (): Record<string, unknown>[] => Array.from({ length: 2_000 }, (_, index) => ({ from: index, to: index + 1, weight: 0.5 }));
    const extraKey = base();
    extraKey[7] = { from: 1, to: 2, weight: 3, label: 'x' };
    const reordered = base();
    reordered[1_000] = { to: 2, from: 1, weight: 3 };
    const text = base();
    text[1_999] = { from: 1, to: 2, weight: '3' };
    class Edge {
      readonly from: number;
      readonly to: number;
      readonly weight = 1;
      constructor(index: number) {
        this.from = index;
        this.to = index;
      }
    }
    const instances = Array.from({ length: 2_000 }, (_, index) => new Edge(index));
    for (const edges of [extraKey, reordered, text, instances]) {
      const input = { edges };
      expect(pack(input)).toEqual({ rest: input });
    }
  });

  it('keeps a large int64 answer typed for the gateway, and makes doubles and records plain, as for a version', () => {
    const values = Array.from({ length: 2_000 }, (_, index) => BigInt(index) - 1_000n);
    const doubles = Array.from({ length: 2_000 }, (_, index) => index / 7);
    const result = unpackResult(structuredClone(pack({ kind: 'value', value: values, other: doubles }))) as Record<string, unknown>;
    expect(result['kind']).toBe('value');
    expect(result['value']).toBeInstanceOf(BigInt64Array);
    expect(Array.from(result['value'] as BigInt64Array)).toEqual(values);
    expect(Array.isArray(result['other'])).toBe(true);
    expect(result['other']).toEqual(doubles);
    // What a version is given is always plain.
    expect(Array.isArray((unpack(structuredClone(pack({ values }))) as { values: unknown }).values)).toBe(true);
  });

  it('packs the same object once, however many versions it is sent to', () => {
    const input = { values: Array.from({ length: 5_000 }, (_, index) => index / 3) };
    expect(pack(input)).toBe(pack(input));
  });

  it('keeps a result a version returned that merely looks packed as the plain object it is', () => {
    const forged = { kind: 'value', value: { rest: [1, 2], fields: { value: new Float64Array(2) } } };
    expect(unpack(acrossThreads(pack(forged)))).toEqual(forged);
  });
});
