import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFaultRegistry, FaultLimitError, type FaultRegistry } from '../../voter/faults/fault-registry.js';
import type { Activation, FaultSpec } from '../../voter/faults/fault-spec.js';

const SORT = 'Sort';
const EVALUATE = 'Evaluate';

function spec(overrides: Partial<FaultSpec> = {}): FaultSpec {
  return {
    kind: 'crash',
    method: SORT,
    versions: ['sort-merge'],
    activation: { mode: 'permanent' },
    delayMs: 0,
    durationMs: 0,
    seed: '0',
    ...overrides,
  };
}

const intermittent = (probability: number): Activation => ({ mode: 'intermittent', probability });
const transient = (count: number): Activation => ({ mode: 'transient', count });
const requestIds = (count: number, prefix = 'req'): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

function registry(maxActiveFaults = 64, now?: () => number): FaultRegistry {
  return createFaultRegistry(now === undefined ? { maxActiveFaults } : { maxActiveFaults, now });
}

/** Which request ids a single-version fault fires on. */
function firedOn(faults: FaultRegistry, method: string, version: string, ids: readonly string[]): boolean[] {
  return ids.map(id => faults.plan(method, id).has(version));
}

/** Four standard deviations of the fraction of successes in n Bernoulli(p) trials. */
const fourSigma = (p: number, n: number): number => 4 * Math.sqrt((p * (1 - p)) / n);

describe('createFaultRegistry: permanent faults', () => {
  it('fires a permanent fault on every call of its method until it is cleared', () => {
    const faults = registry();
    const { id } = faults.inject(spec());
    for (const requestId of requestIds(50)) {
      expect(faults.plan(SORT, requestId).get('sort-merge')).toMatchObject({ faultId: id, kind: 'crash', delayMs: 0 });
    }
    expect(faults.clear([id])).toBe(1);
    expect(faults.plan(SORT, 'after').size).toBe(0);
  });

  it('does not fire on another method or on versions it does not name', () => {
    const faults = registry();
    faults.inject(spec());
    expect(faults.plan(EVALUATE, 'r').size).toBe(0);
    expect([...faults.plan(SORT, 'r').keys()]).toEqual(['sort-merge']);
  });

  it('clears only the named faults, counting unknown ids as 0', () => {
    const faults = registry();
    const a = faults.inject(spec({ versions: ['sort-merge'] }));
    const b = faults.inject(spec({ versions: ['sort-heap'] }));
    const c = faults.inject(spec({ versions: ['sort-radix'] }));
    expect(faults.clear(['no-such-fault'])).toBe(0);
    expect(faults.clear([a.id, 'no-such-fault', a.id, c.id])).toBe(2);
    expect(faults.list().map(fault => fault.id)).toEqual([b.id]);
    expect([...faults.plan(SORT, 'r').keys()]).toEqual(['sort-heap']);
    expect(faults.clear([a.id])).toBe(0);
  });

  it('clears every fault when no ids are given', () => {
    const faults = registry();
    faults.inject(spec());
    faults.inject(spec({ method: EVALUATE, versions: ['evaluate-pratt'] }));
    expect(faults.clear()).toBe(2);
    expect(faults.list()).toEqual([]);
    expect(faults.clear()).toBe(0);
    expect(faults.clear([])).toBe(0);
  });

  it('gives each fault its own id', () => {
    const faults = registry();
    const ids = [faults.inject(spec()).id, faults.inject(spec()).id, faults.inject(spec()).id];
    expect(new Set(ids).size).toBe(3);
  });
});

