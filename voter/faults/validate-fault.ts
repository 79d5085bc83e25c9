import { FAULT_KINDS, type Activation, type FaultKind, type FaultSpec } from './fault-spec.js';

/** A fault as a client wrote it, before validation (from the admin RPC or from metadata). */
export interface FaultDraft {
  readonly kind?: string;
  readonly method?: string;
  readonly versions?: readonly string[];
  readonly activation?: DraftActivation;
  readonly delayMs?: number | bigint;
  readonly durationMs?: number | bigint;
  readonly seed?: number | bigint | string;
}

/** An activation as written: a transient count may arrive as any int64. */
export type DraftActivation =
  | { readonly mode: 'permanent' }
  | { readonly mode: 'transient'; readonly count: number | bigint }
  | { readonly mode: 'intermittent'; readonly probability: number };

/** Method name → the version ids it runs, as configured. */
export type VersionCatalogue = ReadonlyMap<string, readonly string[]>;

export const FAULT_LIMITS = {
  maxDelayMs: 600_000, // 10 minutes: longer than any budget the gateway allows
  maxDurationMs: 7 * 24 * 3_600_000,
  maxTransientCount: 1_000_000_000,
} as const;

export type FaultValidation =
  | { readonly ok: true; readonly spec: FaultSpec }
  | { readonly ok: false; readonly problems: readonly string[] };

const UINT64_MAX = 2n ** 64n - 1n;

/** Checks every field of a fault and reports every problem at once. */
export function validateFault(draft: FaultDraft, catalogue: VersionCatalogue): FaultValidation {
  const problems: string[] = [];
  const kind = draft.kind;
  if (kind === undefined || kind === '') problems.push(`kind: required, one of ${FAULT_KINDS.join(', ')}`);
  else if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    problems.push(`kind: "${kind}" is not one of ${FAULT_KINDS.join(', ')}`);
  }
  const method = resolveMethod(draft, catalogue, problems);
  checkVersions(draft, kind, method, catalogue, problems);
  const activation = checkActivation(draft.activation, problems);
  const before = problems.length;
  const delayMs = checkInteger('delay_ms', draft.delayMs ?? 0, 0, FAULT_LIMITS.maxDelayMs, problems);
  if (kind === 'delay' && delayMs === 0 && problems.length === before) {
    problems.push('delay_ms: a delay fault needs delay_ms of at least 1');
  }
  if (kind !== 'delay' && kind !== undefined && delayMs > 0) problems.push(`delay_ms: only a delay fault takes a delay, not ${kind}`);
  const durationMs = checkInteger('duration_ms', draft.durationMs ?? 0, 0, FAULT_LIMITS.maxDurationMs, problems);
  const seed = checkSeed(draft.seed ?? 0, problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    spec: {
      kind: kind as FaultKind,
      method: method as string,
      versions: [...(draft.versions ?? [])],
      activation,
      delayMs,
      durationMs,
      seed,
    },
  };
}

function resolveMethod(draft: FaultDraft, catalogue: VersionCatalogue, problems: string[]): string | undefined {
  if (draft.method !== undefined && draft.method !== '') {
    if (catalogue.has(draft.method)) return draft.method;
    problems.push(`method: unknown method "${draft.method}" (known: ${[...catalogue.keys()].join(', ')})`);
    return undefined;
  }
  const owners = new Set<string>();
  for (const version of draft.versions ?? []) {
    for (const [method, versions] of catalogue) if (versions.includes(version)) owners.add(method);
  }
  if (owners.size === 1) return [...owners][0];
  if (owners.size > 1) problems.push(`method: the versions belong to ${[...owners].join(' and ')}; name one method`);
  return undefined;
}

function checkVersions(
  draft: FaultDraft,
  kind: string | undefined,
  method: string | undefined,
  catalogue: VersionCatalogue,
  problems: string[],
): void {
  const versions = draft.versions ?? [];
  if (versions.length === 0) {
    problems.push('versions: name at least one version');
    return;
  }
  const known = method === undefined ? undefined : (catalogue.get(method) ?? []);
  const seen = new Set<string>();
  for (const version of versions) {
    if (seen.has(version)) problems.push(`versions: "${version}" is listed twice`);
    seen.add(version);
    if (known !== undefined && !known.includes(version)) {
      problems.push(`versions: "${version}" is not a version of ${method} (known: ${known.join(', ')})`);
    } else if (known === undefined && ![...catalogue.values()].some(list => list.includes(version))) {
      problems.push(`versions: unknown version "${version}"`);
    }
  }
  if (kind === 'common_mode' && versions.length < 2) {
    problems.push('versions: a common_mode fault needs at least two versions that fail together');
  }
}

function checkActivation(activation: DraftActivation | undefined, problems: string[]): Activation {
  if (activation === undefined || activation.mode === 'permanent') return { mode: 'permanent' };
  if (activation.mode === 'transient') {
    const count = checkInteger('transient.count', activation.count, 1, FAULT_LIMITS.maxTransientCount, problems);
    return { mode: 'transient', count };
  }
  const { probability } = activation;
  if (!Number.isFinite(probability) || probability < 0 || probability > 1) {
    problems.push(`intermittent.probability: ${probability} is not a probability in [0, 1]`);
  }
  return { mode: 'intermittent', probability };
}

function checkInteger(field: string, value: number | bigint, min: number, max: number, problems: string[]): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    problems.push(`${field}: ${String(value)} is outside ${min}..${max}`);
    return min;
  }
  return number;
}

function checkSeed(seed: number | bigint | string, problems: string[]): string {
  let value: bigint;
  try {
    value = BigInt(seed);
  } catch {
    problems.push(`seed: "${String(seed)}" is not an unsigned 64-bit integer`);
    return '0';
  }
  if (value < 0n || value > UINT64_MAX) {
    problems.push(`seed: ${value} is not an unsigned 64-bit integer`);
    return '0';
  }
  return value.toString();
}
