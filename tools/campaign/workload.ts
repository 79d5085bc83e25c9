import type { SeededRandom } from './seeded-random.js';

/** One generated request and its independently known answer. */
export interface CampaignCase<TRequest, TResponse> {
  readonly request: TRequest;
  /** The reference answer, as JSON-safe data (bigints as decimal strings), for the history. */
  readonly expected: unknown;
  /** True when the gateway's response is a right answer for the request. */
  isCorrect(response: TResponse): boolean;
  /** A large request asks for at least this deadline, whatever the campaign's own (ms). */
  readonly minDeadlineMs?: number;
}

/**
 * Requests for one RPC with their reference answers. The reference is computed by the campaign
 * itself (mostly by construction: the input is built from its answer) and never by the versions
 * or the gateway's voters, so a wrong vote cannot hide behind a matching oracle.
 */
export interface Workload<TRequest, TResponse> {
  /** The RPC name, as in the proto (`Sort`). */
  readonly method: string;
  generate(random: SeededRandom): CampaignCase<TRequest, TResponse>;
}

// The campaign drives methods without knowing their types; each workload file keeps them.
export type AnyWorkload = Workload<any, any>;
