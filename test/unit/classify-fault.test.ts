import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { classifyFault } from '../../voter/dispatch/classify-fault.js';

const fixture = (name: string): string => new URL(`../fixtures/versions/${name}.ts`, import.meta.url).href;

/** Pinned to the errors piscina and Node really produce, not to hand-made ones. */
describe('classifyFault', () => {
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
      const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
      return await pool.run({ values: [] }, { signal }).then(
        () => undefined,
        (error: unknown) => error,
      );
    } finally {
      await pool.destroy();
    }
  };

  it('calls a version exception an error', async () => {
    expect(classifyFault(await run('throws'), false)).toBe('error');
  });
  it('calls process.exit in a version a crash', async () => {
    expect(classifyFault(await run('exits'), false)).toBe('crash');
  });
  it('calls an exhausted heap a crash', async () => {
    expect(classifyFault(await run('exhausts-memory', { heapMb: 32 }), false)).toBe('crash');
  });
  it('calls an aborted hung task a timeout, or cancelled when the gateway stopped it', async () => {
    const error = await run('hangs', { timeoutMs: 200 });
    expect(classifyFault(error, false)).toBe('timeout');
    expect(classifyFault(error, true)).toBe('cancelled');
  });
});
