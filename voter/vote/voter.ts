/**
 * A voter decides when two answers count as the same vote and which answer to return from a
 * group that agrees. Voters are pure: the same ballots give the same answer in any order.
 */
export interface Voter<TInput, TValue> {
  /** False for an answer that cannot be right for this input (for example a path over a missing edge). */
  isAcceptable(value: TValue, input: TInput): boolean;
  /** True when two answers count as one vote. Reflexive and symmetric; not necessarily transitive. */
  agree(a: TValue, b: TValue): boolean;
  /** A total order over answers, used only to break ties deterministically. */
  compare(a: TValue, b: TValue): number;
  /** The answer returned for a group that agrees; must not depend on the group's order. */
  pick(agreeing: readonly TValue[]): TValue;
}
