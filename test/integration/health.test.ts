import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FaultInjectionServiceClient,
  FaultKind,
  type FaultSpec,
  type InjectFaultResponse,
} from '../../voter/gen/nvote/v1/fault_injection_service.js';
import { adminOf, faultMetadata } from '../helpers/fault-admin.js';
import { checkHealth, watchHealth } from '../helpers/health.js';
import { call, startGateway, type Gateway } from '../helpers/start-gateway.js';

const SORT = 'nvote.v1.ComputeService/Sort';
const EVALUATE = 'nvote.v1.ComputeService/Evaluate';
const SERVICE = 'nvote.v1.ComputeService';
// A few probe intervals, on a loaded machine: what "within a few seconds" means in the README.
const TURN_MS = 10_000;

let gateway: Gateway | undefined;
let admin: FaultInjectionServiceClient | undefined;
afterEach(async () => {
  admin?.close();
  admin = undefined;
  await gateway?.stop();
  gateway = undefined;
});

function inject(client: FaultInjectionServiceClient, fields: Partial<FaultSpec>): Promise<InjectFaultResponse> {
  const spec: FaultSpec = {
    kind: FaultKind.FAULT_KIND_CRASH,
    method: 'Sort',
    versions: [],
    activation: { $case: 'permanent', value: {} },
    delayMs: 0n,
    durationMs: 0n,
    seed: 0n,
    ...fields,
  };
  return new Promise((resolve, reject) =>
    client.injectFault({ spec }, faultMetadata(), (error: ServiceError | null, response) => (error ? reject(error) : resolve(response))),
  );
}

function clearAll(client: FaultInjectionServiceClient): Promise<void> {
  return new Promise((resolve, reject) => client.clearFaults({ ids: [] }, faultMetadata(), error => (error ? reject(error) : resolve())));
}

async function healthOf(gw: Gateway, name: string): Promise<string | undefined> {
  return (await checkHealth(gw.address, name)).status;
}

async function startWithFaultInjection(): Promise<{ gw: Gateway; client: FaultInjectionServiceClient }> {
  gateway = await startGateway({
    config: {
      faultInjection: { enabled: true },
      health: { probeIntervalMs: 200, idleProbeAfterMs: 400 },
      methods: { Sort: { maxOldGenerationMb: 32 } },
      // Health itself is the subject: with quarantine, one of the two crashing Sort versions
      // would leave the vote and the method would answer again (quarantine.test.ts shows that).
      quarantine: { enabled: false },
      // Nor time redundancy: re-running the crashed versions waits for their workers to restart
      // (TypeScript compiled in each under tsx), which under a loaded CI machine took a call past
      // its 5 s deadline before it could answer QUORUM_LOST.
      retry: { attempts: 0 },
    },
  });
  admin = new FaultInjectionServiceClient(adminOf(gateway), credentials.createInsecure());
  return { gw: gateway, client: admin };
}

describe('health tells what the versions do', () => {
  it('turns Sort and its service NOT_SERVING while two of four Sort versions crash, the server stays SERVING, and all turn back', async () => {
    const { gw, client } = await startWithFaultInjection();
    expect(await healthOf(gw, SORT)).toBe('SERVING');
    const watch = watchHealth(gw.address, SORT);
    try {
      await inject(client, { versions: ['sort-merge', 'sort-heap'] });
      for (let i = 0; i < 4; i++) {
        const result = await call(gw.client.sort.bind(gw.client), { values: [2n, 1n] }, { deadlineMs: 5_000 });
        expect(result.error?.details).toContain('too few versions');
      }
      expect(await healthOf(gw, SORT)).toBe('NOT_SERVING');
      expect(await healthOf(gw, SERVICE)).toBe('NOT_SERVING');
      expect(await healthOf(gw, EVALUATE)).toBe('SERVING');
      expect(await healthOf(gw, '')).toBe('SERVING');
      // The admin listener's health is of the listener alone: it knows nothing of the methods.
      expect(await checkHealth(adminOf(gw), '')).toEqual({ status: 'SERVING' });
      expect(await checkHealth(adminOf(gw), SORT)).toEqual({ code: status.NOT_FOUND });

      await clearAll(client);
      // No traffic needed: probes of the failing versions bring the method back.
      await expect.poll(() => healthOf(gw, SORT), { timeout: TURN_MS }).toBe('SERVING');
      expect(await healthOf(gw, SERVICE)).toBe('SERVING');
      await expect.poll(() => watch.statuses.at(-1), { timeout: TURN_MS }).toBe('SERVING');
      // Watch sends changes only: never the same status twice in a row.
      expect(watch.statuses).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
    } finally {
      watch.close();
    }
  });

  it('notices, without any client traffic, two of three Evaluate versions hung, and the recovery', async () => {
    const { gw, client } = await startWithFaultInjection();
    await inject(client, { kind: FaultKind.FAULT_KIND_HANG, method: 'Evaluate', versions: ['evaluate-pratt', 'evaluate-shunting-yard'] });
    await expect.poll(() => healthOf(gw, EVALUATE), { timeout: TURN_MS * 2 }).toBe('NOT_SERVING');
    expect(await healthOf(gw, SORT)).toBe('SERVING');
    await clearAll(client);
    await expect.poll(() => healthOf(gw, EVALUATE), { timeout: TURN_MS * 2 }).toBe('SERVING');
  });

  it('is NOT_SERVING for every name once the gateway drains', async () => {
    gateway = await startGateway({ config: { methods: { Sort: { versions: ['sort-merge', 'sort-heap', 'sort-radix'] } } } });
    const gw = gateway;
    const watch = watchHealth(gw.address, '');
    try {
      await expect.poll(() => watch.statuses.at(-1), { timeout: TURN_MS }).toBe('SERVING');
      const stopping = gw.app.stop();
      await expect.poll(() => watch.statuses.at(-1), { timeout: TURN_MS }).toBe('NOT_SERVING');
      await stopping;
    } finally {
      watch.close();
    }
  });
});
