/** Structural checks for what versions return: plain data that crossed a thread boundary. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isBigIntArray(value: unknown): value is bigint[] {
  return Array.isArray(value) && value.every(item => typeof item === 'bigint');
}

export function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

export function isUint32Array(value: unknown): value is number[] {
  return Array.isArray(value) && value.every(item => Number.isInteger(item) && item >= 0 && item <= 0xffffffff);
}
