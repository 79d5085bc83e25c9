import type { Verdict } from '../vote/index.js';

// Exhaustive, so that a new verdict fails to compile until someone says whether it is a failure.
// `cancelled`, `pending` and `unconfirmed` say nothing about the version's answer (as for health).
const FAILED: Readonly<Record<Verdict, boolean>> = {
  agree: false,
  disagree: true,
  domain_error: true,
  error: true,
  timeout: true,
  crash: true,
  cancelled: false,
  pending: false,
  unconfirmed: false,
};

// A dissent is relative to the vote: only against an answer that won does it say the version was
// wrong. In a split with no winner (two against two, say) it says nothing about which side was.
const RELATIVE: ReadonlySet<Verdict> = new Set<Verdict>(['disagree', 'domain_error']);

/**
 * True when the verdict says the version failed on the call: an error, a timeout or a crash
 * always; a dissent only when an answer won (`decided`), so that the right side of a split is
 * never counted as failing with the wrong one.
 */
export function isFailedVerdict(verdict: Verdict, decided = true): boolean {
  return FAILED[verdict] && (decided || !RELATIVE.has(verdict));
}
