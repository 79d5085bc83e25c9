import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, isLoopback, resolveConfig } from '../../voter/config.js';
import { builtInMethods } from '../../voter/methods/built-in.js';
import { problemsOf } from '../helpers/config-problems.js';

const TOKEN = 'a-token-of-sixteen+';
const NEEDS_TOKEN = (host: string): string =>
  `faultInjection.token: required when fault injection is enabled on a non-loopback address (${host}); set NVOTE_FAULT_INJECTION_TOKEN`;


describe('resolveConfig: faultInjection', () => {
  it('is disabled by default, with no token and the default cap', () => {
    expect(resolveConfig(undefined, builtInMethods).faultInjection).toEqual({
      enabled: false,
      token: undefined,
      maxActiveFaults: DEFAULTS.maxActiveFaults,
    });
    expect(DEFAULTS.maxActiveFaults).toBe(64);
  });

  it('needs no token while disabled, whatever the address', () => {
    expect(problemsOf({ listen: '0.0.0.0:50051', faultInjection: { enabled: false } })).toEqual([]);
  });

  it.each(['127.0.0.1:0', '127.1.2.3:50051', 'localhost:50051', '[::1]:50051'])(
    'may be enabled without a token on the loopback address %s',
    listen => {
      const config = resolveConfig({ listen, faultInjection: { enabled: true } }, builtInMethods);
      expect(config.faultInjection).toEqual({ enabled: true, token: undefined, maxActiveFaults: 64 });
      expect(Object.isFrozen(config.faultInjection)).toBe(true);
    },
  );

  it.each([
    ['0.0.0.0:50051', '0.0.0.0'],
    ['[::]:50051', '::'],
    ['10.0.0.1:50051', '10.0.0.1'],
    ['nvote.example.com:443', 'nvote.example.com'],
  ])('refuses to be enabled without a token on %s', (listen, host) => {
    expect(problemsOf({ listen, faultInjection: { enabled: true } })).toEqual([NEEDS_TOKEN(host)]);
  });

  it('refuses to be enabled without a token on the default address, which is every interface', () => {
    expect(() => resolveConfig({ faultInjection: { enabled: true } }, builtInMethods)).toThrow(ConfigError);
    expect(problemsOf({ faultInjection: { enabled: true } })).toEqual([NEEDS_TOKEN('0.0.0.0')]);
  });

  it('may be enabled on a public address with a token', () => {
    const config = resolveConfig({ listen: '0.0.0.0:50051', faultInjection: { enabled: true, token: TOKEN } }, builtInMethods);
    expect(config.faultInjection).toEqual({ enabled: true, token: TOKEN, maxActiveFaults: 64 });
  });

  it('refuses a token shorter than 16 characters', () => {
    expect(problemsOf({ listen: '127.0.0.1:0', faultInjection: { enabled: true, token: 'x'.repeat(15) } })).toEqual([
      'faultInjection.token: must be at least 16 characters',
    ]);
    expect(problemsOf({ listen: '127.0.0.1:0', faultInjection: { enabled: true, token: 'x'.repeat(16) } })).toEqual([]);
  });

  it('requires enabled and refuses unknown keys', () => {
    const problems = problemsOf({ faultInjection: { token: TOKEN, colour: 'red' } });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/faultInjection\.enabled/);
    expect(problems.join('\n')).toMatch(/faultInjection.*colour/);
  });

  it.each([1, 500, 10_000])('accepts maxActiveFaults %i', maxActiveFaults => {
    const config = resolveConfig({ faultInjection: { enabled: false, maxActiveFaults } }, builtInMethods);
    expect(config.faultInjection.maxActiveFaults).toBe(maxActiveFaults);
  });

  it.each([0, -1, 1.5, 10_001])('refuses maxActiveFaults %s', maxActiveFaults => {
    const problems = problemsOf({ faultInjection: { enabled: false, maxActiveFaults } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^faultInjection\.maxActiveFaults: /);
  });

  it('reports fault-injection problems together with the others', () => {
    expect(problemsOf({ listen: '0.0.0.0:50051', defaultTimeoutMs: 90_000, faultInjection: { enabled: true } })).toEqual([
      'defaultTimeoutMs: 90000 exceeds maxTimeoutMs 60000',
      NEEDS_TOKEN('0.0.0.0'),
    ]);
  });
});

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', 'localhost'])('treats %s as loopback', host => {
    expect(isLoopback(host)).toBe(true);
  });

  it.each([
    '0.0.0.0',
    '::',
    '10.0.0.1',
    '192.168.1.1',
    '128.0.0.1',
    '1127.0.0.1',
    '127.0.0.1.example.com',
    'localhost.example.com',
    '',
  ])('does not treat %s as loopback', host => {
    expect(isLoopback(host)).toBe(false);
  });
});
