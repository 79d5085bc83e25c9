import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  FaultInjectionServiceClient,
  FaultKind,
  type FaultSpec,
  type InjectFaultResponse,
} from '../../voter/gen/nvote/v1/fault_injection_service.js';
import { adminOf, faultMetadata } from '../helpers/fault-admin.js';
import { call, errorInfoOf, reportOf, startGateway, type Gateway } from '../helpers/start-gateway.js';
import { reflect } from '../helpers/reflection.js';

const TOKEN = 'a-test-token-of-32-characters!!!';
const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];
const VALUES = [3n, 1n, 2n];

/** A FaultInjectionService client on the gateway's admin listener, where the service is served. */
function adminClientOf(gw: Gateway): FaultInjectionServiceClient {
  return new FaultInjectionServiceClient(adminOf(gw), credentials.createInsecure());
}

function bearer(token = TOKEN): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function unary<TResponse>(
  start: (callback: (error: ServiceError | null, response: TResponse) => void) => unknown,
): Promise<{ response?: TResponse; error?: ServiceError }> {
  return new Promise(resolve => {
    start((error, response) => resolve(error ? { error } : { response }));
  });
}

function spec(fields: Partial<FaultSpec>): FaultSpec {
  return {
    kind: FaultKind.FAULT_KIND_CRASH,
    method: '',
    versions: ['sort-heap'],
    activation: { $case: 'permanent', value: {} },
    delayMs: 0n,
    durationMs: 0n,
    seed: 0n,
    ...fields,
  };
}

function inject(admin: FaultInjectionServiceClient, fields: Partial<FaultSpec>, metadata = faultMetadata()) {
  return unary<InjectFaultResponse>(cb => admin.injectFault({ spec: spec(fields) }, metadata, cb));
}

/** `kind@version` → faults planted so far, from the gateway's own counter. */
async function plantedCounts(gw: Gateway): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const line of (await gw.metrics()).split('\n')) {
    const match = /^nvote_faults_injected_total\{method="Sort",version="([^"]+)",kind="([^"]+)"\} (\d+)/.exec(line);
    if (match !== null) counts.set(`${match[2]}@${match[1]}`, Number(match[3]));
  }
  return counts;
}

/**
 * Which versions had a fault planted on one Sort call. Counted where the plan is made: the
 * report names only the faults of runs that started, and a standing fault's run may be dropped
 * once the others decided (more often on a loaded machine).
 */
async function injectedOn(gw: Gateway, requestId: string): Promise<string[]> {
  const metadata = new Metadata();
  metadata.set('x-request-id', requestId);
  const before = await plantedCounts(gw);
  await call(gw.client.sort.bind(gw.client), { values: VALUES }, { metadata, deadlineMs: 5_000 });
  const after = await plantedCounts(gw);
  return [...after].filter(([key, count]) => count > (before.get(key) ?? 0)).map(([key]) => key);
}

describe('fault injection disabled (the default)', () => {
  it('opens no admin listener, does not serve the admin service nor list it, and ignores fault metadata', async () => {
    await using gw = await startGateway({ config: { methods: { Sort: { versions: TMR } } } });
    // Neither fault injection nor the operator service is on: nothing to listen for.
    expect(gw.admin).toBeUndefined();
    const admin = new FaultInjectionServiceClient(gw.address, credentials.createInsecure());
    try {
      const refused = await inject(admin, {});
      expect(refused.error?.code).toBe(status.UNIMPLEMENTED);
      const { services } = await reflect(gw.address, 'nvote.v1.ComputeService');
      expect(services).not.toContain('nvote.v1.FaultInjectionService');
      // Even with the token: off means off.
      const metadata = faultMetadata('wrong_value sort-heap');
      const result = await call(gw.client.sort.bind(gw.client), { values: VALUES }, { metadata });
      expect(result.response?.values).toEqual([1n, 2n, 3n]);
      expect(reportOf(result.trailers).versions.every(version => version.injectedFault === '')).toBe(true);
      expect(await gw.metrics()).not.toContain('nvote_faults_injected_total');
    } finally {
      admin.close();
    }
  });
});

