/** The fault kinds nvote can inject, from the failure models they stand for. */
export const FAULT_KINDS = [
  'crash', // crash failure: the worker thread dies
  'exception', // crash failure seen by the caller as an error
  'hang', // omission failure: no answer at all
  'delay', // timing failure: the right answer, late
  'wrong_value', // response failure: a plausible wrong answer
  'bit_flip', // response failure from corrupted data
  'oom', // crash failure by resource exhaustion
  'common_mode', // correlated response failure: several versions, one wrong answer
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** Kinds that act on a version's result in the gateway rather than inside its worker. */
export const RESULT_FAULT_KINDS: ReadonlySet<FaultKind> = new Set(['wrong_value', 'bit_flip', 'common_mode']);

/** On which executions a fault fires (the fault classes: permanent, transient, intermittent). */
export type Activation =
  | { readonly mode: 'permanent' }
  | { readonly mode: 'transient'; readonly count: number }
  | { readonly mode: 'intermittent'; readonly probability: number };

/** A validated fault: every field checked against the methods and versions the gateway serves. */
export interface FaultSpec {
  readonly kind: FaultKind;
  readonly method: string;
  readonly versions: readonly string[];
  readonly activation: Activation;
  /** Extra latency of a `delay` fault; 0 for every other kind. */
  readonly delayMs: number;
  /** The fault ends this long after injection; 0 for never. */
  readonly durationMs: number;
  /** Decimal uint64: seeds activation draws and corruption, so that a campaign replays. */
  readonly seed: string;
}

/** One fault firing on one version for one call. */
export interface Injection {
  readonly faultId: string;
  readonly kind: FaultKind;
  readonly delayMs: number;
  /** Seeds the corruption of this call's result; shared by a common-mode fault's versions. */
  readonly corruptionSeed: string;
  /**
   * Planted by the call's own `x-nvote-fault` metadata: an experiment on this call, which always
   * happens. Otherwise a standing fault (FaultInjectionService), which stands for a broken version.
   */
  readonly perCall: boolean;
}
