import type { JournalVoteLine } from '../../client/index.js';
import { Verdict, verdictToJSON, type VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';

/**
 * One version, then (in the journal) against now (the replay's report): `fixed` failed then and
 * agrees now, `still` fails again, `new` did not fail then and fails now, `ok` agreed both times,
 * `unknown` when now says nothing (still running when the answer went out, cancelled,
 * unconfirmed, or not run by this gateway).
 */
export type ReplayClass = 'fixed' | 'still' | 'new' | 'ok' | 'unknown';

export const REPLAY_CLASSES: readonly ReplayClass[] = ['fixed', 'still', 'new', 'ok', 'unknown'];

export interface VersionReplay {
  readonly version: string;
  readonly then: string;
  /** The verdict word now; undefined when the replayed gateway did not run this version. */
  readonly now: string | undefined;
  readonly class: ReplayClass;
}

type Reading = 'agree' | 'failed' | 'silent';
const FAILED_THEN: ReadonlySet<string> = new Set(['disagree', 'domain_error', 'error', 'timeout', 'crash']);

// Exhaustive over the wire enum, as the gateway's own mapping is: a new verdict fails to compile here.
const READING: Readonly<Record<Verdict, Reading>> = {
  [Verdict.VERDICT_UNSPECIFIED]: 'silent',
  [Verdict.VERDICT_AGREE]: 'agree',
  [Verdict.VERDICT_DISAGREE]: 'failed',
  [Verdict.VERDICT_DOMAIN_ERROR]: 'failed',
  [Verdict.VERDICT_ERROR]: 'failed',
  [Verdict.VERDICT_TIMEOUT]: 'failed',
  [Verdict.VERDICT_CRASH]: 'failed',
  [Verdict.VERDICT_PENDING]: 'silent',
  [Verdict.VERDICT_CANCELLED]: 'silent',
  [Verdict.VERDICT_UNCONFIRMED]: 'silent',
  [Verdict.UNRECOGNIZED]: 'silent',
};

/** Each version the journal names, judged then against now. Pure. */
export function classifyReplay(line: JournalVoteLine, report: VoteReport): VersionReplay[] {
  const now = new Map(report.versions.map(version => [version.version, version.verdict]));
  return line.versions.map(({ version, verdict }) => {
    // Any dissent then, even in a split with no winner: the replay is what tells whether it was wrong.
    const failed = FAILED_THEN.has(verdict);
    const current = now.get(version);
    const reading = current === undefined ? 'silent' : READING[current];
    return { version, then: verdict, now: current === undefined ? undefined : verdictWord(current), class: classOf(failed, reading) };
  });
}

function classOf(failedThen: boolean, now: Reading): ReplayClass {
  if (now === 'silent') return 'unknown';
  if (failedThen) return now === 'agree' ? 'fixed' : 'still';
  return now === 'failed' ? 'new' : 'ok';
}

/** `VERDICT_DOMAIN_ERROR` → `domain_error`, as the journal and the metrics spell it. */
export function verdictWord(verdict: Verdict): string {
  return verdictToJSON(verdict).replace(/^VERDICT_/, '').toLowerCase();
}