describe('createFaultRegistry: transient faults', () => {
  it.each([1, 3, 10])('fires a transient fault of count %i on exactly the next calls of its method, then drops it', count => {
    const faults = registry();
    const { id } = faults.inject(spec({ activation: transient(count) }));
    const fired: boolean[] = [];
    for (let call = 0; call < count + 5; call += 1) {
      // Calls of another method in between neither fire nor use up the fault.
      expect(faults.plan(EVALUATE, `other-${call}`).size).toBe(0);
      fired.push(faults.plan(SORT, `sort-${call}`).has('sort-merge'));
      if (call < count - 1) expect(faults.list()).toMatchObject([{ id, remaining: count - call - 1, activations: call + 1 }]);
    }
    expect(fired).toEqual([...Array<boolean>(count).fill(true), ...Array<boolean>(5).fill(false)]);
    expect(faults.list()).toEqual([]);
  });

  it('counts one activation per call however many versions a transient fault hits', () => {
    const faults = registry();
    faults.inject(spec({ versions: ['sort-merge', 'sort-heap'], activation: transient(2) }));
    expect([...faults.plan(SORT, 'a').keys()]).toEqual(['sort-merge', 'sort-heap']);
    expect(faults.list()).toMatchObject([{ activations: 1, remaining: 1 }]);
    expect([...faults.plan(SORT, 'b').keys()]).toEqual(['sort-merge', 'sort-heap']);
    expect(faults.list()).toEqual([]);
    expect(faults.plan(SORT, 'c').size).toBe(0);
  });
});

describe('createFaultRegistry: intermittent faults', () => {
  const ids = requestIds(2_000);

  it.each([0.05, 0.3, 0.9])('fires on a fraction of calls within four sigma of p = %f', p => {
    const faults = registry();
    faults.inject(spec({ activation: intermittent(p), seed: '12345' }));
    const fraction = firedOn(faults, SORT, 'sort-merge', ids).filter(Boolean).length / ids.length;
    expect(Math.abs(fraction - p)).toBeLessThanOrEqual(fourSigma(p, ids.length));
  });

  it('never fires with probability 0 and always fires with probability 1', () => {
    const faults = registry();
    faults.inject(spec({ versions: ['sort-merge'], activation: intermittent(0) }));
    faults.inject(spec({ versions: ['sort-heap'], activation: intermittent(1) }));
    for (const id of ids) expect([...faults.plan(SORT, id).keys()]).toEqual(['sort-heap']);
    expect(faults.list().map(fault => fault.activations)).toEqual([0, ids.length]);
  });

  it('replays the same decisions for the same seed and request ids, in a fresh registry and in any order', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc
          .uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 40 })
          .chain(ids =>
            fc.tuple(fc.constant(ids), fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length })),
          ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, [requests, shuffled], p) => {
          const decide = (order: readonly string[]): Map<string, boolean> => {
            const faults = registry();
            faults.inject(spec({ activation: intermittent(p), seed: seed.toString() }));
            return new Map(order.map(id => [id, faults.plan(SORT, id).has('sort-merge')]));
          };
          const first = decide(requests);
          expect(decide(requests)).toEqual(first);
          expect(decide(shuffled)).toEqual(first);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('replays the same decisions when calls of the same ids are interleaved with other calls', () => {
    const alone = registry();
    alone.inject(spec({ activation: intermittent(0.5), seed: '7' }));
    const busy = registry();
    busy.inject(spec({ activation: intermittent(0.5), seed: '7' }));
    const expected = firedOn(alone, SORT, 'sort-merge', ids);
    const interleaved = ids.map((id, index) => {
      busy.plan(SORT, `noise-${index}`);
      return busy.plan(SORT, id).has('sort-merge');
    });
    expect(interleaved).toEqual(expected);
  });

  it('makes different decisions for a different seed', () => {
    const decisions = (seed: string): boolean[] => {
      const faults = registry();
      faults.inject(spec({ activation: intermittent(0.5), seed }));
      return firedOn(faults, SORT, 'sort-merge', ids);
    };
    const one = decisions('1');
    const two = decisions('2');
    expect(two).not.toEqual(one);
    // Independent streams agree about half the time, not almost always.
    const agree = one.filter((fired, index) => fired === two[index]).length / ids.length;
    expect(Math.abs(agree - 0.5)).toBeLessThanOrEqual(fourSigma(0.5, ids.length));
  });

  it.each([0.3, 0.5])('draws independently per version for a non-common-mode fault (p = %f: both about p² of calls)', p => {
    const faults = registry();
    faults.inject(spec({ kind: 'wrong_value', versions: ['sort-merge', 'sort-heap'], activation: intermittent(p), seed: '99' }));
    let both = 0;
    let first = 0;
    let second = 0;
    for (const id of ids) {
      const planned = faults.plan(SORT, id);
      if (planned.has('sort-merge')) first += 1;
      if (planned.has('sort-heap')) second += 1;
      if (planned.has('sort-merge') && planned.has('sort-heap')) both += 1;
    }
    const n = ids.length;
    expect(Math.abs(first / n - p)).toBeLessThanOrEqual(fourSigma(p, n));
    expect(Math.abs(second / n - p)).toBeLessThanOrEqual(fourSigma(p, n));
    expect(Math.abs(both / n - p * p)).toBeLessThanOrEqual(fourSigma(p * p, n));
  });

  it('fires a common_mode fault on all its versions together or on none', () => {
    const p = 0.3;
    const versions = ['sort-merge', 'sort-heap', 'sort-radix'];
    const faults = registry();
    faults.inject(spec({ kind: 'common_mode', versions, activation: intermittent(p), seed: '99' }));
    let fired = 0;
    for (const id of ids) {
      const planned = faults.plan(SORT, id);
      expect([0, versions.length]).toContain(planned.size);
      if (planned.size > 0) {
        fired += 1;
        const seeds = new Set([...planned.values()].map(injection => injection.corruptionSeed));
        // One wrong answer shared by every version is what makes the failure common-mode.
        expect(seeds.size).toBe(1);
      }
    }
    expect(Math.abs(fired / ids.length - p)).toBeLessThanOrEqual(fourSigma(p, ids.length));
  });

  it('corrupts the versions of a non-common-mode fault independently (a different corruption seed each)', () => {
    const faults = registry();
    faults.inject(spec({ kind: 'wrong_value', versions: ['sort-merge', 'sort-heap'] }));
    const planned = faults.plan(SORT, 'r');
    expect(planned.size).toBe(2);
    // The same seed and the same right answer give the same wrong answer (see corrupt-result),
    // so sharing the seed would make two independent faults agree like a common-mode one.
    expect(planned.get('sort-merge')?.corruptionSeed).not.toBe(planned.get('sort-heap')?.corruptionSeed);
  });
});

