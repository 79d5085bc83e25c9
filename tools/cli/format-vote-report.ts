import { verdictToJSON, type VoteReport } from '../../voter/gen/nvote/v1/vote_report.js';

/** The vote, one line per version: what the gateway's report says, in readable form. */
export function formatVoteReport(report: VoteReport, outcome: string | undefined): string {
  const lines = [`vote: ${outcome ?? '?'}, ${report.agreeing} of ${report.configuredVersions} agree (request ${report.requestId})`];
  const width = Math.max(0, ...report.versions.map(v => v.version.length));
  for (const version of report.versions) {
    const verdict = verdictToJSON(version.verdict).replace('VERDICT_', '').toLowerCase();
    const notes = [version.domainReason, version.injectedFault === '' ? '' : `injected ${version.injectedFault}`].filter(note => note !== '');
    lines.push(
      `  ${version.version.padEnd(width)}  ${verdict.padEnd(12)} ${(version.durationSeconds * 1000).toFixed(1).padStart(8)} ms${notes.length > 0 ? `  ${notes.join(', ')}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
