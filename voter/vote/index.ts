/** The pure vote: ballots in, decision out; the voters that say when two answers agree. */
export { VERDICTS, type Ballot, type Failure, type Settlement, type Verdict } from './ballot.js';
export { ballotsAgree, decide, majorityOf, verdictOf, type Decision } from './decide.js';
export { OUTCOMES, type Outcome } from './outcome.js';
export type { Voter } from './voter.js';
export { withinTolerance, type Tolerance } from './tolerance.js';
export { createExactVoter } from './exact-voter.js';
export { createToleranceVoter } from './tolerance-voter.js';
export { createShortestPathVoter } from './shortest-path-voter.js';
export { decideWeighted, type WeightedRule } from './decide-weighted.js';
