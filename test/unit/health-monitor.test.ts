import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VoteEvent } from '../../voter/pipeline/index.js';
import { createHealthMonitor, type HealthMonitorOptions } from '../../voter/health/health-monitor.js';
import type { Evidence } from '../../voter/health/version-health.js';
import type { Verdict } from '../../voter/vote/ballot.js';

const VERSIONS = ['a', 'b', 'c'];
const RULES = { failureThreshold: 3, probeIntervalMs: 1_000, idleProbeAfterMs: 2_000, selfTestIntervalMs: 30_000 };

// The monitor reads only these fields of an event.
function vote(method: string, verdicts: Readonly<Record<string, Verdict>>): VoteEvent {
  const event: Pick<VoteEvent, 'method' | 'requestId' | 'probe' | 'end'> = {
    method,
    requestId: 'r',
    probe: false,
    end: {
      kind: 'recorded',
      record: {
        decision: { outcome: 'quorum_lost', agreeing: 0, ballots: 0 },
        endedEarly: false,
        versions: Object.entries(verdicts).map(([version, verdict]) => ({ version, verdict, durationSeconds: 0 })),
      },
    },
  };
  return event as VoteEvent;
}

function monitorWith(overrides: Partial<HealthMonitorOptions> = {}) {
  const changes: [string, string][] = [];
  const monitor = createHealthMonitor({
    ...RULES,
    methods: [
      { name: 'Sort', service: 's.v1.S', versions: VERSIONS },
      { name: 'Other', service: 's.v1.S', versions: VERSIONS },
    ],
    onChange: (name, status) => changes.push([name, status]),
    onProbeError: () => undefined,
    now: () => Date.now(),
    ...overrides,
  });
  return { monitor, changes };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('health from what versions do', () => {
  it('is NOT_SERVING everywhere before the versions are loaded, then SERVING', () => {
    const { monitor, changes } = monitorWith();
    expect(monitor.status('')).toBe('NOT_SERVING');
    monitor.start();
    expect(monitor.status('')).toBe('SERVING');
    expect(monitor.status('s.v1.S')).toBe('SERVING');
    expect(monitor.status('s.v1.S/Sort')).toBe('SERVING');
    expect(changes).toHaveLength(4);
  });

  it('turns a method NOT_SERVING once two of three versions failed three times in a row, and its service with it', () => {
    const { monitor, changes } = monitorWith();
    monitor.start();
    changes.length = 0;
    for (let i = 0; i < 2; i++) monitor.voteEnded(vote('Sort', { a: 'crash', b: 'timeout', c: 'agree' }));
    expect(monitor.status('s.v1.S/Sort')).toBe('SERVING');
    monitor.voteEnded(vote('Sort', { a: 'crash', b: 'error', c: 'agree' }));
    expect(monitor.status('s.v1.S/Sort')).toBe('NOT_SERVING');
    expect(monitor.status('s.v1.S')).toBe('NOT_SERVING');
    // Another method still answers, so the server as a whole does.
    expect(monitor.status('')).toBe('SERVING');
    expect(monitor.status('s.v1.S/Other')).toBe('SERVING');
    expect(changes).toEqual([
      ['s.v1.S', 'NOT_SERVING'],
      ['s.v1.S/Sort', 'NOT_SERVING'],
    ]);
  });

  it('keeps a method SERVING while only one version of three fails, and ignores cancelled and pending verdicts', () => {
    const { monitor } = monitorWith();
    monitor.start();
    for (let i = 0; i < 10; i++) monitor.voteEnded(vote('Sort', { a: 'disagree', b: 'cancelled', c: 'pending' }));
    expect(monitor.status('s.v1.S/Sort')).toBe('SERVING');
    expect(monitor.failingVersions('Sort')).toBe(1);
  });

  it('reports changes only: repeated evidence sends nothing', () => {
    const { monitor, changes } = monitorWith();
    monitor.start();
    changes.length = 0;
    for (let i = 0; i < 20; i++) monitor.voteEnded(vote('Sort', { a: 'agree', b: 'agree', c: 'crash' }));
    expect(changes).toEqual([]);
  });

  it('probes a silent method after idleProbeAfterMs and turns it NOT_SERVING from the probes alone, then back', async () => {
    let broken = true;
    const probe = vi.fn(
      async (): Promise<ReadonlyMap<string, Evidence>> =>
        new Map<string, Evidence>([
          ['a', broken ? 'failure' : 'success'],
          ['b', broken ? 'failure' : 'success'],
          ['c', 'success'],
        ]),
    );
    const { monitor } = monitorWith({ methods: [{ name: 'Sort', service: 's.v1.S', versions: VERSIONS, probe }] });
    monitor.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probe).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probe).toHaveBeenCalledTimes(1);
    // A failure makes the next probes come every interval, until the threshold is reached.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(probe).toHaveBeenCalledTimes(3);
    expect(monitor.status('s.v1.S/Sort')).toBe('NOT_SERVING');
    expect(monitor.status('')).toBe('NOT_SERVING');
    broken = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(monitor.status('s.v1.S/Sort')).toBe('SERVING');
    expect(monitor.status('')).toBe('SERVING');
  });

  it('does not probe a method whose versions keep giving evidence', async () => {
    const probe = vi.fn(async () => new Map<string, Evidence>());
    const { monitor } = monitorWith({ methods: [{ name: 'Sort', service: 's.v1.S', versions: VERSIONS, probe }] });
    monitor.start();
    for (let i = 0; i < 10; i++) {
      monitor.voteEnded(vote('Sort', { a: 'agree', b: 'agree', c: 'agree' }));
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(probe).not.toHaveBeenCalled();
  });

  it('self-tests a busy method every selfTestIntervalMs all the same', async () => {
    const probe = vi.fn(async () => new Map<string, Evidence>());
    const { monitor } = monitorWith({ methods: [{ name: 'Sort', service: 's.v1.S', versions: VERSIONS, probe }] });
    monitor.start();
    for (let i = 0; i < 130; i++) {
      monitor.voteEnded(vote('Sort', { a: 'agree', b: 'agree', c: 'agree' }));
      await vi.advanceTimersByTimeAsync(500);
    }
    // 65 s of traffic: self-tests at 30 s and 60 s.
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('is NOT_SERVING everywhere once draining, and probes no more', async () => {
    const probe = vi.fn(async () => new Map<string, Evidence>());
    const { monitor } = monitorWith({ methods: [{ name: 'Sort', service: 's.v1.S', versions: VERSIONS, probe }] });
    monitor.start();
    monitor.drain();
    expect(monitor.names.map(name => monitor.status(name))).toEqual(['NOT_SERVING', 'NOT_SERVING', 'NOT_SERVING']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probe).not.toHaveBeenCalled();
  });
});
