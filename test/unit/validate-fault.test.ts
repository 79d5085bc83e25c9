import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../voter/faults/fault-spec.js';
import {
  FAULT_LIMITS,
  validateFault,
  type DraftActivation,
  type FaultDraft,
  type VersionCatalogue,
} from '../../voter/faults/validate-fault.js';

const catalogue: VersionCatalogue = new Map([
  ['Sort', ['sort-merge', 'sort-heap', 'sort-radix']],
  ['Evaluate', ['evaluate-pratt', 'evaluate-shunting-yard', 'evaluate-recursive-descent']],
]);

/** Two methods that both run a version called `shared`. */
const overlapping: VersionCatalogue = new Map([
  ['Alpha', ['alpha-1', 'shared']],
  ['Beta', ['beta-1', 'shared']],
]);

const KINDS = FAULT_KINDS.join(', ');
const valid: FaultDraft = { kind: 'crash', method: 'Sort', versions: ['sort-merge'] };

function problemsOf(draft: FaultDraft, versions: VersionCatalogue = catalogue): readonly string[] {
  const result = validateFault(draft, versions);
  return result.ok ? [] : result.problems;
}

describe('validateFault: a valid fault', () => {
  it('fills in the defaults: permanent, no delay, no duration, seed "0"', () => {
    expect(validateFault(valid, catalogue)).toEqual({
      ok: true,
      spec: {
        kind: 'crash',
        method: 'Sort',
        versions: ['sort-merge'],
        activation: { mode: 'permanent' },
        delayMs: 0,
        durationMs: 0,
        seed: '0',
      },
    });
  });

  it('finds the method from the versions when none is named', () => {
    const result = validateFault({ kind: 'hang', versions: ['evaluate-pratt', 'evaluate-shunting-yard'] }, catalogue);
    expect(result).toMatchObject({ ok: true, spec: { method: 'Evaluate', versions: ['evaluate-pratt', 'evaluate-shunting-yard'] } });
  });

  it('keeps every field it was given, the seed as a decimal string', () => {
    const result = validateFault(
      {
        kind: 'delay',
        method: 'Sort',
        versions: ['sort-heap', 'sort-radix'],
        activation: { mode: 'intermittent', probability: 0.25 },
        delayMs: 600_000n,
        durationMs: FAULT_LIMITS.maxDurationMs,
        seed: 2n ** 64n - 1n,
      },
      catalogue,
    );
    expect(result).toEqual({
      ok: true,
      spec: {
        kind: 'delay',
        method: 'Sort',
        versions: ['sort-heap', 'sort-radix'],
        activation: { mode: 'intermittent', probability: 0.25 },
        delayMs: 600_000,
        durationMs: FAULT_LIMITS.maxDurationMs,
        seed: '18446744073709551615',
      },
    });
  });

  it.each<[string, number | bigint | string]>([
    ['a number', 42],
    ['a bigint', 42n],
    ['a decimal string', '42'],
  ])('accepts the seed as %s', (_, seed) => {
    expect(validateFault({ ...valid, seed }, catalogue)).toMatchObject({ ok: true, spec: { seed: '42' } });
  });

  it('accepts every kind', () => {
    for (const kind of FAULT_KINDS) {
      const draft: FaultDraft = {
        kind,
        method: 'Sort',
        versions: kind === 'common_mode' ? ['sort-merge', 'sort-heap'] : ['sort-merge'],
        ...(kind === 'delay' ? { delayMs: 1 } : {}),
      };
      expect(problemsOf(draft)).toEqual([]);
    }
  });

  it('accepts the bounds of each activation', () => {
    for (const activation of [
      { mode: 'transient', count: 1 },
      { mode: 'transient', count: FAULT_LIMITS.maxTransientCount },
      { mode: 'intermittent', probability: 0 },
      { mode: 'intermittent', probability: 1 },
    ] satisfies DraftActivation[]) {
      expect(validateFault({ ...valid, activation }, catalogue)).toMatchObject({ ok: true, spec: { activation } });
    }
  });

  it('accepts a transient count given as a bigint, as a number', () => {
    expect(validateFault({ ...valid, activation: { mode: 'transient', count: 5n } }, catalogue)).toMatchObject({
      ok: true,
      spec: { activation: { mode: 'transient', count: 5 } },
    });
  });

  it('does not alias the versions array it was given', () => {
    const versions = ['sort-merge'];
    const result = validateFault({ ...valid, versions }, catalogue);
    versions.push('sort-heap');
    expect(result).toMatchObject({ ok: true, spec: { versions: ['sort-merge'] } });
  });
});

