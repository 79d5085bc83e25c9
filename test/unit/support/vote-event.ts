import type { VersionRecord, VoteEvent } from '../../../voter/pipeline/index.js';
import type { Decision } from '../../../voter/vote/index.js';
import type { Verdict } from '../../../voter/vote/ballot.js';
import { voteCall } from './vote-call.js';

export interface VoteEventOptions {
  readonly method?: string;
  readonly requestId?: string;
  readonly probe?: boolean;
  readonly request?: unknown;
  readonly endedEarly?: boolean;
  readonly decision?: Decision<unknown>;
  /** Each version's verdict; the rest of its record can be given in `records`. */
  readonly verdicts: Readonly<Record<string, Verdict>>;
  readonly records?: Readonly<Record<string, Partial<VersionRecord>>>;
}

/** A settled vote as observers see it, built from each version's verdict. */
export function voteEvent(options: VoteEventOptions): VoteEvent {
  const method = options.method ?? 'Sort';
  const requestId = options.requestId ?? 'req-1';
  const probe = options.probe ?? false;
  const agreeing = Object.values(options.verdicts).filter(verdict => verdict === 'agree').length;
  const decision: Decision<unknown> = options.decision ?? {
    outcome: agreeing === Object.keys(options.verdicts).length ? 'unanimous' : 'majority',
    answer: { kind: 'value', value: [1n, 2n, 3n] },
    winner: { kind: 'value', value: [1n, 2n, 3n] },
    agreeing,
  };
  return {
    method,
    requestId,
    probe,
    call: voteCall({ method, requestId, probe, ...(options.request === undefined ? {} : { request: options.request }) }),
    judge: { ballotOf: () => undefined, agree: () => false },
    end: {
      kind: 'recorded',
      record: {
        decision,
        endedEarly: options.endedEarly ?? false,
        versions: Object.entries(options.verdicts).map(([version, verdict]) => ({
          version,
          verdict,
          durationSeconds: 0.0125,
          ...options.records?.[version],
        })),
      },
    },
  };
}
