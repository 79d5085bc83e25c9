import type { VoteCall } from './vote-call.js';
import type { VoteRecord } from './vote-record.js';

/** The rest of the pipeline: the inner interceptors, then the versions and the vote. */
export type VoteNext = (call: VoteCall) => Promise<VoteRecord<unknown>>;

/**
 * Code around a vote: it may refuse the call (throw an NvoteError), prepare per-call state for
 * its runner decorator or observer (`call.attributes`), hold a resource until the versions have
 * settled (`call.onSettled`), or look at the decided record on its way out.
 */
export interface VoteInterceptor {
  readonly name: string;
  intercept(call: VoteCall, next: VoteNext): Promise<VoteRecord<unknown>>;
}
