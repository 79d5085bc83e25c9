import type { SelfTestResult } from './known-answer-probes.js';

/** One version's self-tests, as a checkpoint keeps them (Unix ms; absent: never). */
export interface SelfTestEntry {
  readonly lastResult?: SelfTestResult;
  readonly lastRunAt?: number;
  readonly lastSuccessAt?: number;
}
export type SelfTestSnapshot = Readonly<Record<string, Readonly<Record<string, SelfTestEntry>>>>;

/**
 * What each version's self-tests came to, remembered across restarts: a version that has not
 * passed one for an hour has not, whether or not the gateway restarted in between.
 */
export interface SelfTestHistory {
  record(method: string, version: string, result: SelfTestResult, at: number): void;
  get(method: string, version: string): SelfTestEntry | undefined;
  snapshot(): SelfTestSnapshot;
  /** Takes a checkpoint's entries for the versions still configured; returns those taken. */
  restore(snapshot: SelfTestSnapshot): { method: string; version: string; entry: SelfTestEntry }[];
}

export function createSelfTestHistory(methods: ReadonlyMap<string, readonly string[]>): SelfTestHistory {
  const entries = new Map<string, Map<string, SelfTestEntry>>([...methods].map(([method, versions]) => [method, new Map(versions.map(version => [version, {}]))]));
  return {
    record(method, version, result, at) {
      const versions = entries.get(method);
      const previous = versions?.get(version);
      if (versions === undefined || previous === undefined) return;
      versions.set(version, { ...previous, lastResult: result, lastRunAt: at, ...(result === 'pass' ? { lastSuccessAt: at } : {}) });
    },
    get: (method, version) => entries.get(method)?.get(version),
    snapshot: () => Object.fromEntries([...entries].map(([method, versions]) => [method, Object.fromEntries(versions)])),
    restore(snapshot) {
      const taken: { method: string; version: string; entry: SelfTestEntry }[] = [];
      for (const [method, versions] of Object.entries(snapshot)) {
        for (const [version, entry] of Object.entries(versions)) {
          const current = entries.get(method);
          if (current?.has(version) !== true) continue;
          current.set(version, entry);
          taken.push({ method, version, entry });
        }
      }
      return taken;
    },
  };
}
