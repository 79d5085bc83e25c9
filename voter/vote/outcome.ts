/**
 * How a vote ended. `weighted_majority` only with history-weighted voting: fewer than a strict
 * majority of N agreed, but at least the method's minimum agreement did, and their weights
 * (observed reliability) outweighed every other answer and every version still running.
 */
export type Outcome = 'unanimous' | 'majority' | 'weighted_majority' | 'no_majority' | 'quorum_lost';

export const OUTCOMES: readonly Outcome[] = ['unanimous', 'majority', 'weighted_majority', 'no_majority', 'quorum_lost'];
