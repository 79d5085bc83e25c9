import { describe, expect, it } from 'vitest';
import { DEFAULT_ADDRESS, parseAddress, resolveAddress } from '../../tools/cli/address.js';
import { parseJsonExact } from '../../tools/cli/parse-json-exact.js';
import { UsageError } from '../../tools/cli/usage-error.js';

describe('parseJsonExact', () => {
  it('keeps integers beyond 2^53 exact by reading them as strings', () => {
    expect(parseJsonExact('{"values":[9007199254740993,-9223372036854775808,1,2.5e3]}')).toEqual({
      values: ['9007199254740993', '-9223372036854775808', 1, 2500],
    });
  });

  it('leaves digits inside strings, escaped quotes included, alone', () => {
    expect(parseJsonExact('{"expression":"\\"99999999999999999999\\" + 1","n":"12"}')).toEqual({
      expression: '"99999999999999999999" + 1',
      n: '12',
    });
  });

  it('still refuses what is not JSON', () => {
    expect(() => parseJsonExact('{"values":[1,}')).toThrow(SyntaxError);
  });
});

describe('the gateway address', () => {
  it.each(['127.0.0.1:50051', 'localhost:1', 'gateway.example-1.internal:65535', '[::1]:50051', 'unix:/tmp/nvote.sock'])(
    'accepts %s',
    address => expect(parseAddress(address, '--address')).toBe(address),
  );

  it.each(['', ' ', '127.0.0.1', 'localhost:0', 'localhost:65536', 'http://localhost:50051', 'a b:1', ':50051'])(
    'refuses "%s", naming where it came from',
    address => expect(() => parseAddress(address, '--address')).toThrow(/^--address/),
  );

  it('takes --address over NVOTE_ADDRESS over the default, and refuses an empty NVOTE_ADDRESS', () => {
    expect(resolveAddress('a:1', { NVOTE_ADDRESS: 'b:2' })).toBe('a:1');
    expect(resolveAddress(undefined, { NVOTE_ADDRESS: 'b:2' })).toBe('b:2');
    expect(resolveAddress(undefined, {})).toBe(DEFAULT_ADDRESS);
    expect(() => resolveAddress(undefined, { NVOTE_ADDRESS: '' })).toThrow(UsageError);
    expect(() => resolveAddress(undefined, { NVOTE_ADDRESS: '' })).toThrow('NVOTE_ADDRESS is empty');
  });
});