describe('createFaultRegistry: durations', () => {
  it('fires a fault before its duration ends and drops it afterwards', () => {
    let clock = 1_000_000;
    const faults = registry(64, () => clock);
    const fault = faults.inject(spec({ durationMs: 5_000 }));
    expect(fault).toMatchObject({ createdUnixMs: 1_000_000, expiresUnixMs: 1_005_000 });
    clock = 1_004_999;
    expect(faults.plan(SORT, 'a').has('sort-merge')).toBe(true);
    expect(faults.list()).toHaveLength(1);
    clock = 1_005_000;
    expect(faults.plan(SORT, 'b').size).toBe(0);
    expect(faults.list()).toEqual([]);
  });

  it('never expires a fault without a duration', () => {
    let clock = 0;
    const faults = registry(64, () => clock);
    expect(faults.inject(spec()).expiresUnixMs).toBe(0);
    clock = Number.MAX_SAFE_INTEGER;
    expect(faults.plan(SORT, 'r').has('sort-merge')).toBe(true);
  });
});

describe('createFaultRegistry: the cap on active faults', () => {
  it('refuses to inject beyond maxActiveFaults', () => {
    const faults = registry(2);
    expect(faults.maxActiveFaults).toBe(2);
    faults.inject(spec());
    faults.inject(spec());
    expect(() => faults.inject(spec())).toThrow(FaultLimitError);
    expect(faults.list()).toHaveLength(2);
  });

  it('counts reserved per-call slots against the cap', () => {
    const faults = registry(2);
    faults.inject(spec());
    const release = faults.reserveRequestFaults();
    expect(faults.requestScopedInFlight()).toBe(1);
    expect(() => faults.inject(spec())).toThrow(FaultLimitError);
    expect(() => faults.reserveRequestFaults()).toThrow(FaultLimitError);
    release();
    expect(faults.requestScopedInFlight()).toBe(0);
    expect(() => faults.inject(spec())).not.toThrow();
  });

  it('releases a slot only once however often release is called', () => {
    const faults = registry(2);
    const first = faults.reserveRequestFaults();
    const second = faults.reserveRequestFaults();
    first();
    first();
    first();
    expect(faults.requestScopedInFlight()).toBe(1);
    faults.inject(spec());
    expect(() => faults.inject(spec())).toThrow(FaultLimitError);
    second();
    expect(faults.requestScopedInFlight()).toBe(0);
  });

  it('makes room when faults are cleared, expire or are spent', () => {
    let clock = 0;
    const faults = registry(1, () => clock);
    const permanent = faults.inject(spec());
    expect(() => faults.inject(spec())).toThrow(/cap is 1/);
    faults.clear([permanent.id]);
    faults.inject(spec({ durationMs: 10 }));
    clock = 10;
    faults.inject(spec({ activation: transient(1) }));
    faults.plan(SORT, 'r');
    expect(() => faults.reserveRequestFaults()).not.toThrow();
  });

  it('names the counts and the cap in the error', () => {
    const faults = registry(2);
    faults.inject(spec());
    faults.reserveRequestFaults();
    expect(() => faults.inject(spec())).toThrow('1 injected and 1 per-call faults are active; the cap is 2');
  });
});

