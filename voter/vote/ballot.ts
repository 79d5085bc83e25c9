/** One version's answer to one request: a value, or a domain error (rejected input). */
export type Ballot<TValue> =
  | { readonly kind: 'value'; readonly value: TValue }
  | { readonly kind: 'domain_error'; readonly reason: string };

/** How a version failed to produce a ballot (the runner's failure). Failures are never votes. */
export type Failure = 'error' | 'timeout' | 'crash' | 'cancelled';

/** What became of one version's task. `ballot` with `valid: false` is an answer the voter rejected. */
export type Settlement<TValue> =
  | { readonly version: string; readonly status: 'ballot'; readonly ballot: Ballot<TValue>; readonly valid: boolean }
  | { readonly version: string; readonly status: 'failed'; readonly failure: Failure };

/** How one version's settlement related to the decision (VoteReport.Verdict). */
export type Verdict =
  | 'agree'
  | 'disagree'
  | 'domain_error'
  | 'error'
  | 'timeout'
  | 'crash'
  | 'cancelled'
  | 'pending'
  | 'unconfirmed';

export const VERDICTS: readonly Verdict[] = [
  'agree',
  'disagree',
  'domain_error',
  'error',
  'timeout',
  'crash',
  'cancelled',
  'pending',
  'unconfirmed',
];
