import { AttributeKey } from '../runners/index.js';

/**
 * Versions that sit a call out: they neither run nor vote, and the call's N is reduced by them.
 * Set by an interceptor (quarantine); conductVote honours it. Probes ignore it: a version out of
 * the vote is exactly the one whose known-answer results decide whether it comes back.
 */
export const STANDING_DOWN = new AttributeKey<ReadonlySet<string>>('nvote.pipeline.standing-down');

/**
 * This call's verdicts say nothing about the versions' health: a test planted faults on it alone
 * (`x-nvote-fault`). Not only the faulted versions' verdicts: the others are judged against a
 * vote those faults distorted (a healthy version outvoted by a planted common-mode pair is a
 * dissent). Set by fault injection, read by observers that keep scores, so that a campaign
 * measures masking, not how fast its own faults get a version quarantined.
 */
export const NOT_EVIDENCE = new AttributeKey<true>('nvote.pipeline.not-evidence');

/**
 * Decide only once every voting version has settled, never early: set by strict mode, which must
 * see every version's verdict before it lets an answer out.
 */
export const DECIDE_WHEN_ALL_SETTLED = new AttributeKey<true>('nvote.pipeline.decide-when-all-settled');
