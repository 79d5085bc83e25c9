import type { AnyWorkload } from './workload.js';
import { seededRandom } from './seeded-random.js';

/** A generated request, its reference answer, and the oracle that judges a response to it. */
export interface PreparedCase {
  readonly request: unknown;
  /** The reference answer, as JSON-safe data, for the history. */
  readonly expected: unknown;
  /** A large request asks for at least this deadline, whatever the campaign's own (ms). */
  readonly minDeadlineMs?: number;
  /**
   * True when `response` is a right answer. Call it exactly once, with undefined when the call
   * got no answer: the case (its oracle can hold a large input) is then let go.
   */
  judge(response: unknown): Promise<boolean>;
}

/**
 * Where a campaign's cases come from. `key` seeds the case: the same key gives the same request
 * in any order and on any thread.
 */
export interface CaseSource {
  readonly methods: readonly string[];
  prepare(method: string, key: string): Promise<PreparedCase>;
  close(): Promise<void>;
}

/** Cases generated on the caller's own thread: for small workloads (tests) and one-off probes. */
export function createInlineCaseSource(workloads: readonly AnyWorkload[]): CaseSource {
  return {
    methods: workloads.map(workload => workload.method),
    prepare(method, key) {
      const workload = workloads.find(candidate => candidate.method === method);
      if (workload === undefined) return Promise.reject(new Error(`no workload for ${method}`));
      const testCase = workload.generate(seededRandom(key));
      return Promise.resolve({
        request: testCase.request,
        expected: testCase.expected,
        ...(testCase.minDeadlineMs === undefined ? {} : { minDeadlineMs: testCase.minDeadlineMs }),
        judge: response => Promise.resolve(response !== undefined && testCase.isCorrect(response)),
      });
    },
    close: () => Promise.resolve(),
  };
}
