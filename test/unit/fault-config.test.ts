import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, isLoopback, resolveConfig } from '../../voter/config.js';
import { builtInMethods } from '../../voter/methods/built-in.js';
import { problemsOf } from '../helpers/config-problems.js';

const TOKEN = 'a-token-of-sixteen+';
const NEEDS_TOKEN = 'faultInjection.token: required whenever fault injection is enabled; set NVOTE_FAULT_INJECTION_TOKEN';
const OPERATOR_NEEDS_TOKEN = (host: string): string =>
  `operator.token: required when the operator service is enabled on a non-loopback admin address (${host}); set NVOTE_OPERATOR_TOKEN`;

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

  // Loopback is no exemption: any local process could otherwise plant a fault that gives every
  // caller a wrong answer with status OK.
  it.each(['127.0.0.1:0', '127.1.2.3:50051', 'localhost:50051', '[::1]:50051'])(
    'refuses to be enabled without a token even with everything on the loopback address %s',
    listen => {
      expect(problemsOf({ listen, adminListen: listen, faultInjection: { enabled: true } })).toEqual([NEEDS_TOKEN]);
    },
  );

  it.each(['0.0.0.0:50051', '[::]:50051', '10.0.0.1:50051', 'nvote.example.com:443'])('refuses to be enabled without a token on %s', listen => {
    expect(problemsOf({ listen, faultInjection: { enabled: true } })).toEqual([NEEDS_TOKEN]);
  });

  it('refuses to be enabled without a token on the default addresses', () => {
    expect(() => resolveConfig({ faultInjection: { enabled: true } }, builtInMethods)).toThrow(ConfigError);
    expect(problemsOf({ faultInjection: { enabled: true } })).toEqual([NEEDS_TOKEN]);
  });

  it.each(['127.0.0.1:0', '0.0.0.0:50051'])('may be enabled with a token, listening on %s', listen => {
    const config = resolveConfig({ listen, faultInjection: { enabled: true, token: TOKEN } }, builtInMethods);
    expect(config.faultInjection).toEqual({ enabled: true, token: TOKEN, maxActiveFaults: 64 });
    expect(Object.isFrozen(config.faultInjection)).toBe(true);
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
      NEEDS_TOKEN,
    ]);
  });
});

describe('resolveConfig: adminListen and the operator service', () => {
  it('puts the admin listener on loopback by default', () => {
    expect(DEFAULTS.adminListen).toBe('127.0.0.1:50052');
    expect(resolveConfig(undefined, builtInMethods).adminListen).toEqual({ host: '127.0.0.1', port: 50052 });
    expect(resolveConfig({ adminListen: '[::1]:0' }, builtInMethods).adminListen).toEqual({ host: '::1', port: 0 });
  });

  it.each(['nope', '127.0.0.1', ':50052'])('refuses the adminListen %s, which is not host:port', adminListen => {
    expect(problemsOf({ adminListen })).toEqual(['adminListen: must be host:port']);
  });

  it('refuses an adminListen port past 65535', () => {
    expect(problemsOf({ adminListen: '127.0.0.1:70000' })).toEqual(['adminListen: "127.0.0.1:70000" is not host:port with a port from 0 to 65535']);
  });

  // The operator service is on the admin listener, so its address is what decides, not the compute port's.
  it.each(['127.0.0.1:0', 'localhost:50052', '[::1]:50052'])('needs no operator token on the loopback admin address %s, whatever listen is', adminListen => {
    const config = resolveConfig({ listen: '0.0.0.0:50051', adminListen, operator: { enabled: true } }, builtInMethods);
    expect(config.operator).toEqual({ enabled: true, token: undefined });
  });

  it('needs no operator token on the default admin address, though listen defaults to every interface', () => {
    expect(problemsOf({ operator: { enabled: true } })).toEqual([]);
  });

  it.each([
    ['0.0.0.0:50052', '0.0.0.0'],
    ['[::]:50052', '::'],
    ['10.0.0.1:50052', '10.0.0.1'],
  ])('refuses the operator service without a token on the admin address %s, even with listen on loopback', (adminListen, host) => {
    expect(problemsOf({ listen: '127.0.0.1:0', adminListen, operator: { enabled: true } })).toEqual([OPERATOR_NEEDS_TOKEN(host)]);
  });

  it('needs no operator token while the operator service is disabled, whatever the admin address', () => {
    expect(problemsOf({ adminListen: '0.0.0.0:50052', operator: { enabled: false } })).toEqual([]);
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