describe('fault injection enabled', () => {
  it('requires the bearer token on the admin service and on fault metadata', async () => {
    await using gw = await startGateway({
      config: { faultInjection: { enabled: true, token: TOKEN }, methods: { Sort: { versions: TMR } } },
    });
    const admin = adminClientOf(gw);
    try {
      for (const metadata of [new Metadata(), bearer('not-the-token-but-long-enough!!!'), bearer(`${TOKEN}x`)]) {
        const refused = await inject(admin, {}, metadata);
        expect(refused.error?.code).toBe(status.UNAUTHENTICATED);
        expect(errorInfoOf(refused.error!).reason).toBe('UNAUTHENTICATED');
      }
      const listed = await unary(cb => admin.listFaults({}, new Metadata(), cb));
      expect(listed.error?.code).toBe(status.UNAUTHENTICATED);
      const accepted = await inject(admin, {}, bearer());
      expect(accepted.response?.fault?.id).toMatch(/^fault-\d+$/);

      const metadata = new Metadata();
      metadata.set('x-nvote-fault', 'crash sort-merge');
      const unauthenticated = await call(gw.client.sort.bind(gw.client), { values: VALUES }, { metadata });
      expect(unauthenticated.error?.code).toBe(status.UNAUTHENTICATED);
      expect(errorInfoOf(unauthenticated.error!).reason).toBe('UNAUTHENTICATED');
    } finally {
      admin.close();
    }
  });

  it('is served and described on the admin listener only, never on the compute port', async () => {
    await using gw = await startGateway({ config: { faultInjection: { enabled: true }, methods: { Sort: { versions: TMR } } } });
    // Reaching the compute port must not be enough to plant a fault: the service is not served
    // there, even to a caller with the token, nor described.
    const onCompute = new FaultInjectionServiceClient(gw.address, credentials.createInsecure());
    try {
      const refused = await inject(onCompute, {});
      expect(refused.error?.code).toBe(status.UNIMPLEMENTED);
    } finally {
      onCompute.close();
    }
    const compute = await reflect(gw.address, 'nvote.v1.FaultInjectionService');
    expect(compute.services).toContain('nvote.v1.ComputeService');
    expect(compute.services).not.toContain('nvote.v1.FaultInjectionService');
    expect(compute.files).toBe(0);

    const admin = adminClientOf(gw);
    try {
      const accepted = await inject(admin, {});
      expect(accepted.response?.fault?.id).toMatch(/^fault-\d+$/);
    } finally {
      admin.close();
    }
    // The admin listener describes what it serves: nothing of the compute port, nor of the
    // operator service, which is off.
    const listed = await reflect(adminOf(gw), 'nvote.v1.FaultInjectionService');
    expect(listed.services).toContain('nvote.v1.FaultInjectionService');
    expect(listed.services).not.toContain('nvote.v1.ComputeService');
    expect(listed.services).not.toContain('nvote.v1.OperatorService');
    expect(listed.files).toBeGreaterThan(0);
  });

  it('validates every field and reports every problem at once, injecting nothing', async () => {
    await using gw = await startGateway({ config: { faultInjection: { enabled: true }, methods: { Sort: { versions: TMR } } } });
    const admin = adminClientOf(gw);
    try {
      const absurd = await inject(admin, {
        kind: FaultKind.FAULT_KIND_DELAY,
        method: 'Sort',
        versions: ['sort-heap', 'sort-heap', 'sort-nothing'],
        activation: { $case: 'transient', value: { count: 2n ** 62n } },
        delayMs: -5n,
        durationMs: -1n,
      });
      expect(absurd.error?.code).toBe(status.INVALID_ARGUMENT);
      expect(errorInfoOf(absurd.error!).reason).toBe('INVALID_FAULT');
      for (const problem of [
        '"sort-heap" is listed twice',
        '"sort-nothing" is not a version of Sort',
        'transient.count: 4611686018427387904 is outside 1..1000000000',
        'delay_ms: -5 is outside',
        'duration_ms: -1 is outside',
      ]) {
        expect(absurd.error?.details).toContain(problem);
      }
      const probability = await inject(admin, { activation: { $case: 'intermittent', value: { probability: 1.5 } } });
      expect(probability.error?.details).toContain('intermittent.probability: 1.5 is not a probability in [0, 1]');
      const unspecified = await inject(admin, { kind: FaultKind.FAULT_KIND_UNSPECIFIED, versions: [] });
      expect(unspecified.error?.details).toContain('kind: required');
      expect(unspecified.error?.details).toContain('versions: name at least one version');
      const commonMode = await inject(admin, { kind: FaultKind.FAULT_KIND_COMMON_MODE });
      expect(commonMode.error?.details).toContain('at least two versions');
      const list = await unary<{ faults: unknown[] }>(cb => admin.listFaults({}, faultMetadata(), cb));
      expect(list.response?.faults).toEqual([]);
      const clear = await unary(cb => admin.clearFaults({ ids: ['fault-999'] }, faultMetadata(), cb));
      expect(clear.error?.code).toBe(status.NOT_FOUND);
    } finally {
      admin.close();
    }
  });

  it('caps the faults active at once', async () => {
    await using gw = await startGateway({
      config: { faultInjection: { enabled: true, maxActiveFaults: 2 }, methods: { Sort: { versions: TMR } } },
    });
    const admin = adminClientOf(gw);
    try {
      expect((await inject(admin, { kind: FaultKind.FAULT_KIND_DELAY, delayMs: 1n })).response).toBeDefined();
      expect((await inject(admin, { kind: FaultKind.FAULT_KIND_DELAY, delayMs: 1n })).response).toBeDefined();
      const third = await inject(admin, { kind: FaultKind.FAULT_KIND_DELAY, delayMs: 1n });
      expect(third.error?.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(third.error?.details).toContain('the cap is 2');
      // A call carrying its own faults needs a slot too.
      const metadata = faultMetadata('delay sort-merge delay_ms=1');
      const refused = await call(gw.client.sort.bind(gw.client), { values: VALUES }, { metadata });
      expect(refused.error?.code).toBe(status.RESOURCE_EXHAUSTED);
      const cleared = await unary<{ cleared: number }>(cb => admin.clearFaults({ ids: [] }, faultMetadata(), cb));
      expect(cleared.response?.cleared).toBe(2);
      const allowed = await call(gw.client.sort.bind(gw.client), { values: VALUES }, { metadata });
      expect(allowed.response?.values).toEqual([1n, 2n, 3n]);
    } finally {
      admin.close();
    }
  });

  it('activates faults as named: transient for K calls, permanent until cleared, intermittent replayable by seed', async () => {
    // No self-tests during it: a permanent fault fires on a self-test too, and one that fell among
    // the three calls below (a slow machine's calls span the 1 s probe tick) made 4 activations.
    const quiet = { probeIntervalMs: 600_000, idleProbeAfterMs: 600_000, selfTestIntervalMs: 600_000 };
    await using gw = await startGateway({ config: { faultInjection: { enabled: true }, methods: { Sort: { versions: TMR } }, health: quiet } });
    const admin = adminClientOf(gw);
    try {
      await inject(admin, { kind: FaultKind.FAULT_KIND_WRONG_VALUE, activation: { $case: 'transient', value: { count: 3n } } });
      const transient = [];
      for (let i = 0; i < 5; i++) transient.push(await injectedOn(gw, `transient-${i}`));
      expect(transient).toEqual([['wrong_value@sort-heap'], ['wrong_value@sort-heap'], ['wrong_value@sort-heap'], [], []]);
      expect((await unary<{ faults: unknown[] }>(cb => admin.listFaults({}, faultMetadata(), cb))).response?.faults).toEqual([]);

      const permanent = await inject(admin, { kind: FaultKind.FAULT_KIND_EXCEPTION, versions: ['sort-radix'] });
      for (let i = 0; i < 3; i++) expect(await injectedOn(gw, `permanent-${i}`)).toEqual(['exception@sort-radix']);
      const listed = await unary<{ faults: { activations: bigint }[] }>(cb => admin.listFaults({}, faultMetadata(), cb));
      expect(listed.response?.faults[0]?.activations).toBe(3n);
      await unary(cb => admin.clearFaults({ ids: [permanent.response!.fault!.id] }, faultMetadata(), cb));
      expect(await injectedOn(gw, 'permanent-after')).toEqual([]);

      const intermittent = { kind: FaultKind.FAULT_KIND_DELAY, delayMs: 1n, seed: 42n };
      const pattern = async (): Promise<boolean[]> => {
        const fired: boolean[] = [];
        for (let i = 0; i < 60; i++) fired.push((await injectedOn(gw, `intermittent-${i}`)).length > 0);
        return fired;
      };
      const first = await inject(admin, { ...intermittent, activation: { $case: 'intermittent', value: { probability: 0.5 } } });
      const once = await pattern();
      await unary(cb => admin.clearFaults({ ids: [first.response!.fault!.id] }, faultMetadata(), cb));
      await inject(admin, { ...intermittent, activation: { $case: 'intermittent', value: { probability: 0.5 } } });
      const again = await pattern();
      // 60 draws at p = 0.5: 4 standard deviations is about ±15.
      const count = once.filter(Boolean).length;
      expect(count).toBeGreaterThan(15);
      expect(count).toBeLessThan(45);
      expect(again).toEqual(once);
    } finally {
      admin.close();
    }
  });
});
