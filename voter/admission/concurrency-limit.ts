/**
 * How many voted calls may be in flight at once, learned from how the admitted ones fare: a slow
 * start, then additive increase and multiplicative decrease (as TCP's congestion window, and
 * Netflix's concurrency-limits for servers). Admission's estimates of queues and backlog come from
 * calls already timed; this bounds what they cannot see: a cold gateway whose first calls, faults
 * and worker restarts cost many times what the calls before them did.
 */
export interface ConcurrencyLimit {
  /** Calls that may be in flight now. */
  readonly current: number;
  /** A call was decided, having used `budgetShare` of its budget (0: at once, 1: all of it). */
  decided(budgetShare: number): void;
}

export interface ConcurrencyLimitOptions {
  /** Where it starts, and the least it falls to. */
  readonly initial: number;
  /** The most it grows to. */
  readonly max: number;
}

// A call decided after this share of its budget was late: a healthy version beside it was then
// close to missing the budget, and one more fault would have cost the call its majority.
const LATE_SHARE = 0.5;
const DECREASE = 0.5;

export function createConcurrencyLimit(options: ConcurrencyLimitOptions): ConcurrencyLimit {
  const floor = Math.min(options.initial, options.max);
  let limit = floor;
  return {
    get current() {
      return Math.floor(limit);
    },
    decided(budgetShare) {
      // Growing by one per call in time doubles the limit with every round of calls (the slow
      // start), so a warm gateway reaches the configured bound within a few hundred calls.
      limit = budgetShare > LATE_SHARE ? Math.max(floor, limit * DECREASE) : Math.min(options.max, limit + 1);
    },
  };
}