describe('createFaultRegistry: overlapping faults', () => {
  it('lets the oldest fault on a version win, and counts only the faults that fired', () => {
    const faults = registry();
    const older = faults.inject(spec({ kind: 'hang', versions: ['sort-merge'] }));
    const newer = faults.inject(spec({ kind: 'delay', delayMs: 100, versions: ['sort-merge', 'sort-heap'] }));
    const shadowed = faults.inject(spec({ kind: 'exception', versions: ['sort-merge'], activation: transient(3) }));
    const planned = faults.plan(SORT, 'r');
    expect(planned.get('sort-merge')).toMatchObject({ faultId: older.id, kind: 'hang' });
    expect(planned.get('sort-heap')).toMatchObject({ faultId: newer.id, kind: 'delay', delayMs: 100 });
    expect(planned.size).toBe(2);
    expect(faults.list().map(({ id, activations, remaining }) => ({ id, activations, remaining }))).toEqual([
      { id: older.id, activations: 1, remaining: 0 },
      { id: newer.id, activations: 1, remaining: 0 },
      { id: shadowed.id, activations: 0, remaining: 3 },
    ]);
  });

  it('hands a version to the next fault once the older one is cleared', () => {
    const faults = registry();
    const older = faults.inject(spec({ kind: 'hang' }));
    const newer = faults.inject(spec({ kind: 'crash' }));
    expect(faults.plan(SORT, 'a').get('sort-merge')?.faultId).toBe(older.id);
    faults.clear([older.id]);
    expect(faults.plan(SORT, 'b').get('sort-merge')?.faultId).toBe(newer.id);
    expect(faults.list()).toMatchObject([{ id: newer.id, activations: 1 }]);
  });

  it('reports a fault as injected: its spec, no activations, and its transient count', () => {
    const faults = registry(64, () => 42);
    const injected = spec({ kind: 'oom', activation: transient(5), seed: '18446744073709551615' });
    expect(faults.inject(injected)).toEqual({
      id: expect.any(String),
      spec: injected,
      activations: 0,
      remaining: 5,
      createdUnixMs: 42,
      expiresUnixMs: 0,
    });
  });
});
