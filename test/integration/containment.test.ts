import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { VoteObserver } from '../../voter/pipeline/index.js';
import { builtInMethods } from '../../voter/methods/built-in.js';
import { sortMethod } from '../../voter/methods/sort.js';
import type { AnyVotedMethod } from '../../voter/methods/voted-method.js';
import { createExactVoter } from '../../voter/vote/exact-voter.js';
import { call, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

const VALUES = { values: [3n, 1n, 2n] };
const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

/** Sort, but with method or voter code that throws: a bug in the gateway's side, never a version's. */
function sortThatThrowsIn(part: 'agree' | 'isValue' | 'toResponse'): AnyVotedMethod {
  const boom = (): never => {
    throw new Error(`bug in ${part}`);
  };
  return {
    ...sortMethod,
    versions: sortMethod.versions,
    ...(part === 'isValue' ? { isValue: boom as unknown as AnyVotedMethod['isValue'] } : {}),
    ...(part === 'toResponse' ? { toResponse: boom } : {}),
    voters: part === 'agree' ? { exact: () => ({ ...createExactVoter(), agree: boom }) } : sortMethod.voters,
  };
}

async function expectContained(gw: Gateway, stage: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const result = await call(gw.client.sort.bind(gw.client), VALUES, { deadlineMs: 5_000 });
    expect(result.error?.code).toBe(status.INTERNAL);
    expect(result.error?.details).toBe('internal error');
  }
  // Counted, and the admission slot released, once every version of the call has settled.
  await expect.poll(async () => sample(await gw.metrics(), 'nvote_internal_errors_total', { method: 'Sort', stage }), { timeout: 10_000 }).toBe(3);
  await expect.poll(async () => sample(await gw.metrics(), 'nvote_inflight_requests', {}), { timeout: 10_000 }).toBe(0);
  // The gateway is still serving other methods.
  const other = await call(gw.client.factorize.bind(gw.client), { n: 12n }, { deadlineMs: 5_000 });
  expect(other.response?.factors).toEqual([2n, 2n, 3n]);
}

describe('an exception in gateway code fails the call, never the process', () => {
  it("answers INTERNAL when a voter's agree throws, releases admission and counts it", async () => {
    gateway = await startGateway({ methods: [sortThatThrowsIn('agree'), ...otherBuiltIns()], config: { methods: { Sort: { versions: TMR } } } });
    await expectContained(gateway, 'vote');
  });

  it('answers INTERNAL when isValue throws', async () => {
    gateway = await startGateway({ methods: [sortThatThrowsIn('isValue'), ...otherBuiltIns()], config: { methods: { Sort: { versions: TMR } } } });
    await expectContained(gateway, 'vote');
  });

  it('answers INTERNAL when toResponse throws', async () => {
    gateway = await startGateway({ methods: [sortThatThrowsIn('toResponse'), ...otherBuiltIns()], config: { methods: { Sort: { versions: TMR } } } });
    await expectContained(gateway, 'response');
  });

  it('still answers, and the other observers still run, when an observer throws', async () => {
    const throwing: VoteObserver = {
      name: 'broken',
      voteEnded: () => {
        throw new Error('observer bug');
      },
    };
    gateway = await startGateway({ observers: [throwing], config: { methods: { Sort: { versions: TMR } } } });
    const gw = gateway;
    for (let i = 0; i < 3; i++) {
      const result = await call(gw.client.sort.bind(gw.client), VALUES, { deadlineMs: 5_000 });
      expect(result.response?.values).toEqual([1n, 2n, 3n]);
    }
    // Observers run once every version has settled, after the answer.
    await expect
      .poll(async () => sample(await gw.metrics(), 'nvote_internal_errors_total', { method: 'Sort', stage: 'observer' }), {
        timeout: 10_000,
      })
      .toBe(3);
    const metrics = await gw.metrics();
    expect(sample(metrics, 'nvote_votes_total', { method: 'Sort', outcome: 'unanimous' })).toBe(3);
    expect(sample(metrics, 'nvote_inflight_requests', {})).toBe(0);
  });
});

function otherBuiltIns(): AnyVotedMethod[] {
  return builtInMethods.filter(method => method.name !== 'Sort');
}
