import type { FaultSpec, Injection } from './fault-spec.js';
import { drawFor } from './seeded-random.js';

/** An injected fault and what it has done so far. */
export interface ActiveFault {
  readonly id: string;
  readonly spec: FaultSpec;
  readonly activations: number;
  /** Executions a transient fault still fires on; 0 for other activations. */
  readonly remaining: number;
  readonly createdUnixMs: number;
  /** 0 when the fault has no duration. */
  readonly expiresUnixMs: number;
}

export interface FaultRegistryOptions {
  /** Faults active at once, request-scoped ones in flight included (Envoy's max_active_faults). */
  readonly maxActiveFaults: number;
  /** Injected for tests of durations; Date.now otherwise. */
  readonly now?: () => number;
}

/** Thrown when a fault would exceed the cap on active faults. */
export class FaultLimitError extends Error {
  override readonly name = 'FaultLimitError';
}

export interface FaultRegistry {
  inject(spec: FaultSpec): ActiveFault;
  list(): readonly ActiveFault[];
  /** Removes the named faults, or all of them; returns how many were removed. */
  clear(ids?: readonly string[]): number;
  /**
   * Which versions suffer which fault on this call. Activation is drawn from the fault's seed,
   * the request id and the version, so the same request ids replay the same faults. A health
   * probe suffers permanent and intermittent faults like a call, but never takes one of a
   * transient fault's executions: those are meant for clients' calls.
   */
  plan(method: string, requestId: string, scope?: 'call' | 'probe'): Map<string, Injection>;
  /** Reserves a slot for a call carrying its own faults; the release frees it. */
  reserveRequestFaults(): () => void;
  /** Calls carrying their own faults that have not finished. */
  requestScopedInFlight(): number;
  readonly maxActiveFaults: number;
}

interface Entry {
  readonly id: string;
  readonly spec: FaultSpec;
  activations: number;
  remaining: number;
  readonly createdUnixMs: number;
  readonly expiresUnixMs: number;
}

export function createFaultRegistry(options: FaultRegistryOptions): FaultRegistry {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let nextId = 1;
  let requestScoped = 0;

  const prune = (): void => {
    const at = now();
    for (const [id, entry] of entries) {
      const expired = entry.expiresUnixMs > 0 && at >= entry.expiresUnixMs;
      const spent = entry.spec.activation.mode === 'transient' && entry.remaining === 0;
      if (expired || spent) entries.delete(id);
    }
  };
  const ensureRoom = (): void => {
    prune();
    if (entries.size + requestScoped >= options.maxActiveFaults) {
      throw new FaultLimitError(
        `${entries.size} injected and ${requestScoped} per-call faults are active; the cap is ${options.maxActiveFaults}`,
      );
    }
  };
  const fires = (entry: Entry, requestId: string, version: string, scope: 'call' | 'probe'): boolean => {
    const { activation } = entry.spec;
    if (activation.mode === 'permanent') return true;
    if (activation.mode === 'transient') return scope === 'call' && entry.remaining > 0;
    // A common-mode fault draws once per call: its versions fail together or not at all.
    const key = entry.spec.kind === 'common_mode' ? '*' : version;
    return drawFor(entry.spec.seed, requestId, key) < activation.probability;
  };

  return {
    maxActiveFaults: options.maxActiveFaults,

    inject(spec) {
      ensureRoom();
      const createdUnixMs = now();
      const entry: Entry = {
        id: `fault-${nextId++}`,
        spec,
        activations: 0,
        remaining: spec.activation.mode === 'transient' ? spec.activation.count : 0,
        createdUnixMs,
        expiresUnixMs: spec.durationMs > 0 ? createdUnixMs + spec.durationMs : 0,
      };
      entries.set(entry.id, entry);
      return snapshot(entry);
    },

    list() {
      prune();
      return [...entries.values()].map(snapshot);
    },

    clear(ids) {
      prune();
      if (ids === undefined || ids.length === 0) {
        const count = entries.size;
        entries.clear();
        return count;
      }
      let count = 0;
      for (const id of new Set(ids)) if (entries.delete(id)) count += 1;
      return count;
    },

    plan(method, requestId, scope = 'call') {
      const injections = new Map<string, Injection>();
      if (entries.size === 0) return injections;
      prune();
      for (const entry of entries.values()) {
        if (entry.spec.method !== method) continue;
        let fired = false;
        for (const version of entry.spec.versions) {
          // The oldest fault on a version wins: one version suffers one fault per call.
          if (injections.has(version) || !fires(entry, requestId, version, scope)) continue;
          injections.set(version, {
            faultId: entry.id,
            kind: entry.spec.kind,
            delayMs: entry.spec.delayMs,
            corruptionSeed: corruptionSeedOf(entry.spec, requestId, version),
            perCall: false,
          });
          fired = true;
        }
        if (fired) {
          entry.activations += 1;
          if (entry.spec.activation.mode === 'transient') entry.remaining -= 1;
        }
      }
      return injections;
    },

    requestScopedInFlight: () => requestScoped,

    reserveRequestFaults() {
      ensureRoom();
      requestScoped += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        requestScoped -= 1;
      };
    },
  };
}

/**
 * Only a common-mode fault's versions share a corruption, and so a wrong answer: two versions
 * with independent faults are corrupted independently, as two real bugs would be.
 */
export function corruptionSeedOf(spec: Pick<FaultSpec, 'kind' | 'seed'>, scope: string, version: string): string {
  return spec.kind === 'common_mode' ? `${spec.seed}/${scope}` : `${spec.seed}/${scope}/${version}`;
}

function snapshot(entry: Entry): ActiveFault {
  return {
    id: entry.id,
    spec: entry.spec,
    activations: entry.activations,
    remaining: entry.remaining,
    createdUnixMs: entry.createdUnixMs,
    expiresUnixMs: entry.expiresUnixMs,
  };
}
