import type { Metadata} from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FaultKind } from '../../voter/faults/fault-spec.js';
import { faultMetadata } from '../helpers/fault-admin.js';
import { call, errorInfoOf, outcomeOf, reportOf, sample, startGateway, type Gateway } from '../helpers/start-gateway.js';

const VALUES = [5n, -3n, 9_223_372_036_854_775_807n, 0n, -9_223_372_036_854_775_808n, 42n, 7n];
const SORTED = [...VALUES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const TMR = ['sort-merge', 'sort-heap', 'sort-radix'];

let gw: Gateway;

beforeAll(async () => {
  gw = await startGateway({
    config: {
      faultInjection: { enabled: true },
      // Small heaps so that an injected oom ends in a fraction of a second.
      methods: { Sort: { versions: TMR, maxOldGenerationMb: 32 } },
      defaultTimeoutMs: 3_000,
      deadlineMarginMs: 250,
      // Stragglers run to their budget here, so that each fault shows its own verdict.
      stragglerGraceMs: 10_000,
    },
  });
});
afterAll(async () => gw.stop());

/** Per-call faults, with the token that every fault-injection surface requires. */
function withFaults(requestId: string, ...faults: string[]): Metadata {
  const metadata = faultMetadata(...faults);
  metadata.set('x-request-id', requestId);
  return metadata;
}

function sortWith(metadata: Metadata, deadlineMs = 4_000) {
  return call(gw.client.sort.bind(gw.client), { values: VALUES }, { metadata, deadlineMs });
}

/** The verdicts a single injected fault of each kind leaves on its version once it has settled. */
const SETTLED_VERDICT: Readonly<Record<Exclude<FaultKind, 'common_mode'>, readonly string[]>> = {
  crash: ['crash'],
  exception: ['error'],
  hang: ['timeout'],
  delay: ['agree'],
  wrong_value: ['disagree'],
  // A flipped bit either no longer decodes (error) or decodes to another value (disagree).
  bit_flip: ['error', 'disagree'],
  oom: ['crash'],
};

async function versionResults(version: string): Promise<Record<string, number>> {
  const text = await gw.metrics();
  const counts: Record<string, number> = {};
  for (const verdict of ['agree', 'disagree', 'error', 'timeout', 'crash', 'cancelled', 'domain_error']) {
    counts[verdict] = sample(text, 'nvote_version_results_total', { method: 'Sort', version, verdict }) ?? 0;
  }
  return counts;
}

describe('one faulty version of three is masked', () => {
  for (const [kind, verdicts] of Object.entries(SETTLED_VERDICT)) {
    it(`masks ${kind} in sort-heap with the right answer`, async () => {
      const before = await versionResults('sort-heap');
      const options = kind === 'delay' ? ' delay_ms=150' : '';
      const result = await sortWith(withFaults(`one-${kind}`, `${kind} sort-heap${options}`));
      expect(result.error).toBeUndefined();
      expect(result.response?.values).toEqual(SORTED);
      const report = reportOf(result.trailers);
      expect(report.versions.find(v => v.version === 'sort-heap')?.injectedFault).toBe(kind);
      expect(report.versions.filter(v => v.injectedFault !== '').map(v => v.version)).toEqual(['sort-heap']);
      // The version's own verdict is counted once it settles (a hang only at its budget's end).
      await vi.waitFor(
        async () => {
          const after = await versionResults('sort-heap');
          const changed = Object.keys(after).filter(verdict => after[verdict] !== before[verdict]);
          expect(changed).toHaveLength(1);
          expect(verdicts).toContain(changed[0]);
        },
        { timeout: 10_000, interval: 50 },
      );
      const text = await gw.metrics();
      expect(sample(text, 'nvote_faults_injected_total', { method: 'Sort', version: 'sort-heap', kind })).toBeGreaterThanOrEqual(1);
    });
  }
});

describe('a faulty majority gives an explicit error, never a guess', () => {
  const cases: ReadonlyArray<readonly [string, readonly string[], number, string]> = [
    ['crash', ['crash sort-merge', 'crash sort-heap'], status.UNAVAILABLE, 'quorum_lost'],
    ['exception', ['exception sort-merge', 'exception sort-heap'], status.UNAVAILABLE, 'quorum_lost'],
    ['hang', ['hang sort-merge', 'hang sort-heap'], status.UNAVAILABLE, 'quorum_lost'],
    ['oom', ['oom sort-merge', 'oom sort-heap'], status.UNAVAILABLE, 'quorum_lost'],
    // Independent corruptions (different seeds) produce different wrong answers: no majority.
    ['wrong_value', ['wrong_value sort-merge seed=1', 'wrong_value sort-heap seed=2'], status.INTERNAL, 'no_majority'],
    ['delay beyond the budget', ['delay sort-merge delay_ms=5000', 'delay sort-heap delay_ms=5000'], status.UNAVAILABLE, 'quorum_lost'],
  ];
  for (const [name, faults, code, outcome] of cases) {
    it(`answers ${outcome} when two of three suffer ${name}`, async () => {
      const result = await sortWith(withFaults(`two-${name}`, ...faults), 2_000);
      expect(result.response).toBeUndefined();
      expect(result.error?.code).toBe(code);
      expect(outcomeOf(result.trailers)).toBe(outcome);
    });
  }

  it('answers with an error or the right value, never a wrong one, when two of three suffer bit flips', async () => {
    for (let i = 0; i < 20; i++) {
      const result = await sortWith(withFaults(`two-bits-${i}`, 'bit_flip sort-merge seed=1', 'bit_flip sort-heap seed=2'));
      if (result.error === undefined) expect(result.response?.values).toEqual(SORTED);
      else expect([status.INTERNAL, status.UNAVAILABLE]).toContain(result.error.code);
    }
  });

  it('delivers the shared wrong answer of a common-mode fault in two of three: the limit of voting', async () => {
    const before = sample(await gw.metrics(), 'nvote_fault_injected_requests_total', { method: 'Sort', effect: 'escaped' }) ?? 0;
    const result = await sortWith(withFaults('common', 'common_mode sort-merge,sort-heap seed=7'));
    // This is what N-version programming cannot mask: two versions that fail alike outvote the
    // right one. The gateway still knows, and counts it as an escape.
    expect(result.error).toBeUndefined();
    expect(result.response?.values).not.toEqual(SORTED);
    expect(result.response?.values).toHaveLength(SORTED.length);
    const report = reportOf(result.trailers);
    expect(report.versions.map(v => [v.version, v.injectedFault])).toEqual([
      ['sort-merge', 'common_mode'],
      ['sort-heap', 'common_mode'],
      ['sort-radix', ''],
    ]);
    await vi.waitFor(
      async () => {
        const after = sample(await gw.metrics(), 'nvote_fault_injected_requests_total', { method: 'Sort', effect: 'escaped' });
        expect(after).toBe(before + 1);
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});

describe('stragglers', () => {
  it('stops a hung version shortly after the vote is decided, freeing its worker', async () => {
    await using quick = await startGateway({
      config: {
        faultInjection: { enabled: true },
        methods: { Sort: { versions: TMR } },
        defaultTimeoutMs: 20_000,
        stragglerGraceMs: 100,
      },
    });
    const metadata = withFaults('straggler', 'hang sort-heap');
    const result = await call(quick.client.sort.bind(quick.client), { values: VALUES }, { metadata, deadlineMs: 20_000 });
    expect(result.response?.values).toEqual(SORTED);
    // Counted as a timeout once stopped: long before the 20 s budget, so the test ends quickly.
    await vi.waitFor(
      async () => {
        const text = await quick.metrics();
        expect(sample(text, 'nvote_version_results_total', { method: 'Sort', version: 'sort-heap', verdict: 'timeout' })).toBe(1);
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});

describe('per-call fault metadata is validated', () => {
  it('refuses a malformed header with every problem listed, and runs nothing', async () => {
    const result = await sortWith(withFaults('bad', 'melt sort-heap', 'delay sort-nothing delay_ms=-5', 'common_mode sort-heap'));
    expect(result.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(errorInfoOf(result.error!).reason).toBe('INVALID_FAULT');
    expect(result.error?.details).toContain('delay_ms=-5');
    const ok = await sortWith(withFaults('bad-2', 'melt sort-heap', 'common_mode sort-heap', 'delay sort-nothing delay_ms=5'));
    expect(ok.error?.details).toContain('"melt" is not one of');
    expect(ok.error?.details).toContain('common_mode fault needs at least two versions');
    expect(ok.error?.details).toContain('"sort-nothing" is not a version of Sort');
    const twice = await sortWith(withFaults('bad-3', 'crash sort-heap', 'hang sort-heap'));
    expect(twice.error?.details).toContain('"sort-heap" already has a fault on this call');
  });

  it('refuses a well-formed header without the token, or with another, and plants nothing', async () => {
    // Counted where a call's faults are planned, before anything runs.
    const planted = async () => sample(await gw.metrics(), 'nvote_faults_injected_total', { method: 'Sort', version: 'sort-heap', kind: 'crash' }) ?? 0;
    const before = await planted();
    const wrongToken = withFaults('wrong-token', 'crash sort-heap');
    wrongToken.set('authorization', 'Bearer not-the-token');
    const tokenless = withFaults('no-token', 'crash sort-heap');
    tokenless.remove('authorization');
    for (const metadata of [tokenless, wrongToken]) {
      const result = await sortWith(metadata);
      expect(result.error?.code).toBe(status.UNAUTHENTICATED);
      expect(errorInfoOf(result.error!).reason).toBe('UNAUTHENTICATED');
    }
    expect(await planted()).toBe(before);
  });
});
