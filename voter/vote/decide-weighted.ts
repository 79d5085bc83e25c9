import type { Ballot, Settlement } from './ballot.js';
import { ballotsAgree, compareBallots, majorityOf, representative, type Decision } from './decide.js';
import type { Voter } from './voter.js';

export interface WeightedRule {
  /** Each version's weight (its observed reliability as log-odds, 0 for one no better than chance). */
  readonly weightOf: (version: string) => number;
  /** Versions that must agree at the least, whatever the weights: the configured agreement rule. */
  readonly minAgreement: number;
}

/**
 * History-weighted majority (adaptive voting): an answer wins once at least `minAgreement`
 * versions gave it and their weights outweigh every other answer's plus every version still
 * running, so that no later settlement could overturn it. A version that failed abstains. With
 * `minAgreement` at a strict majority of N, this only ever refuses more than plain majority does
 * (a majority of unreliable versions against reliable ones); below it, reliable versions can
 * answer where unreliable ones are failing, but never fewer than `minAgreement` of them.
 * The result does not depend on the order of `settlements`.
 */
export function decideWeighted<TInput, TValue>(
  settlements: readonly Settlement<TValue>[],
  versions: readonly string[],
  voter: Voter<TInput, TValue>,
  rule: WeightedRule,
): Decision<TValue> | undefined {
  const configured = versions.length;
  const settled = new Set(settlements.map(settlement => settlement.version));
  const pending = versions.filter(version => !settled.has(version));
  const pendingWeight = pending.reduce((sum, version) => sum + rule.weightOf(version), 0);
  const ballots: { version: string; ballot: Ballot<TValue> }[] = [];
  let answered = 0;
  for (const settlement of settlements) {
    if (settlement.status !== 'ballot') continue;
    answered++;
    if (settlement.valid) ballots.push({ version: settlement.version, ballot: settlement.ballot });
  }
  // An answer the voter refused weighs against every candidate: its version did answer, wrongly.
  const refusedWeight = settlements
    .filter(settlement => settlement.status === 'ballot' && !settlement.valid)
    .reduce((sum, settlement) => sum + rule.weightOf(settlement.version), 0);
  const totalAnswered = ballots.reduce((sum, entry) => sum + rule.weightOf(entry.version), 0) + refusedWeight;

  let winner: Ballot<TValue> | undefined;
  let best = 0;
  let bestWeight = -1;
  let open = pending.length >= rule.minAgreement && pendingWeight > totalAnswered;
  for (const candidate of ballots) {
    const group = ballots.filter(other => ballotsAgree(candidate.ballot, other.ballot, voter));
    const weight = group.reduce((sum, entry) => sum + rule.weightOf(entry.version), 0);
    const against = totalAnswered - weight;
    if (group.length >= rule.minAgreement && weight > against + pendingWeight) {
      if (winner === undefined || weight > bestWeight || (weight === bestWeight && compareBallots(candidate.ballot, winner, voter) < 0)) {
        winner = candidate.ballot;
        best = group.length;
        bestWeight = weight;
      }
    } else if (group.length + pending.length >= rule.minAgreement && weight + pendingWeight > against) {
      open = true;
    }
  }
  if (winner !== undefined) {
    const agreeing = ballots.filter(entry => ballotsAgree(winner, entry.ballot, voter)).map(entry => entry.ballot);
    const outcome = best === configured ? 'unanimous' : best >= majorityOf(configured) ? 'majority' : 'weighted_majority';
    return { outcome, answer: representative(winner, agreeing, voter), winner, agreeing: best };
  }
  if (open) return undefined;
  const largest = Math.max(0, ...ballots.map(entry => ballots.filter(other => ballotsAgree(entry.ballot, other.ballot, voter)).length));
  const outcome = answered + pending.length < rule.minAgreement ? 'quorum_lost' : 'no_majority';
  return { outcome, agreeing: largest, ballots: ballots.length };
}
