import type { FaultDraft } from './validate-fault.js';

/**
 * Reads the per-call fault header, in the spirit of Envoy's `x-envoy-fault-*` headers:
 *
 *     x-nvote-fault: <kind> <version>[,<version>...] [delay_ms=<n>] [seed=<n>]
 *
 * Several faults go in several headers, or in one separated by `;`. HTTP/2 may join repeated
 * headers with ", ", so a comma followed by a space separates faults too (versions are listed
 * with bare commas). A per-call fault fires on that call only, so it has no activation.
 */
export const FAULT_HEADER = 'x-nvote-fault';

/** More faults than this on one call is a mistake, not a test. */
export const MAX_FAULTS_PER_CALL = 16;

export type HeaderParse =
  | { readonly ok: true; readonly drafts: readonly FaultDraft[] }
  | { readonly ok: false; readonly problems: readonly string[] };

export function parseFaultHeader(values: readonly string[]): HeaderParse {
  const entries = values.flatMap(value => value.split(/;|,\s+/)).map(entry => entry.trim()).filter(entry => entry !== '');
  if (entries.length > MAX_FAULTS_PER_CALL) {
    return { ok: false, problems: [`${FAULT_HEADER}: ${entries.length} faults on one call; at most ${MAX_FAULTS_PER_CALL}`] };
  }
  const problems: string[] = [];
  const drafts: FaultDraft[] = [];
  for (const [index, entry] of entries.entries()) {
    const where = `${FAULT_HEADER}[${index}]`;
    const [kind, versions, ...options] = entry.split(/\s+/);
    if (kind === undefined || versions === undefined) {
      problems.push(`${where}: "${entry}" is not "<kind> <version>[,<version>...] [delay_ms=<n>] [seed=<n>]"`);
      continue;
    }
    const draft: { -readonly [K in keyof FaultDraft]: FaultDraft[K] } = { kind, versions: versions.split(',') };
    for (const option of options) {
      const match = /^(delay_ms|seed)=(\d{1,20})$/.exec(option);
      if (match === null) {
        problems.push(`${where}: option "${option}" is not delay_ms=<n> or seed=<n> (non-negative integers)`);
      } else if (match[1] === 'delay_ms') {
        draft.delayMs = Number(match[2]);
      } else {
        draft.seed = BigInt(match[2] as string);
      }
    }
    drafts.push(draft);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, drafts };
}
