import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCheckpointer, readStateFile, type CheckpointEvent, type CheckpointerOptions, type WriteState, type WrittenState } from '../../voter/state/index.js';

const INTERVAL_MS = 1_000;
const PATH = '/nonexistent/state.json';
const IDENTITY = 'test-identity';

interface HeldWrite {
  readonly payload: unknown;
  succeed(): void;
  fail(error: Error): void;
}

/** A write that completes only when the test says so, so that overlap can be seen. */
function heldWrites() {
  const writes: HeldWrite[] = [];
  const write: WriteState = (path, payload) =>
    new Promise<WrittenState>((resolve, reject) => {
      writes.push({ payload, succeed: () => resolve({ path, bytes: 10, writtenAt: '2026-12-01T00:00:00.000Z' }), fail: reject });
    });
  return { write, writes };
}

/** Events as they arrive, and a promise for the next one of a kind: the tests wait on outcomes, never on time. */
function recordedEvents() {
  const events: CheckpointEvent[] = [];
  const waiting: { kind: CheckpointEvent['kind']; resolve: (event: CheckpointEvent) => void }[] = [];
  const onEvent = (event: CheckpointEvent): void => {
    events.push(event);
    const index = waiting.findIndex(waiter => waiter.kind === event.kind);
    if (index !== -1) waiting.splice(index, 1)[0]?.resolve(event);
  };
  const next = (kind: CheckpointEvent['kind']) => new Promise<CheckpointEvent>(resolve => waiting.push({ kind, resolve }));
  return { events, onEvent, next, kinds: () => events.map(event => `${event.kind}:${event.reason}`) };
}

function checkpointerWith(overrides: Partial<CheckpointerOptions> = {}) {
  const held = heldWrites();
  const recorded = recordedEvents();
  let counter = 0;
  const checkpointer = createCheckpointer({
    path: PATH,
    intervalMs: INTERVAL_MS,
    identity: IDENTITY,
    collect: () => ({ counter: ++counter }),
    onEvent: recorded.onEvent,
    write: held.write,
    ...overrides,
  });
  return { checkpointer, ...held, ...recorded };
}

describe('createCheckpointer on a timer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes every intervalMs once started, collecting the state at each write', async () => {
    const { checkpointer, writes, next } = checkpointerWith();
    await vi.advanceTimersByTimeAsync(5 * INTERVAL_MS);
    expect(writes).toHaveLength(0);
    checkpointer.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(writes).toHaveLength(0);
    for (let tick = 1; tick <= 3; tick++) {
      await vi.advanceTimersByTimeAsync(tick === 1 ? 1 : INTERVAL_MS);
      expect(writes.map(write => write.payload)).toHaveLength(tick);
      const written = next('written');
      writes[tick - 1]?.succeed();
      expect(await written).toMatchObject({ kind: 'written', reason: 'interval', path: PATH, previousFailures: 0 });
    }
    expect(writes.map(write => write.payload)).toEqual([{ counter: 1 }, { counter: 2 }, { counter: 3 }]);
    await stopWithFinal(checkpointer, writes);
  });

  it('never overlaps writes: ticks during a slow write are skipped and reported', async () => {
    const { checkpointer, writes, next, kinds } = checkpointerWith();
    checkpointer.start();
    await vi.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    expect(writes).toHaveLength(1);
    expect(kinds()).toEqual(['skipped:interval', 'skipped:interval']);
    const written = next('written');
    writes[0]?.succeed();
    await written;
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(writes).toHaveLength(2);
    writes[1]?.succeed();
    await stopWithFinal(checkpointer, writes);
  });

  it('reports a failing write without throwing, and retries on the next tick until it recovers', async () => {
    const { checkpointer, writes, next, events } = checkpointerWith();
    checkpointer.start();
    for (let attempt = 1; attempt <= 2; attempt++) {
      await vi.advanceTimersByTimeAsync(INTERVAL_MS);
      const failed = next('failed');
      writes[attempt - 1]?.fail(new Error('ENOSPC: no space left on device'));
      expect(await failed).toMatchObject({ kind: 'failed', reason: 'interval', consecutiveFailures: attempt, error: new Error('ENOSPC: no space left on device') });
    }
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    const written = next('written');
    writes[2]?.succeed();
    expect(await written).toMatchObject({ kind: 'written', previousFailures: 2 });
    expect(events.map(event => event.kind)).toEqual(['failed', 'failed', 'written']);
    await stopWithFinal(checkpointer, writes);
  });

  it('reports a collect() that throws as a failed checkpoint', async () => {
    const { checkpointer, next, writes } = checkpointerWith({
      collect: () => {
        throw new Error('scores not ready');
      },
    });
    checkpointer.start();
    const failed = next('failed');
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(await failed).toMatchObject({ kind: 'failed', error: new Error('scores not ready'), consecutiveFailures: 1 });
    expect(writes).toHaveLength(0);
    await checkpointer.stop();
  });

  it('keeps checkpointing when onEvent throws', async () => {
    const { checkpointer, writes } = checkpointerWith({
      onEvent: () => {
        throw new Error('logger broke');
      },
    });
    checkpointer.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    writes[0]?.fail(new Error('disk'));
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(writes).toHaveLength(2);
    writes[1]?.succeed();
    await stopWithFinal(checkpointer, writes);
  });

  it('stops the timer on stop() and writes a final checkpoint after the write in progress', async () => {
    const { checkpointer, writes, kinds } = checkpointerWith();
    checkpointer.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    const stopped = checkpointer.stop();
    expect(checkpointer.stop()).toBe(stopped);
    expect(writes).toHaveLength(1);
    writes[0]?.succeed();
    await vi.waitFor(() => expect(writes).toHaveLength(2));
    expect(writes[1]?.payload).toEqual({ counter: 2 });
    writes[1]?.succeed();
    await stopped;
    await vi.advanceTimersByTimeAsync(10 * INTERVAL_MS);
    expect(writes).toHaveLength(2);
    expect(kinds()).toEqual(['written:interval', 'written:final']);
    await expect(checkpointer.checkpointNow()).rejects.toThrow('after stop()');
    expect(() => checkpointer.start()).toThrow('after stop()');
  });

  it('resolves stop() when the final write fails, reporting the failure', async () => {
    const { checkpointer, writes, next } = checkpointerWith();
    const stopped = checkpointer.stop();
    const failed = next('failed');
    await vi.waitFor(() => expect(writes).toHaveLength(1));
    writes[0]?.fail(new Error('EROFS'));
    expect(await failed).toMatchObject({ reason: 'final', error: new Error('EROFS') });
    await expect(stopped).resolves.toBeUndefined();
  });
});

