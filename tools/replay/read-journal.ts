import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseJournalLine, type JournalCountsLine, type JournalVoteLine } from '../../client/index.js';

/** Where a line was read: for reports that point a reader at it. */
export interface LinePlace {
  readonly file: string;
  /** From 1. */
  readonly lineNumber: number;
}

export interface JournalRead {
  /** Oldest first. */
  readonly files: readonly string[];
  readonly votes: readonly (LinePlace & { readonly line: JournalVoteLine })[];
  readonly counts: readonly (LinePlace & { readonly line: JournalCountsLine })[];
  readonly malformed: readonly (LinePlace & { readonly reason: string })[];
}

/** The live file alone, or with `all` its rotated files too, oldest (path.N) first. */
export function journalFiles(path: string, all: boolean): string[] {
  const files = [path];
  if (!all) return files;
  for (let index = 1; existsSync(`${path}.${index}`); index++) files.unshift(`${path}.${index}`);
  return files;
}

/**
 * Reads the files line by line (a journal can be far larger than a string may be). A line that
 * is not a journal line is set aside with where it was and why; only a file that cannot be read
 * at all rejects.
 */
export async function readJournal(files: readonly string[]): Promise<JournalRead> {
  const votes: (LinePlace & { line: JournalVoteLine })[] = [];
  const counts: (LinePlace & { line: JournalCountsLine })[] = [];
  const malformed: (LinePlace & { reason: string })[] = [];
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const text of lines) {
      lineNumber++;
      if (text.trim() === '') continue;
      const parsed = parseJournalLine(text);
      if (!parsed.ok) malformed.push({ file, lineNumber, reason: parsed.reason });
      else if (parsed.line.kind === 'vote') votes.push({ file, lineNumber, line: parsed.line });
      else counts.push({ file, lineNumber, line: parsed.line });
    }
  }
  return { files, votes, counts, malformed };
}
