import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../voter/runners/worker/classify-failure.js';

const live = new AbortController().signal;
const stoppedWith = (reason: string): AbortSignal => AbortSignal.abort(reason);
const fixture = (name: string): string => new URL(`../fixtures/versions/${name}.ts`, import.meta.url).href;

/** Pinned to the errors piscina and Node really produce, not to hand-made ones. */
describe('classifyFailure', () => {
  const run = async (name: string, options: { timeoutMs?: number; heapMb?: number } = {}): Promise<unknown> => {
    const pool = new Piscina({
      filename: fixture(name),
      minThreads: 1,
      maxThreads: 1,
      execArgv: ['--import', 'tsx'],
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? 64 },
    });
    pool.on('error', () => undefined);
    try {
      // The gateway stops a run out of budget with the reason 'timeout'.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort('timeout'), options.timeoutMs ?? 10_000);
      const { signal } = controller;
      return await pool.run({ values: [] }, { signal }).finally(() => clearTimeout(timer)).then(
        () => undefined,
        (error: unknown) => error,
      );
    } finally {
      await pool.destroy();
    }
  };

  it('calls a version exception an error', async () => {
    expect(classifyFailure(await run('throws'), live, false)).toBe('error');
  });
  it('calls process.exit in a version a crash', async () => {
    expect(classifyFailure(await run('exits'), live, false)).toBe('crash');
  });
  it('calls an exhausted heap a crash', async () => {
    expect(classifyFailure(await run('exhausts-memory', { heapMb: 32 }), live, false)).toBe('crash');
  });
  it('calls an aborted hung task a timeout, or cancelled when the gateway stopped it', async () => {
    const error = await run('hangs', { timeoutMs: 200 });
    expect(classifyFailure(error, stoppedWith('timeout'), false)).toBe('timeout');
    expect(classifyFailure(error, stoppedWith('cancelled'), false)).toBe('cancelled');
    // A run the pool ended because the gateway is closing it was stopped, not lost.
    expect(classifyFailure(error, live, true)).toBe('cancelled');
  });
});
