/**
 * Large arrays of numbers or int64 bigints cross the thread boundary as typed arrays.
 *
 * Structured clone copies a JavaScript array element by element, on the sending thread: for the
 * 1,000,000 values of a Statistics request, once per version, on the gateway's event loop. A
 * typed array is cloned as one block copy, so each version still gets a copy of its own (a
 * buffer shared between versions would be a common-mode path), at the cost of a memcpy. The
 * receiving side turns it back into the plain array the contract promises.
 *
 * Large arrays of records whose fields are all numbers (a graph's 100,000 `{ from, to, weight }`
 * edges) go as one typed array per field: cloned object by object they held the gateway's event
 * loop for hundreds of milliseconds per version, and every call in flight waited.
 *
 * The packed arrays travel beside the object, never inside it: what a version returns cannot be
 * mistaken for a packed array, whatever it contains. Only top-level fields are looked at: the
 * large inputs and results are `{ values: [...] }`, `{ edges: [...] }` and `{ kind: 'value', value: [...] }`.
 *
 * The worker entry loads this module the way it loads a version (see version-worker.cts).
 */

// Below this, a plain clone is as cheap as packing and unpacking.
const MIN_PACKED_LENGTH = 1_024;

/** An array of records with the same numeric fields, one column per field, in the records' key order. */
export interface PackedRecords {
  readonly keys: readonly string[];
  readonly columns: readonly Float64Array[];
}

/** An object with its large arrays taken out and packed; `fields` is absent when there were none. */
export interface Packed {
  readonly rest: unknown;
  readonly fields?: Readonly<Record<string, Float64Array | BigInt64Array | PackedRecords>>;
}

const packedObjects = new WeakMap<object, Packed>();

/**
 * `value` with its large top-level arrays packed. Cached per object: the versions of one call
 * share the packing work, and each clone of the result is still a copy of its own.
 */
export function pack(value: unknown): Packed {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { rest: value };
  const cached = packedObjects.get(value);
  if (cached !== undefined) return cached;
  let rest: Record<string, unknown> | undefined;
  let fields: Record<string, Float64Array | BigInt64Array | PackedRecords> | undefined;
  for (const [key, field] of Object.entries(value)) {
    const typed = Array.isArray(field) ? (typedArrayOf(field) ?? recordColumnsOf(field)) : undefined;
    if (typed === undefined) continue;
    rest ??= { ...(value as Record<string, unknown>) };
    delete rest[key];
    (fields ??= {})[key] = typed;
  }
  const packed: Packed = rest === undefined || fields === undefined ? { rest: value } : { rest, fields };
  packedObjects.set(value, packed);
  return packed;
}

/** The inverse of pack: the object again, with new plain arrays (what a version is given). */
export function unpack(packed: Packed): unknown {
  return unpackWith(packed, false);
}

/**
 * unpack, for a version's result on the gateway's side: an int64 array stays a BigInt64Array. As
 * a plain array each of its values is a heap object of its own: four versions' answers to a
 * 100,000-value Sort made 400,000 of them on the event loop's heap, alive until the call's last
 * version settled, and collecting them stalled every call in flight. The methods that return
 * int64 lists accept the typed form (isValue), and the voters compare it by its elements.
 */
export function unpackResult(packed: Packed): unknown {
  return unpackWith(packed, true);
}

function unpackWith(packed: Packed, keepInt64: boolean): unknown {
  if (packed.fields === undefined) return packed.rest;
  const value = { ...(packed.rest as Record<string, unknown>) };
  for (const [key, typed] of Object.entries(packed.fields)) {
    if (typed instanceof BigInt64Array && keepInt64) value[key] = typed;
    else value[key] = ArrayBuffer.isView(typed) ? plainArrayOf(typed as Float64Array | BigInt64Array) : recordsOf(typed as PackedRecords);
  }
  return value;
}

/**
 * The typed array's elements as a plain array. Not `Array.from`: on 1,000,000 doubles it took
 * 65 ms against 14 ms for this loop into an array of the final length (best of 7 on this
 * machine), and it runs once per version on every large call, on the version's thread.
 */
function plainArrayOf(typed: Float64Array | BigInt64Array): (number | bigint)[] {
  const plain: (number | bigint)[] = new Array(typed.length);
  for (let index = 0; index < typed.length; index++) plain[index] = typed[index] as number | bigint;
  return plain;
}

function recordsOf({ keys, columns }: PackedRecords): Record<string, number>[] {
  const length = columns[0]?.length ?? 0;
  const records: Record<string, number>[] = new Array(length);
  for (let index = 0; index < length; index++) {
    const record: Record<string, number> = {};
    for (let field = 0; field < keys.length; field++) record[keys[field] as string] = (columns[field] as Float64Array)[index] as number;
    records[index] = record;
  }
  return records;
}

/**
 * The columns of an array of plain records that all have the same keys, in the same order, each
 * holding a number; undefined for anything else (another shape is cloned as it is).
 */
function recordColumnsOf(array: readonly unknown[]): PackedRecords | undefined {
  if (array.length < MIN_PACKED_LENGTH) return undefined;
  const first: unknown = array[0];
  if (!isPlainRecord(first)) return undefined;
  const keys = Object.keys(first);
  if (keys.length === 0) return undefined;
  const columns = keys.map(() => new Float64Array(array.length));
  for (let index = 0; index < array.length; index++) {
    const item: unknown = array[index];
    if (!isPlainRecord(item)) return undefined;
    const itemKeys = Object.keys(item);
    if (itemKeys.length !== keys.length) return undefined;
    for (let field = 0; field < keys.length; field++) {
      const key = keys[field] as string;
      if (itemKeys[field] !== key) return undefined;
      const number = item[key];
      if (typeof number !== 'number') return undefined;
      (columns[field] as Float64Array)[index] = number;
    }
  }
  return { keys, columns };
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** The typed form of an array of only numbers or only int64 bigints; undefined for anything else. */
function typedArrayOf(array: readonly unknown[]): Float64Array | BigInt64Array | undefined {
  if (array.length < MIN_PACKED_LENGTH) return undefined;
  const first: unknown = array[0];
  if (typeof first === 'number') {
    const data = new Float64Array(array.length);
    for (let index = 0; index < array.length; index++) {
      const item: unknown = array[index];
      if (typeof item !== 'number') return undefined;
      data[index] = item;
    }
    return data;
  }
  if (typeof first === 'bigint') {
    const data = new BigInt64Array(array.length);
    for (let index = 0; index < array.length; index++) {
      const item: unknown = array[index];
      if (typeof item !== 'bigint') return undefined;
      data[index] = item;
      // A bigint outside int64 wraps silently when stored: such an array is left as it is.
      if (data[index] !== item) return undefined;
    }
    return data;
  }
  return undefined;
}
