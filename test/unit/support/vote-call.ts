import type { VoteCall, VoteCallInit } from '../../../voter/pipeline/vote-call.js';
import { createCallAttributes } from '../../../voter/runners/call-attributes.js';

/** What the edge would hand the pipeline for one client call; `signal` is the test's to abort. */
export function callInit(overrides: Partial<VoteCallInit> = {}): VoteCallInit {
  return {
    method: 'Sort',
    requestId: 'req-1',
    input: { values: [3, 1, 2] },
    request: { values: ['3', '1', '2'] },
    inputBytes: 9,
    budgetMs: 1_000,
    signal: new AbortController().signal,
    probe: false,
    header: () => [],
    ...overrides,
  };
}

/** A call as the pipeline would give it to the vote, without the pipeline. */
export function voteCall(overrides: Partial<VoteCallInit> = {}): VoteCall {
  return {
    ...callInit(overrides),
    attributes: createCallAttributes(),
    annotations: new Map(),
    onSettled: () => undefined,
  };
}
