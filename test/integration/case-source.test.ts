import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInlineCaseSource, type CaseSource } from '../../tools/campaign/case-source.js';
import { builtInWorkloads } from '../../tools/campaign/workloads/index.js';
import { buildIfStale, ROOT } from '../helpers/compiled.js';

// The threaded source runs its worker compiled, as the campaign does (Node 20 workers load no TypeScript).
beforeAll(buildIfStale, 150_000);

async function threaded(): Promise<CaseSource> {
  const module = (await import(join(ROOT, 'dist/tools/campaign/threaded-case-source.js'))) as {
    createThreadedCaseSource(): CaseSource;
  };
  return module.createThreadedCaseSource();
}

const sorted = (expected: unknown): { values: bigint[] } => ({ values: (expected as string[]).map(BigInt) });

describe('campaign case sources', () => {
  it('give the same case for the same key on the campaign thread and on the case worker, and judge it alike', async () => {
    const inline = createInlineCaseSource(builtInWorkloads);
    const worker = await threaded();
    try {
      for (const key of ['9/0', '9/1', '9/17', '3/probe/Sort']) {
        const [here, there] = await Promise.all([inline.prepare('Sort', key), worker.prepare('Sort', key)]);
        expect(there.request).toEqual(here.request);
        expect(there.expected).toEqual(here.expected);
        expect(await there.judge(sorted(there.expected))).toBe(true);
        expect(await here.judge(sorted(here.expected))).toBe(true);
      }
      const wrong = await worker.prepare('Sort', '9/2');
      expect(await wrong.judge({ values: [...sorted(wrong.expected).values, 1n] })).toBe(false);
      // No answer: the case is let go and judged wrong, and judging it again is an error.
      const unanswered = await worker.prepare('Sort', '9/3');
      expect(await unanswered.judge(undefined)).toBe(false);
      await expect(unanswered.judge(sorted(unanswered.expected))).rejects.toThrow(/not open/);
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('rejects an unknown method, and every request after close, with a clear error', async () => {
    const worker = await threaded();
    await expect(worker.prepare('Nope', '1/1')).rejects.toThrow(/no workload for Nope/);
    await worker.close();
    await expect(worker.prepare('Sort', '1/1')).rejects.toThrow(/closed/);
  }, 60_000);
});
