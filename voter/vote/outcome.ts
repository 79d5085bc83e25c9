export type Outcome = 'unanimous' | 'majority' | 'no_majority' | 'quorum_lost';

export const OUTCOMES: readonly Outcome[] = ['unanimous', 'majority', 'no_majority', 'quorum_lost'];
