import { NvoteError } from '../errors.js';
import type { Injection } from './fault-spec.js';
import type { FaultRegistry } from './fault-registry.js';
import { corruptionSeedOf, FaultLimitError } from './fault-registry.js';
import { requireFaultToken } from './fault-token.js';
import { FAULT_HEADER, parseFaultHeader } from './parse-fault-header.js';
import { validateFault, type VersionCatalogue } from './validate-fault.js';

/** What fault injection needs to plan a call's faults and guard its admin service. */
export interface FaultInjection {
  readonly registry: FaultRegistry;
  readonly catalogue: VersionCatalogue;
  readonly token: string | undefined;
}

export interface CallFaults {
  /** The fault each affected version suffers on this call. */
  readonly injections: ReadonlyMap<string, Injection>;
  /** Frees the call's slot under the active-fault cap, once every version has settled. */
  readonly release: () => void;
}

const NONE: CallFaults = { injections: new Map(), release: () => undefined };

/**
 * The faults one call suffers: the registry's active faults that fire on it, then the call's
 * own `x-nvote-fault` faults, which win on a version both name. Throws an NvoteError for a
 * header that is not valid, lacks the token, or would exceed the cap.
 */
export function planCallFaults(
  injection: FaultInjection,
  method: string,
  header: (name: string) => readonly string[],
  requestId: string,
  scope: 'call' | 'probe',
): CallFaults {
  const planned = injection.registry.plan(method, requestId, scope);
  const values = header(FAULT_HEADER);
  if (values.length === 0) return planned.size === 0 ? NONE : { injections: planned, release: NONE.release };

  requireFaultToken(header('authorization'), injection.token);
  const parsed = parseFaultHeader(values);
  if (!parsed.ok) throw invalid(parsed.problems);
  const own = new Map<string, Injection>();
  const problems: string[] = [];
  for (const [index, draft] of parsed.drafts.entries()) {
    const result = validateFault({ ...draft, method }, injection.catalogue);
    if (!result.ok) {
      problems.push(...result.problems.map(problem => `${FAULT_HEADER}[${index}] ${problem}`));
      continue;
    }
    const { spec } = result;
    for (const version of spec.versions) {
      if (own.has(version)) problems.push(`${FAULT_HEADER}[${index}] versions: "${version}" already has a fault on this call`);
      own.set(version, {
        faultId: `call:${index}`,
        kind: spec.kind,
        delayMs: spec.delayMs,
        corruptionSeed: corruptionSeedOf(spec, `call:${index}/${requestId}`, version),
        perCall: true,
      });
    }
  }
  if (problems.length > 0) throw invalid(problems);

  let release: () => void;
  try {
    release = injection.registry.reserveRequestFaults();
  } catch (error) {
    if (error instanceof FaultLimitError) throw new NvoteError('FAULT_LIMIT', error.message);
    throw error;
  }
  return { injections: new Map([...planned, ...own]), release };
}

function invalid(problems: readonly string[]): NvoteError {
  return new NvoteError('INVALID_FAULT', `invalid fault: ${problems.join('; ')}`);
}
