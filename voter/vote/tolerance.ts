/** Two numbers agree when |a - b| <= max(absolute, relative * max(|a|, |b|)). */
export interface Tolerance {
  readonly relative: number;
  readonly absolute: number;
}

export function withinTolerance(a: number, b: number, tolerance: Tolerance): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const allowed = Math.max(tolerance.absolute, tolerance.relative * Math.max(Math.abs(a), Math.abs(b)));
  return Math.abs(a - b) <= allowed;
}
