import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolveConfig } from '../../voter/config.js';
import { builtInMethods } from '../../voter/methods/built-in.js';
import { problemsOf } from '../helpers/config-problems.js';


describe('resolveConfig', () => {
  it('runs every built-in version that is on by default with no configuration', () => {
    const config = resolveConfig(undefined, builtInMethods);
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 50051 });
    expect(config.metricsListen).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(config.maxInFlight).toBe(DEFAULTS.maxInFlight);
    expect(config.methods.map(settings => [settings.method.name, settings.versions.length])).toEqual(
      builtInMethods.map(method => [method.name, method.versions.filter(version => version.byDefault !== false).length]),
    );
    // The opt-in Sort versions run only where configuration names them.
    const sort = config.methods.find(settings => settings.method.name === 'Sort');
    expect(sort?.versions.map(version => version.id)).toEqual(['sort-merge', 'sort-heap', 'sort-radix', 'sort-typed-array']);
    expect(resolveConfig({ methods: { Sort: { versions: ['sort-introsort', 'sort-shell', 'sort-tree'] } } }, builtInMethods).methods[0]?.versions.length).toBe(3);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.methods[0])).toBe(true);
  });

  it('applies per-method versions, voter, tolerance, timeout and threads', () => {
    const config = resolveConfig(
      {
        threadsPerVersion: 2,
        methods: {
          Evaluate: { voter: 'exact', defaultTimeoutMs: 100 },
          Statistics: { tolerance: { relative: 1e-6, absolute: 0 }, threads: 3 },
          Sort: { versions: ['sort-radix', 'sort-heap', 'sort-merge'] },
        },
      },
      builtInMethods,
    );
    const byName = new Map(config.methods.map(settings => [settings.method.name, settings]));
    expect(byName.get('Evaluate')).toMatchObject({ voter: 'exact', defaultTimeoutMs: 100, threads: 2 });
    expect(byName.get('Statistics')).toMatchObject({ tolerance: { relative: 1e-6, absolute: 0 }, threads: 3 });
    expect(byName.get('Sort')?.versions.map(version => version.id)).toEqual(['sort-radix', 'sort-heap', 'sort-merge']);
  });

  it('refuses fewer than three versions for a method', () => {
    expect(problemsOf({ methods: { Sort: { versions: ['sort-merge', 'sort-heap'] } } })).toEqual([
      'methods.Sort.versions: 2 configured, at least 3 are needed to mask a faulty one',
    ]);
  });

  it('reports every semantic problem at once, naming each field', () => {
    expect(
      problemsOf({
        listen: 'localhost:70000',
        defaultTimeoutMs: 90_000,
        methods: {
          Nope: {},
          Sort: { versions: ['sort-merge', 'sort-merge', 'sort-quantum'] },
          Evaluate: { voter: 'psychic' },
        },
      }),
    ).toEqual([
      `methods.Nope: unknown method (known: ${builtInMethods.map(method => method.name).join(', ')})`,
      'methods.Sort.versions: "sort-merge" is listed twice',
      'methods.Sort.versions: unknown version "sort-quantum" (known: sort-merge, sort-heap, sort-radix, sort-typed-array, sort-introsort, sort-shell, sort-tree)',
      'methods.Evaluate.voter: unknown voter "psychic" (known: tolerance, exact)',
      'defaultTimeoutMs: 90000 exceeds maxTimeoutMs 60000',
      'listen: "localhost:70000" is not host:port with a port from 0 to 65535',
    ]);
  });

  it('reports every type problem at once, naming each field', () => {
    const problems = problemsOf({ maxInFlight: 0, logLevel: 'loud', unknownKey: 1, methods: { Sort: { threads: 'two' } } });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/maxInFlight/);
    expect(problems.join('\n')).toMatch(/logLevel/);
    expect(problems.join('\n')).toMatch(/unknownKey/);
    expect(problems.join('\n')).toMatch(/methods\.Sort\.threads/);
  });

  it('accepts IPv6 listen addresses and port 0', () => {
    const config = resolveConfig({ listen: '[::1]:0', metricsListen: '127.0.0.1:0' }, builtInMethods);
    expect(config.listen).toEqual({ host: '::1', port: 0 });
  });
});
