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

/** True when the verdict says the version failed on the call (a wrong or missing answer). */
export function isFailedVerdict(verdict: Verdict): boolean {
  return FAILED[verdict];
}
