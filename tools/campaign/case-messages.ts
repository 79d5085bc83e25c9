/** What the campaign's thread and its case worker say to each other (case-worker.ts). */
export type CaseRequest =
  | { readonly kind: 'prepare'; readonly id: number; readonly method: string; readonly key: string }
  | { readonly kind: 'judge'; readonly id: number; readonly case: number; readonly response: unknown };

export type CaseReply =
  | { readonly id: number; readonly request: unknown; readonly expected: unknown; readonly minDeadlineMs?: number }
  | { readonly id: number; readonly correct: boolean }
  | { readonly id: number; readonly error: string };
