import { JOURNAL_FORMAT, type JournalLine, type JournalVersion, type OmittedValue } from './journal-line.js';

/** A journal line read back: the line, or why it is not one (a reader reports it and reads on). */
export type ParsedJournalLine = { readonly ok: true; readonly line: JournalLine } | { readonly ok: false; readonly reason: string };

/**
 * Checks one line of text against the journal format. A torn last line (a crash mid-write), a
 * line of another format or a hand edit must cost a reader that line only, never the journal.
 */
export function parseJournalLine(text: string): ParsedJournalLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  try {
    return { ok: true, line: lineOf(value) };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, reason: error.message };
    throw error;
  }
}

class ShapeError extends Error {}

type Fields = Readonly<Record<string, unknown>>;

function objectOf(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(`${what} is not an object`);
  return value as Fields;
}

function stringOf(fields: Fields, name: string, what: string): string {
  const value = fields[name];
  if (typeof value !== 'string') throw new ShapeError(`${what}.${name} is not a string`);
  return value;
}

function countOf(fields: Fields, name: string, what: string): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ShapeError(`${what}.${name} is not a count`);
  return value;
}

function lineOf(value: unknown): JournalLine {
  const fields = objectOf(value, 'the line');
  if (fields['format'] !== JOURNAL_FORMAT) throw new ShapeError(`format is not "${JOURNAL_FORMAT}"`);
  const run = stringOf(fields, 'run', 'line');
  const time = stringOf(fields, 'time', 'line');
  if (fields['kind'] === 'counts') {
    const votes = objectOf(fields['votes'], 'line.votes');
    for (const method of Object.keys(votes)) countOf(votes, method, 'line.votes');
    return { format: JOURNAL_FORMAT, kind: 'counts', run, time, votes: votes as Record<string, number> };
  }
  if (fields['kind'] !== 'vote') throw new ShapeError('kind is neither "vote" nor "counts"');
  const seq = countOf(fields, 'seq', 'line');
  if (seq < 1) throw new ShapeError('line.seq is below 1');
  const versions = fields['versions'];
  if (!Array.isArray(versions) || versions.length === 0) throw new ShapeError('line.versions is not a non-empty array');
  const inputOmitted = fields['inputOmitted'] === undefined ? undefined : omittedOf(fields['inputOmitted'], 'line.inputOmitted');
  return {
    format: JOURNAL_FORMAT,
    kind: 'vote',
    run,
    seq,
    requestId: stringOf(fields, 'requestId', 'line'),
    time,
    method: stringOf(fields, 'method', 'line'),
    ...(fields['input'] === undefined ? {} : { input: fields['input'] }),
    ...(inputOmitted === undefined ? {} : { inputOmitted }),
    outcome: stringOf(fields, 'outcome', 'line'),
    agreeing: countOf(fields, 'agreeing', 'line'),
    versions: versions.map((entry, index) => versionOf(entry, `line.versions[${index}]`)),
  };
}

function versionOf(value: unknown, what: string): JournalVersion {
  const fields = objectOf(value, what);
  const failed = fields['failed'];
  if (typeof failed !== 'boolean') throw new ShapeError(`${what}.failed is not a boolean`);
  const ms = fields['ms'];
  if (typeof ms !== 'number' || !(ms >= 0)) throw new ShapeError(`${what}.ms is not a duration`);
  const optionalString = (name: string): Record<string, string> => {
    if (fields[name] === undefined) return {};
    return { [name]: stringOf(fields, name, what) };
  };
  return {
    version: stringOf(fields, 'version', what),
    verdict: stringOf(fields, 'verdict', what),
    failed,
    ms,
    ...(fields['output'] === undefined ? {} : { output: fields['output'] }),
    ...(fields['outputOmitted'] === undefined ? {} : { outputOmitted: omittedOf(fields['outputOmitted'], `${what}.outputOmitted`) }),
    ...optionalString('detail'),
    ...optionalString('injectedFault'),
  };
}

function omittedOf(value: unknown, what: string): OmittedValue {
  const fields = objectOf(value, what);
  const sha256 = stringOf(fields, 'sha256', what);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new ShapeError(`${what}.sha256 is not a SHA-256 in hex`);
  return { bytes: countOf(fields, 'bytes', what), sha256 };
}
