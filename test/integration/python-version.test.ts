import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoteEvent } from '../../voter/pipeline/index.js';
import { finalVotes } from '../helpers/final-votes.js';
import { call, errorInfoOf, reportOf, startGateway, type Gateway } from '../helpers/start-gateway.js';

const RUN = new URL('../../examples/python-sort/run.sh', import.meta.url).pathname;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** The example's Python server (Debian's python3-grpcio), on a port the OS picks. */
async function startPythonSort(): Promise<{ address: string; process: ChildProcess }> {
  const child = spawn(RUN, ['--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`python-sort exited (${String(code)}) before listening:\n${stderr}`);
  });
  const listening = once(lines, 'line').then(([line]) => /^listening on (\S+)$/.exec(String(line))?.[1]);
  const address = await Promise.race([listening, exited]);
  if (address === undefined) throw new Error(`python-sort printed something else first:\n${stderr}`);
  return { address, process: child };
}

const verdictsOf = (event: VoteEvent): Record<string, string> =>
  event.end.kind === 'recorded' ? Object.fromEntries(event.end.record.versions.map(version => [version.version, version.verdict])) : {};

describe('examples/python-sort: a Python version votes with two built-in versions', () => {
  let python: { address: string; process: ChildProcess };
  let gateway: Gateway;
  const votes = finalVotes();

  beforeAll(async () => {
    python = await startPythonSort();
    gateway = await startGateway({
      // A long grace, so that the Python version's own verdict is always in the final record,
      // however loaded the machine (a straggler stopped after the grace would read as a timeout).
      config: {
        stragglerGraceMs: 15_000,
        methods: { Sort: { versions: ['sort-merge', 'sort-heap', { id: 'sort-python', address: python.address }] } },
      },
      observers: [votes],
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    python?.process.kill('SIGTERM');
  });

  const sort = (values: bigint[]) => call(gateway.client.sort.bind(gateway.client), { values }, { deadlineMs: 10_000 });

  it('agrees with the built-in versions on the contract hardest valid inputs', async () => {
    const random = Array.from({ length: 100_000 }, (_, index) => BigInt.asIntN(64, BigInt(index) * 0x9e3779b97f4a7c15n));
    const cases = [[], [3n, 1n, 2n], [INT64_MAX, 0n, INT64_MIN, -1n, INT64_MAX, INT64_MIN], random];
    for (const values of cases) {
      const result = await sort(values);
      expect(result.error, `${values.length} values`).toBeUndefined();
      expect(result.response?.values).toEqual([...values].sort(ascending));
      const final = await votes.of(reportOf(result.trailers).requestId);
      expect(verdictsOf(final)).toEqual({ 'sort-merge': 'agree', 'sort-heap': 'agree', 'sort-python': 'agree' });
    }
  });

  it('votes its domain error like a built-in one', async () => {
    const result = await sort(Array.from({ length: 100_001 }, (_, index) => BigInt(index)));
    expect(result.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(errorInfoOf(result.error as never).reason).toBe('TOO_LARGE');
    expect(verdictsOf(await votes.of(reportOf(result.trailers).requestId))['sort-python']).toBe('agree');
  });

  it('is masked once the Python process is gone', async () => {
    python.process.kill('SIGKILL');
    await once(python.process, 'exit');
    const result = await sort([2n, 1n]);
    expect(result.response?.values).toEqual([1n, 2n]);
    expect(verdictsOf(await votes.of(reportOf(result.trailers).requestId))['sort-python']).toBe('crash');
  });
});
