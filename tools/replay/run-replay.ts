import { outcomeToJSON, type Outcome } from '../../voter/gen/nvote/v1/vote_report.js';
import { classifyReplay, REPLAY_CLASSES, type ReplayClass, type VersionReplay } from './classify-replay.js';
import type { JournalRead } from './read-journal.js';
import type { ReplayTarget } from './replay-target.js';

/** `replayed` got a vote report; `unreplayable` could not be sent; `unanswered` was sent and got no vote. */
export type EntryStatus = 'replayed' | 'unreplayable' | 'unanswered';

export interface EntryReplay {
  readonly file: string;
  readonly lineNumber: number;
  readonly run: string;
  readonly seq: number;
  readonly requestId: string;
  readonly method: string;
  readonly status: EntryStatus;
  /** Why it was not replayed, or the status of a call that got no vote. */
  readonly reason?: string;
  readonly outcomeThen: string;
  readonly outcomeNow?: string;
  readonly attempts: number;
  readonly versions: readonly VersionReplay[];
}

export type MethodTotals = { readonly method: string; readonly entries: number } & Readonly<Record<EntryStatus | ReplayClass, number>>;

export interface ReplayResult {
  readonly entries: readonly EntryReplay[];
  readonly totals: readonly MethodTotals[];
}

export interface ReplayOptions {
  /** Sends per entry at most, while a version it judges says nothing yet (pending, cancelled) or no vote came back. */
  readonly attempts: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Re-sends every replayable journaled vote, one at a time (a replay measures versions, not the
 * gateway under load), and judges each version then against now.
 */
export async function runReplay(read: JournalRead, target: ReplayTarget, options: ReplayOptions): Promise<ReplayResult> {
  const entries: EntryReplay[] = [];
  for (const [index, { file, lineNumber, line }] of read.votes.entries()) {
    const base = { file, lineNumber, run: line.run, seq: line.seq, requestId: line.requestId, method: line.method, outcomeThen: line.outcome };
    if (line.input === undefined) {
      const size = line.inputOmitted === undefined ? 'no input recorded' : `input of ${line.inputOmitted.bytes} bytes omitted (sha256 ${line.inputOmitted.sha256})`;
      entries.push({ ...base, status: 'unreplayable', reason: size, attempts: 0, versions: [] });
    } else {
      entries.push(await replayOne(base, line, target, options.attempts));
    }
    options.onProgress?.(index + 1, read.votes.length);
  }
  return { entries, totals: totalsOf(entries) };
}

async function replayOne(
  base: Omit<EntryReplay, 'status' | 'attempts' | 'versions'>,
  line: JournalRead['votes'][number]['line'],
  target: ReplayTarget,
  attempts: number,
): Promise<EntryReplay> {
  let last: EntryReplay | undefined;
  // Each version's first verdict over the attempts: every attempt votes on the same input.
  const judged = new Map<string, VersionReplay>();
  const failedThen = new Set(line.versions.filter(version => version.failed).map(version => version.version));
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const result = await target.send(line.method, line.input, `replay-${line.requestId}-${attempt}`);
    if (result.kind === 'unencodable') return { ...base, status: 'unreplayable', reason: result.reason, attempts: attempt, versions: [] };
    if (result.report === undefined) {
      if (last?.status !== 'replayed') last = { ...base, status: 'unanswered', reason: `status ${result.code}: ${result.details}`, attempts: attempt, versions: [] };
      continue;
    }
    for (const version of classifyReplay(line, result.report)) {
      if (judged.get(version.version)?.class === undefined || judged.get(version.version)?.class === 'unknown') judged.set(version.version, version);
    }
    const versions = line.versions.flatMap(({ version }) => judged.get(version) ?? []);
    last = { ...base, status: 'replayed', outcomeNow: outcomeWord(result.report.outcome), attempts: attempt, versions };
    // A version that failed then and was still running when the answer went out said nothing:
    // ask again rather than guess. A healthy straggler (pending in most early majorities) does
    // not make an entry worth sending again.
    if (!versions.some(version => version.class === 'unknown' && version.now !== undefined && failedThen.has(version.version))) return last;
  }
  return last as EntryReplay;
}

/** `OUTCOME_NO_MAJORITY` → `no_majority`, the word of the `nvote-outcome` trailer. */
function outcomeWord(outcome: Outcome): string {
  return outcomeToJSON(outcome).replace(/^OUTCOME_/, '').toLowerCase();
}

function totalsOf(entries: readonly EntryReplay[]): MethodTotals[] {
  const totals = new Map<string, Record<string, number>>();
  for (const entry of entries) {
    const counts =
      totals.get(entry.method) ?? Object.fromEntries(['entries', 'replayed', 'unreplayable', 'unanswered', ...REPLAY_CLASSES].map(key => [key, 0]));
    counts['entries'] = (counts['entries'] ?? 0) + 1;
    counts[entry.status] = (counts[entry.status] ?? 0) + 1;
    for (const version of entry.versions) counts[version.class] = (counts[version.class] ?? 0) + 1;
    totals.set(entry.method, counts);
  }
  return [...totals].map(([method, counts]) => ({ method, ...counts }) as MethodTotals);
}
