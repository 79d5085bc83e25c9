import { createHash } from 'node:crypto';
import { JOURNAL_FORMAT, type JournalVersion, type JournalVoteLine, type OmittedValue } from '../../client/index.js';
import type { VersionRecord, VoteCall, VoteRecord } from '../pipeline/index.js';
import { isFailedVerdict } from './failed-verdict.js';
import { toJournalJson } from './to-journal-json.js';

// As the disagreement log: a reason, not a stack.
const MAX_DETAIL_CHARS = 200;

export interface VoteLineContext {
  readonly run: string;
  readonly seq: number;
  readonly time: Date;
  readonly maxInputBytes: number;
}

/** The journal line of one recorded client vote: its input, every version's answer or failure, the outcome. */
export function journalVoteLine(call: VoteCall, record: VoteRecord<unknown>, context: VoteLineContext): JournalVoteLine {
  const input = bounded(call.request, context.maxInputBytes);
  return {
    format: JOURNAL_FORMAT,
    kind: 'vote',
    run: context.run,
    seq: context.seq,
    requestId: call.requestId,
    time: context.time.toISOString(),
    method: call.method,
    ...('omitted' in input ? { inputOmitted: input.omitted } : { input: input.json }),
    outcome: record.endedEarly ? 'cancelled' : record.decision.outcome,
    agreeing: record.decision.agreeing,
    versions: record.versions.map(version => versionOf(version, 'answer' in record.decision, context.maxInputBytes)),
  };
}

function versionOf(record: VersionRecord, decided: boolean, maxBytes: number): JournalVersion {
  const output = record.ballot === undefined ? undefined : bounded(record.ballot, maxBytes);
  return {
    version: record.version,
    verdict: record.verdict,
    failed: isFailedVerdict(record.verdict, decided),
    ms: Math.round(record.durationSeconds * 1_000_000) / 1_000,
    ...(output === undefined ? {} : 'omitted' in output ? { outputOmitted: output.omitted } : { output: output.json }),
    ...(record.detail === undefined ? {} : { detail: record.detail.slice(0, MAX_DETAIL_CHARS) }),
    ...(record.injectedFault === undefined ? {} : { injectedFault: record.injectedFault }),
  };
}

/**
 * The value as JSON, or its size and hash when its JSON is larger than `maxBytes`: measured as
 * text because that is what the line holds. Building the text of a large input costs the event
 * loop time proportional to it, once per journaled (non-unanimous) vote.
 */
function bounded(value: unknown, maxBytes: number): { readonly json: unknown } | { readonly omitted: OmittedValue } {
  const json = toJournalJson(value);
  const text = JSON.stringify(json) ?? 'null';
  // Bytes are at least the characters: only a text near the limit needs counting exactly.
  if (text.length <= maxBytes / 3) return { json };
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return { json };
  return { omitted: { bytes, sha256: createHash('sha256').update(text).digest('hex') } };
}
