import { NvoteError } from '../errors.js';
import { DECIDE_WHEN_ALL_SETTLED, type VoteInterceptor } from '../pipeline/index.js';

/** The metadata that asks for strict mode on one call: `x-nvote-strict: 1`. */
export const STRICT_HEADER = 'x-nvote-strict';

/**
 * Strict mode, for test environments where every disagreement must fail loudly: the vote waits
 * for every voting version, and an answer any of them did not agree with becomes an explicit
 * DISSENT error (the vote report still says who and how). Per method by configuration, or per
 * call by metadata. Shadows are not judged: they do not vote.
 */
export function createStrictMode(strictMethods: ReadonlySet<string>): VoteInterceptor {
  return {
    name: 'strict-mode',
    async intercept(call, next) {
      if (call.probe || !(strictMethods.has(call.method) || call.header(STRICT_HEADER).includes('1'))) return next(call);
      call.attributes.set(DECIDE_WHEN_ALL_SETTLED, true);
      const record = await next(call);
      if (!('answer' in record.decision)) return record;
      const dissent = record.versions.filter(version => version.shadow !== true && version.verdict !== 'agree');
      if (dissent.length === 0) return record;
      const who = dissent.map(version => `${version.version} ${version.verdict}`).join(', ');
      return { ...record, vetoed: new NvoteError('DISSENT', `${call.method}: strict mode: not every version agreed (${who})`) };
    },
  };
}
