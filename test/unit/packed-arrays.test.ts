import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pack, unpack } from '../../voter/runners/worker/packed-arrays.js';

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

  it('packs the same object once, however many versions it is sent to', () => {
    const input = { values: Array.from({ length: 5_000 }, (_, index) => index / 3) };
    expect(pack(input)).toBe(pack(input));
  });

  it('keeps a result a version returned that merely looks packed as the plain object it is', () => {
    const forged = { kind: 'value', value: { rest: [1, 2], fields: { value: new Float64Array(2) } } };
    expect(unpack(acrossThreads(pack(forged)))).toEqual(forged);
  });
});
