/**
 * The contract every version implements: plain data that survives postMessage
 * (structured clone), so no classes, no functions, no Maps. This file is the only
 * thing a version may import; versions/SPEC.md is the specification they follow.
 */

/** A rejected input: a voted answer, not a fault. `reason` is one of the stable codes in SPEC.md. */
export interface DomainError {
  readonly kind: 'domain_error';
  readonly reason: string;
}

/** A computed answer. */
export interface Answer<TValue> {
  readonly kind: 'value';
  readonly value: TValue;
}

/** What a version returns. Throwing, hanging or dying is a fault of that version. */
export type VersionResult<TValue> = Answer<TValue> | DomainError;

/** A version is a plain function over plain data; its module's default export. */
export type Version<TInput, TValue> = (input: TInput) => VersionResult<TValue>;

export interface SortInput {
  readonly values: readonly bigint[];
}
export type SortValue = bigint[];

export interface FactorizeInput {
  readonly n: bigint;
}
export type FactorizeValue = bigint[];

export interface EvaluateInput {
  readonly expression: string;
}
export type EvaluateValue = number;

export interface Edge {
  readonly from: number;
  readonly to: number;
  readonly weight: number;
}
export interface ShortestPathInput {
  readonly nodeCount: number;
  readonly edges: readonly Edge[];
  readonly source: number;
  readonly target: number;
}
export interface ShortestPathValue {
  reachable: boolean;
  distance: number;
  path: number[];
}

export interface StatisticsInput {
  readonly values: readonly number[];
}
export interface StatisticsValue {
  count: number;
  mean: number;
  variance: number;
  stddev: number;
  min: number;
  max: number;
  median: number;
}
