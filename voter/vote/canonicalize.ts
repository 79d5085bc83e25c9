/**
 * A canonical text for plain data, so that exact voting compares meaning and not accidents:
 * object keys are sorted, -0 equals 0, every NaN is the same, bigints and numbers stay distinct.
 */
export function canonicalize(value: unknown): string {
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      return Object.is(value, -0) ? '0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value) || ArrayBuffer.isView(value)) {
        const items = Array.from(value as ArrayLike<unknown>, canonicalize);
        return `[${items.join(',')}]`;
      }
      const entries = Object.keys(value)
        .sort()
        .map(key => `${JSON.stringify(key)}:${canonicalize((value as Record<string, unknown>)[key])}`);
      return `{${entries.join(',')}}`;
    }
    default:
      // Functions and symbols cannot cross postMessage; a version never produces them.
      return `<${typeof value}>`;
  }
}