describe('validateFault: kind', () => {
  it('requires a kind', () => {
    expect(problemsOf({ method: 'Sort', versions: ['sort-merge'] })).toEqual([`kind: required, one of ${KINDS}`]);
    expect(problemsOf({ ...valid, kind: '' })).toEqual([`kind: required, one of ${KINDS}`]);
  });

  it('refuses an unknown kind', () => {
    expect(problemsOf({ ...valid, kind: 'meltdown' })).toEqual([`kind: "meltdown" is not one of ${KINDS}`]);
  });
});

describe('validateFault: method and versions', () => {
  it('refuses an unknown method', () => {
    expect(problemsOf({ ...valid, method: 'Nope' })).toEqual(['method: unknown method "Nope" (known: Sort, Evaluate)']);
  });

  it('requires at least one version', () => {
    expect(problemsOf({ ...valid, versions: [] })).toEqual(['versions: name at least one version']);
    expect(problemsOf({ kind: 'crash', method: 'Sort' })).toEqual(['versions: name at least one version']);
  });

  it('refuses a version the method does not run', () => {
    expect(problemsOf({ ...valid, versions: ['sort-quantum'] })).toEqual([
      'versions: "sort-quantum" is not a version of Sort (known: sort-merge, sort-heap, sort-radix)',
    ]);
  });

  it('refuses an unknown version when no method is named', () => {
    expect(problemsOf({ kind: 'crash', versions: ['sort-quantum'] })).toEqual(['versions: unknown version "sort-quantum"']);
  });

  it('refuses a version listed twice', () => {
    expect(problemsOf({ ...valid, versions: ['sort-merge', 'sort-heap', 'sort-merge'] })).toEqual([
      'versions: "sort-merge" is listed twice',
    ]);
  });

  it('refuses a version that belongs to another method', () => {
    expect(problemsOf({ ...valid, versions: ['sort-merge', 'evaluate-pratt'] })).toEqual([
      'versions: "evaluate-pratt" is not a version of Sort (known: sort-merge, sort-heap, sort-radix)',
    ]);
  });

  it('asks for a method when the versions belong to several methods', () => {
    expect(problemsOf({ kind: 'crash', versions: ['sort-merge', 'evaluate-pratt'] })).toEqual([
      'method: the versions belong to Sort and Evaluate; name one method',
    ]);
  });

  it('asks for a method when a version id is shared by two methods', () => {
    expect(problemsOf({ kind: 'crash', versions: ['shared'] }, overlapping)).toEqual([
      'method: the versions belong to Alpha and Beta; name one method',
    ]);
    expect(validateFault({ kind: 'crash', method: 'Beta', versions: ['shared'] }, overlapping)).toMatchObject({
      ok: true,
      spec: { method: 'Beta' },
    });
  });

  it('needs at least two versions for a common_mode fault', () => {
    expect(problemsOf({ ...valid, kind: 'common_mode' })).toEqual([
      'versions: a common_mode fault needs at least two versions that fail together',
    ]);
    expect(problemsOf({ ...valid, kind: 'common_mode', versions: ['sort-merge', 'sort-heap'] })).toEqual([]);
  });
});

