import { credentials, makeGenericClientConstructor, Metadata, status } from '@grpc/grpc-js';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInMethods } from '../../voter/methods/built-in.js';
import { reverseDefinition, reverseMethod } from '../fixtures/reverse/reverse-method.js';
import { call, errorInfoOf, outcomeOf, reportOf, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

const TextClient = makeGenericClientConstructor({ Reverse: reverseDefinition }, 'example.v1.TextService');

let gateway: Gateway;
let client: InstanceType<typeof TextClient>;
beforeAll(async () => {
  gateway = await startGateway({ methods: [...builtInMethods, reverseMethod] });
  client = new TextClient(gateway.address, credentials.createInsecure());
});
afterAll(async () => {
  client.close();
  await gateway.stop();
});

type Reverse = Parameters<typeof call<{ text: string }, { text: string }>>[0];
const reverse = (): Reverse => (client['Reverse'] as Reverse).bind(client);

describe('a new voted RPC is added without touching the gateway core', () => {
  it('serves the new RPC by majority vote next to the built-in ones', async () => {
    const result = await call(reverse(), { text: 'nvote' }, { metadata: new Metadata() });
    expect(result.response).toEqual({ text: 'etovn' });
    expect(['unanimous', 'majority']).toContain(outcomeOf(result.trailers));
    expect(reportOf(result.trailers)).toMatchObject({ method: 'Reverse', configuredVersions: 3 });

    const sorted = await call(gateway.client.sort.bind(gateway.client), { values: [2n, 1n] });
    expect(sorted.response?.values).toEqual([1n, 2n]);
  });

  it('votes on its domain errors like any built-in RPC', async () => {
    const result = await call(reverse(), { text: '' });
    expect(result.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(errorInfoOf(result.error!).reason).toBe('EMPTY');
  });

  it('gets metrics for the new method and its versions', async () => {
    const text = await gateway.metrics();
    expect(sample(text, 'nvote_pool_threads', { method: 'Reverse', version: 'reverse-by-halves' })).toBe(1);
    expect(sample(text, 'nvote_votes_total', { method: 'Reverse', outcome: 'no_majority' })).toBe(0);
  });

  it('needed no change to the core: the extension lives only in test files', () => {
    const search = spawnSync('git', ['grep', '-l', '-e', 'Reverse', '-e', 'example.v1', '--', 'voter', 'versions'], {
      encoding: 'utf8',
    });
    expect(search.stdout).toBe('');
    expect(search.status).toBe(1); // git grep: no match
  });
});
