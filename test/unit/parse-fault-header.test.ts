import { describe, expect, it } from 'vitest';
import { FAULT_HEADER, MAX_FAULTS_PER_CALL, parseFaultHeader } from '../../voter/faults/parse-fault-header.js';

const FORMAT = '"<kind> <version>[,<version>...] [delay_ms=<n>] [seed=<n>]"';

function problemsOf(values: readonly string[]): readonly string[] {
  const result = parseFaultHeader(values);
  return result.ok ? [] : result.problems;
}

describe('parseFaultHeader', () => {
  it('is read from x-nvote-fault', () => {
    expect(FAULT_HEADER).toBe('x-nvote-fault');
  });

  it('reads one fault on one version', () => {
    expect(parseFaultHeader(['crash sort-merge'])).toEqual({ ok: true, drafts: [{ kind: 'crash', versions: ['sort-merge'] }] });
  });

  it('reads one fault on several versions listed with bare commas', () => {
    expect(parseFaultHeader(['common_mode sort-merge,sort-heap'])).toEqual({
      ok: true,
      drafts: [{ kind: 'common_mode', versions: ['sort-merge', 'sort-heap'] }],
    });
  });

  it('reads no faults from no headers or blank ones', () => {
    expect(parseFaultHeader([])).toEqual({ ok: true, drafts: [] });
    expect(parseFaultHeader(['', '  ', ' ; '])).toEqual({ ok: true, drafts: [] });
  });

  it('reads a fault from each of several headers, in order', () => {
    expect(parseFaultHeader(['crash sort-merge', 'hang sort-heap'])).toEqual({
      ok: true,
      drafts: [
        { kind: 'crash', versions: ['sort-merge'] },
        { kind: 'hang', versions: ['sort-heap'] },
      ],
    });
  });

  it('reads faults separated by ";" in one header', () => {
    expect(parseFaultHeader(['crash sort-merge;hang sort-heap ;  oom sort-radix;'])).toEqual({
      ok: true,
      drafts: [
        { kind: 'crash', versions: ['sort-merge'] },
        { kind: 'hang', versions: ['sort-heap'] },
        { kind: 'oom', versions: ['sort-radix'] },
      ],
    });
  });

  it('reads faults from headers HTTP/2 joined with ", ", keeping bare-comma version lists', () => {
    expect(parseFaultHeader(['crash sort-merge,sort-heap, delay sort-radix delay_ms=10, exception sort-typed-array'])).toEqual({
      ok: true,
      drafts: [
        { kind: 'crash', versions: ['sort-merge', 'sort-heap'] },
        { kind: 'delay', versions: ['sort-radix'], delayMs: 10 },
        { kind: 'exception', versions: ['sort-typed-array'] },
      ],
    });
  });

  it('reads delay_ms as a number and seed as a bigint, in either order', () => {
    expect(parseFaultHeader(['delay sort-merge delay_ms=250 seed=18446744073709551615'])).toEqual({
      ok: true,
      drafts: [{ kind: 'delay', versions: ['sort-merge'], delayMs: 250, seed: 18446744073709551615n }],
    });
    expect(parseFaultHeader(['wrong_value sort-merge   seed=7'])).toEqual({
      ok: true,
      drafts: [{ kind: 'wrong_value', versions: ['sort-merge'], seed: 7n }],
    });
    expect(parseFaultHeader(['delay sort-merge seed=0 delay_ms=0'])).toEqual({
      ok: true,
      drafts: [{ kind: 'delay', versions: ['sort-merge'], delayMs: 0, seed: 0n }],
    });
  });

  it('leaves kinds and versions for validateFault to judge', () => {
    expect(parseFaultHeader(['meltdown nobody'])).toEqual({ ok: true, drafts: [{ kind: 'meltdown', versions: ['nobody'] }] });
  });

  it.each([
    ['a negative number', 'delay_ms=-5'],
    ['a non-numeric value', 'delay_ms=soon'],
    ['a decimal', 'delay_ms=1.5'],
    ['a non-numeric seed', 'seed=abc'],
    ['an empty value', 'seed='],
    ['more than 20 digits', `seed=${'9'.repeat(21)}`],
    ['an unknown key', 'color=red'],
    ['an upper-case key', 'DELAY_MS=5'],
    ['a bare word', 'slowly'],
  ])('refuses an option with %s', (_, option) => {
    expect(problemsOf([`delay sort-merge ${option}`])).toEqual([
      `x-nvote-fault[0]: option "${option}" is not delay_ms=<n> or seed=<n> (non-negative integers)`,
    ]);
  });

  it('refuses a fault without versions', () => {
    expect(problemsOf(['crash'])).toEqual([`x-nvote-fault[0]: "crash" is not ${FORMAT}`]);
  });

  it('numbers problems by the fault across headers and reports them all', () => {
    expect(problemsOf(['crash sort-merge; hang', 'delay sort-heap delay_ms=x seed=-1'])).toEqual([
      `x-nvote-fault[1]: "hang" is not ${FORMAT}`,
      'x-nvote-fault[2]: option "delay_ms=x" is not delay_ms=<n> or seed=<n> (non-negative integers)',
      'x-nvote-fault[2]: option "seed=-1" is not delay_ms=<n> or seed=<n> (non-negative integers)',
    ]);
  });

  it(`accepts up to ${MAX_FAULTS_PER_CALL} faults on one call`, () => {
    const faults = Array.from({ length: MAX_FAULTS_PER_CALL }, (_, index) => `crash v${index}`);
    const result = parseFaultHeader([faults.join('; ')]);
    expect(result.ok && result.drafts.length).toBe(MAX_FAULTS_PER_CALL);
  });

  it(`refuses more than ${MAX_FAULTS_PER_CALL} faults on one call, however they are split`, () => {
    const faults = Array.from({ length: MAX_FAULTS_PER_CALL + 1 }, (_, index) => `crash v${index}`);
    const problem = `x-nvote-fault: ${MAX_FAULTS_PER_CALL + 1} faults on one call; at most ${MAX_FAULTS_PER_CALL}`;
    expect(problemsOf(faults)).toEqual([problem]);
    expect(problemsOf([faults.join(';')])).toEqual([problem]);
    expect(problemsOf([faults.slice(0, 8).join(', '), faults.slice(8).join('; ')])).toEqual([problem]);
  });
});
