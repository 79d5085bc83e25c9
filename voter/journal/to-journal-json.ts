/**
 * A decoded request or a version's answer as plain JSON in proto3 JSON spelling, so that a reader
 * can encode it again against the proto's descriptors: int64 (bigint) as decimal strings, typed
 * arrays (the gateway's packed Float64Array / BigInt64Array) as arrays, non-finite doubles as
 * "NaN" / "Infinity" / "-Infinity", bytes as base64. Undefined fields are left out.
 */
export function toJournalJson(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      return value === null ? null : objectToJson(value);
    default:
      return undefined;
  }
}

function objectToJson(value: object): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Array.from(value, item => item.toString());
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, item => toJournalJson(item));
  }
  if (Array.isArray(value)) return value.map(item => toJournalJson(item) ?? null);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), toJournalJson(item)]));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const converted = toJournalJson(item);
    if (converted !== undefined) result[key] = converted;
  }
  return result;
}
