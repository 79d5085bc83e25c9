import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  OperatorServiceClient,
  type GetStandingResponse,
  type QuarantineResponse,
  type ReinstateResponse,
  type RunSelfTestResponse,
} from '../../voter/gen/nvote/v1/operator_service.js';
import { adminOf } from '../helpers/fault-admin.js';
import { reflect } from '../helpers/reflection.js';
import { call, reportOf, startGateway, type Gateway } from '../helpers/start-gateway.js';

const TOKEN = 'an-operator-token-of-32-chars!!!';
const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];

function bearer(token = TOKEN): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function unary<TResponse>(start: (callback: (error: ServiceError | null, response: TResponse) => void) => unknown): Promise<{ response?: TResponse; error?: ServiceError }> {
  return new Promise(resolve => {
    start((error, response) => resolve(error ? { error } : { response }));
  });
}

async function voters(gw: Gateway): Promise<string[]> {
  const result = await call(gw.client.sort.bind(gw.client), { values: [2n, 1n] }, { deadlineMs: 5_000 });
  return reportOf(result.trailers).versions.map(version => version.version);
}

describe('the operator service', () => {
  it('is neither served nor described unless enabled', async () => {
    await using gw = await startGateway({ config: { methods: { Sort: { versions: TMR } } } });
    // Nothing enabled that needs it: no admin listener at all.
    expect(gw.admin).toBeUndefined();
    const operator = new OperatorServiceClient(gw.address, credentials.createInsecure());
    try {
      expect((await unary<GetStandingResponse>(cb => operator.getStanding({ method: '' }, bearer(), cb))).error?.code).toBe(status.UNIMPLEMENTED);
      expect((await reflect(gw.address, 'nvote.v1.ComputeService')).services).not.toContain('nvote.v1.OperatorService');
    } finally {
      operator.close();
    }
  });

  it('quarantines and reinstates by hand, refuses what would break the majority, and runs self-tests now', async () => {
    await using gw = await startGateway({ config: { methods: { Sort: { versions: TMR } }, operator: { enabled: true, token: TOKEN } } });
    const operator = new OperatorServiceClient(adminOf(gw), credentials.createInsecure());
    const onCompute = new OperatorServiceClient(gw.address, credentials.createInsecure());
    try {
      // Served and described on the admin listener only: reaching the compute port is not enough to stand a version down.
      const admin = await reflect(adminOf(gw), 'nvote.v1.OperatorService');
      expect(admin.services).toContain('nvote.v1.OperatorService');
      expect(admin.services).not.toContain('nvote.v1.ComputeService');
      expect(admin.files).toBeGreaterThan(0);
      expect((await reflect(gw.address, 'nvote.v1.ComputeService')).services).not.toContain('nvote.v1.OperatorService');
      expect((await unary<GetStandingResponse>(cb => onCompute.getStanding({ method: '' }, bearer(), cb))).error?.code).toBe(status.UNIMPLEMENTED);
      expect((await unary<GetStandingResponse>(cb => operator.getStanding({ method: '' }, new Metadata(), cb))).error?.code).toBe(status.UNAUTHENTICATED);
      expect((await unary<GetStandingResponse>(cb => operator.getStanding({ method: '' }, bearer('x'.repeat(32)), cb))).error?.code).toBe(status.UNAUTHENTICATED);

      const all = await unary<GetStandingResponse>(cb => operator.getStanding({ method: '' }, bearer(), cb));
      expect(all.response?.versions.filter(version => version.method === 'Sort').map(version => [version.version, version.quarantined])).toEqual([
        ['sort-merge', false],
        ['sort-heap', false],
        ['sort-radix', false],
      ]);

      const out = await unary<QuarantineResponse>(cb => operator.quarantine({ method: 'Sort', version: 'sort-heap' }, bearer(), cb));
      expect(out.response?.standing).toMatchObject({ method: 'Sort', version: 'sort-heap', quarantined: true });
      expect(await voters(gw)).toEqual(['sort-merge', 'sort-radix']);

      const refused = await unary<QuarantineResponse>(cb => operator.quarantine({ method: 'Sort', version: 'sort-radix' }, bearer(), cb));
      expect(refused.error?.code).toBe(status.FAILED_PRECONDITION);
      expect(refused.error?.details).toMatch(/strict majority/);
      const unknown = await unary<QuarantineResponse>(cb => operator.quarantine({ method: 'Sort', version: 'sort-nope' }, bearer(), cb));
      expect(unknown.error?.code).toBe(status.NOT_FOUND);
      expect((await unary<GetStandingResponse>(cb => operator.getStanding({ method: 'Nope' }, bearer(), cb))).error?.code).toBe(status.NOT_FOUND);

      const tested = await unary<RunSelfTestResponse>(cb => operator.runSelfTest({ method: 'Sort' }, bearer(), cb));
      expect(tested.response?.results).toEqual(TMR.map(version => ({ method: 'Sort', version, result: 'pass' })));
      const after = await unary<GetStandingResponse>(cb => operator.getStanding({ method: 'Sort' }, bearer(), cb));
      expect(after.response?.versions.every(version => version.lastSelfTest === 'pass' && version.lastSelfTestSuccessUnixMs > 0n)).toBe(true);

      const back = await unary<ReinstateResponse>(cb => operator.reinstate({ method: 'Sort', version: 'sort-heap' }, bearer(), cb));
      expect(back.response?.standing?.quarantined).toBe(false);
      expect(await voters(gw)).toEqual(TMR);
    } finally {
      operator.close();
      onCompute.close();
    }
  });
});
