import type { Ballot, Settlement, Verdict } from './ballot.js';
import type { Outcome } from './outcome.js';
import type { Voter } from './voter.js';

export type Decision<TValue> =
  | {
      readonly outcome: Extract<Outcome, 'unanimous' | 'majority' | 'weighted_majority'>;
      /** The answer to return (for tolerance voters, a median of the agreeing values). */
      readonly answer: Ballot<TValue>;
      /** The ballot the agreeing group formed around; verdicts are judged against it. */
      readonly winner: Ballot<TValue>;
      readonly agreeing: number;
    }
  | {
      readonly outcome: Extract<Outcome, 'no_majority' | 'quorum_lost'>;
      readonly agreeing: number;
      /**
       * The ballot of the largest group that agreed, when at least two did: too few to win, but
       * the versions in it did agree with each other, and verdicts say so.
       */
      readonly leader?: Ballot<TValue>;
      /** Valid ballots the settlements held; with one, nothing confirmed or contradicted it. */
      readonly ballots: number;
    };

/** A strict majority of the configured N, never of those that happened to answer. */
export function majorityOf(configured: number): number {
  return Math.floor(configured / 2) + 1;
}

/**
 * Decides as early as the settlements allow: an answer once a strict majority of the configured
 * versions agree, a failure once no answer can reach that majority whatever the pending versions
 * do, and `undefined` while it is still open. The result does not depend on the order of
 * `settlements`.
 */
export function decide<TInput, TValue>(
  settlements: readonly Settlement<TValue>[],
  configured: number,
  voter: Voter<TInput, TValue>,
): Decision<TValue> | undefined {
  const needed = majorityOf(configured);
  const pending = configured - settlements.length;
  const ballots: Ballot<TValue>[] = [];
  let answered = 0;
  for (const settlement of settlements) {
    if (settlement.status !== 'ballot') continue;
    answered++;
    if (settlement.valid) ballots.push(settlement.ballot);
  }

  let winner: Ballot<TValue> | undefined;
  let best = 0;
  for (const candidate of ballots) {
    const support = ballots.filter(other => ballotsAgree(candidate, other, voter)).length;
    if (support > best || (support === best && winner !== undefined && compareBallots(candidate, winner, voter) < 0)) {
      best = support;
      winner = candidate;
    }
  }

  if (winner !== undefined && best >= needed) {
    const group = ballots.filter(other => ballotsAgree(winner, other, voter));
    return {
      outcome: best === configured ? 'unanimous' : 'majority',
      answer: representative(winner, group, voter),
      winner,
      agreeing: best,
    };
  }
  // An unseen answer could still win only with the pending versions alone.
  if (best + pending >= needed) return undefined;
  const outcome = answered + pending < needed ? 'quorum_lost' : 'no_majority';
  return winner !== undefined && best >= 2
    ? { outcome, agreeing: best, leader: winner, ballots: ballots.length }
    : { outcome, agreeing: best, ballots: ballots.length };
}

/**
 * How a version's settlement (or its absence) relates to the decision: judged against the winning
 * ballot, or, when none won, against the largest group that agreed (see `leader`).
 */
export function verdictOf<TInput, TValue>(
  settlement: Settlement<TValue> | undefined,
  decision: Decision<TValue>,
  voter: Voter<TInput, TValue>,
): Verdict {
  if (settlement === undefined) return 'pending';
  if (settlement.status === 'failed') return settlement.failure;
  const reference = 'winner' in decision ? decision.winner : decision.leader;
  // The only answer of a lost quorum contradicted nobody: calling it a dissent would charge a
  // version whose peers failed (under overload, often a healthy one) with a wrong answer.
  if (reference === undefined && settlement.valid && !('winner' in decision) && decision.ballots === 1) return 'unconfirmed';
  const agrees = settlement.valid && reference !== undefined && ballotsAgree(reference, settlement.ballot, voter);
  if (agrees) return 'agree';
  return settlement.ballot.kind === 'domain_error' ? 'domain_error' : 'disagree';
}

export function ballotsAgree<TInput, TValue>(
  a: Ballot<TValue>,
  b: Ballot<TValue>,
  voter: Voter<TInput, TValue>,
): boolean {
  if (a.kind === 'value' && b.kind === 'value') return voter.agree(a.value, b.value);
  return a.kind === 'domain_error' && b.kind === 'domain_error' && a.reason === b.reason;
}

export function compareBallots<TInput, TValue>(a: Ballot<TValue>, b: Ballot<TValue>, voter: Voter<TInput, TValue>): number {
  if (a.kind === 'domain_error' && b.kind === 'domain_error') {
    return a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0;
  }
  if (a.kind === 'domain_error') return -1;
  if (b.kind === 'domain_error') return 1;
  return voter.compare(a.value, b.value);
}

export function representative<TInput, TValue>(
  winner: Ballot<TValue>,
  group: readonly Ballot<TValue>[],
  voter: Voter<TInput, TValue>,
): Ballot<TValue> {
  if (winner.kind === 'domain_error') return winner;
  const values = group.flatMap(ballot => (ballot.kind === 'value' ? [ballot.value] : []));
  return { kind: 'value', value: voter.pick(values) };
}
