import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unaryCall } from '../../client/index.js';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';
import { startGateway, type Gateway } from '../helpers/start-gateway.js';

let gateway: Gateway;
let client: Client;
beforeAll(async () => {
  gateway = await startGateway({
    config: { methods: { Sort: { versions: ['sort-merge', 'sort-heap', 'sort-radix'] }, Factorize: { versions: ['factorize-pollard-rho', 'factorize-ecm', 'factorize-squfof'] } } },
  });
  client = new Client(gateway.address, credentials.createInsecure());
});
afterAll(async () => {
  client.close();
  await gateway.stop();
});

describe('unaryCall against a real gateway', () => {
  it('returns the response, the vote report and the outcome of a voted call', async () => {
    const metadata = new Metadata();
    metadata.set('x-request-id', 'client-test-1');
    const result = await unaryCall(client, ComputeServiceService.sort, { values: [3n, 1n, 2n] }, { metadata, deadlineMs: 10_000 });
    expect(result).toMatchObject({ status: status.OK, details: '', response: { values: [1n, 2n, 3n] } });
    // The gateway answers on an early majority; the third version may still be running.
    expect(['unanimous', 'majority']).toContain(result.outcome);
    expect(result.report).toMatchObject({ method: 'Sort', requestId: 'client-test-1', configuredVersions: 3 });
    expect(result.report?.agreeing).toBeGreaterThanOrEqual(2);
    expect(result.errorReason).toBeUndefined();
  });

  it("returns a refused call's status, details, ErrorInfo reason and domain, and its vote report", async () => {
    const result = await unaryCall(client, ComputeServiceService.factorize, { n: 1n }, { deadlineMs: 10_000 });
    expect(result.status).toBe(status.INVALID_ARGUMENT);
    expect(result.details).not.toBe('');
    expect(result.response).toBeUndefined();
    expect(result).toMatchObject({ errorReason: 'OUT_OF_RANGE', errorDomain: 'nvote' });
    expect(result.report?.method).toBe('Factorize');
  });

  it('returns UNAVAILABLE with no report when nothing listens', async () => {
    const nowhere = new Client(await closedPort(), credentials.createInsecure());
    try {
      const result = await unaryCall(nowhere, ComputeServiceService.sort, { values: [1n] }, { deadlineMs: 5_000 });
      expect(result.status).toBe(status.UNAVAILABLE);
      expect(result.report).toBeUndefined();
      expect(result.errorReason).toBeUndefined();
    } finally {
      nowhere.close();
    }
  });
});

/** A loopback address nothing listens on: a port the OS just handed out and took back. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return `127.0.0.1:${port}`;
}
