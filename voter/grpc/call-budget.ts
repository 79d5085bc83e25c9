import type { Deadline } from '@grpc/grpc-js';

export interface BudgetPolicy {
  readonly defaultTimeoutMs: number;
  readonly maxTimeoutMs: number;
  readonly deadlineMarginMs: number;
}

/**
 * Each version's time budget: what the client's deadline leaves, less a margin so that the vote
 * can still answer with an explicit outcome before the deadline; the default without a deadline.
 */
export function callBudgetMs(deadline: Deadline, policy: BudgetPolicy, now: number = Date.now()): number {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(at)) return policy.defaultTimeoutMs;
  const remaining = at - now - policy.deadlineMarginMs;
  return Math.max(0, Math.min(policy.maxTimeoutMs, remaining));
}