describe('createCheckpointer on request', () => {
  it('queues checkpointNow() behind a write in progress, one write for callers arriving together', async () => {
    const { checkpointer, writes } = checkpointerWith();
    const first = checkpointer.checkpointNow();
    await vi.waitFor(() => expect(writes).toHaveLength(1));
    const second = checkpointer.checkpointNow();
    const third = checkpointer.checkpointNow();
    expect(second).toBe(third);
    writes[0]?.succeed();
    await first;
    await vi.waitFor(() => expect(writes).toHaveLength(2));
    // Collected when it started, after the first write: the state as of the request, not before.
    expect(writes[1]?.payload).toEqual({ counter: 2 });
    writes[1]?.fail(new Error('EIO'));
    await expect(second).rejects.toThrow('EIO');
    await stopWithFinal(checkpointer, writes);
  });

  it('does not keep the process alive with its timer', async () => {
    const { checkpointer } = checkpointerWith();
    const timers = () => process.getActiveResourcesInfo().filter(resource => resource === 'Timeout').length;
    const before = timers();
    checkpointer.start();
    expect(timers()).toBe(before);
    const stopped = checkpointer.stop();
    expect(stopped).toBeInstanceOf(Promise);
  });

  it('writes a file that readStateFile restores', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nvote-checkpointer-'));
    try {
      const path = join(dir, 'state.json');
      const { events, onEvent } = recordedEvents();
      const checkpointer = createCheckpointer({ path, intervalMs: INTERVAL_MS, identity: IDENTITY, collect: () => ({ scores: [1, 2] }), onEvent });
      await checkpointer.checkpointNow();
      await checkpointer.stop();
      expect(events.map(event => event.kind)).toEqual(['written', 'written']);
      expect(await readStateFile(path, { identity: IDENTITY, validate: payload => ({ ok: true, value: payload }) })).toMatchObject({ kind: 'restored', payload: { scores: [1, 2] } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options, naming every field at once', () => {
    expect(() =>
      createCheckpointer({ path: '', intervalMs: 0.5, identity: '', collect: () => ({}), onEvent: () => undefined }),
    ).toThrow(
      'invalid checkpointer options:\n  - path: must be a non-empty string\n  - intervalMs: must be a positive integer (ms), got 0.5\n  - identity: must be a non-empty string',
    );
  });
});

/** Ends a test's checkpointer: the final write is let through, and nothing is left pending. */
async function stopWithFinal(checkpointer: ReturnType<typeof createCheckpointer>, writes: HeldWrite[]): Promise<void> {
  const count = writes.length;
  const stopped = checkpointer.stop();
  await vi.waitFor(() => expect(writes).toHaveLength(count + 1));
  writes[count]?.succeed();
  await stopped;
}