describe('validateFault: delay_ms', () => {
  it('requires delay_ms on a delay fault', () => {
    expect(problemsOf({ ...valid, kind: 'delay' })).toEqual(['delay_ms: a delay fault needs delay_ms of at least 1']);
    expect(problemsOf({ ...valid, kind: 'delay', delayMs: 0 })).toEqual(['delay_ms: a delay fault needs delay_ms of at least 1']);
  });

  it.each<[number | bigint, string]>([
    [-1, '-1'],
    [600_001, '600001'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [2n ** 62n, '4611686018427387904'],
  ])('refuses delay_ms %s', (delayMs, shown) => {
    expect(problemsOf({ ...valid, kind: 'delay', delayMs })).toContain(`delay_ms: ${shown} is outside 0..600000`);
  });

  it('accepts delay_ms up to the limit', () => {
    expect(FAULT_LIMITS.maxDelayMs).toBe(600_000);
    expect(problemsOf({ ...valid, kind: 'delay', delayMs: 1 })).toEqual([]);
    expect(problemsOf({ ...valid, kind: 'delay', delayMs: 600_000 })).toEqual([]);
  });

  it('refuses delay_ms on a fault that is not a delay', () => {
    expect(problemsOf({ ...valid, kind: 'crash', delayMs: 100 })).toEqual(['delay_ms: only a delay fault takes a delay, not crash']);
    expect(problemsOf({ ...valid, kind: 'wrong_value', delayMs: 100n })).toEqual([
      'delay_ms: only a delay fault takes a delay, not wrong_value',
    ]);
  });
});

describe('validateFault: activation', () => {
  it.each<[number | bigint, string]>([
    [0, '0'],
    [-3, '-3'],
    [2.5, '2.5'],
    [1_000_000_001, '1000000001'],
    [2n ** 62n, '4611686018427387904'],
  ])('refuses a transient count of %s', (count, shown) => {
    expect(problemsOf({ ...valid, activation: { mode: 'transient', count } })).toEqual([
      `transient.count: ${shown} is outside 1..1000000000`,
    ]);
  });

  it.each([-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses an intermittent probability of %s',
    probability => {
      expect(problemsOf({ ...valid, activation: { mode: 'intermittent', probability } })).toEqual([
        `intermittent.probability: ${probability} is not a probability in [0, 1]`,
      ]);
    },
  );
});

describe('validateFault: duration_ms', () => {
  it.each<[number | bigint, string]>([
    [-1, '-1'],
    [FAULT_LIMITS.maxDurationMs + 1, String(FAULT_LIMITS.maxDurationMs + 1)],
    [0.5, '0.5'],
    [2n ** 62n, '4611686018427387904'],
  ])('refuses a duration of %s', (durationMs, shown) => {
    expect(problemsOf({ ...valid, durationMs })).toEqual([`duration_ms: ${shown} is outside 0..604800000`]);
  });

  it('accepts a duration up to a week', () => {
    expect(FAULT_LIMITS.maxDurationMs).toBe(604_800_000);
    expect(validateFault({ ...valid, durationMs: 604_800_000 }, catalogue)).toMatchObject({
      ok: true,
      spec: { durationMs: 604_800_000 },
    });
  });
});

describe('validateFault: seed', () => {
  it.each<[number | bigint | string, string]>([
    [-1, 'seed: -1 is not an unsigned 64-bit integer'],
    [-1n, 'seed: -1 is not an unsigned 64-bit integer'],
    [2n ** 64n, 'seed: 18446744073709551616 is not an unsigned 64-bit integer'],
    ['18446744073709551616', 'seed: 18446744073709551616 is not an unsigned 64-bit integer'],
    ['abc', 'seed: "abc" is not an unsigned 64-bit integer'],
    ['12abc', 'seed: "12abc" is not an unsigned 64-bit integer'],
    [1.5, 'seed: "1.5" is not an unsigned 64-bit integer'],
  ])('refuses the seed %s', (seed, problem) => {
    expect(problemsOf({ ...valid, seed })).toEqual([problem]);
  });
});

describe('validateFault: several problems', () => {
  it('reports every problem at once', () => {
    expect(
      problemsOf({
        kind: 'meltdown',
        method: 'Sort',
        versions: ['sort-merge', 'sort-merge', 'evaluate-pratt'],
        activation: { mode: 'intermittent', probability: 2 },
        delayMs: -5,
        durationMs: -1,
        seed: 'abc',
      }),
    ).toEqual([
      `kind: "meltdown" is not one of ${KINDS}`,
      'versions: "sort-merge" is listed twice',
      'versions: "evaluate-pratt" is not a version of Sort (known: sort-merge, sort-heap, sort-radix)',
      'intermittent.probability: 2 is not a probability in [0, 1]',
      'delay_ms: -5 is outside 0..600000',
      'duration_ms: -1 is outside 0..604800000',
      'seed: "abc" is not an unsigned 64-bit integer',
    ]);
  });

  it('reports an unknown method together with the other problems', () => {
    expect(
      problemsOf({ method: 'Nope', versions: ['sort-quantum'], kind: 'common_mode', activation: { mode: 'transient', count: 0 } }),
    ).toEqual([
      'method: unknown method "Nope" (known: Sort, Evaluate)',
      'versions: unknown version "sort-quantum"',
      'versions: a common_mode fault needs at least two versions that fail together',
      'transient.count: 0 is outside 1..1000000000',
    ]);
  });
});
