import { FaultKind as WireFaultKind } from '../../voter/gen/nvote/v1/fault_injection_service.js';

type WireName = Exclude<keyof typeof WireFaultKind, 'FAULT_KIND_UNSPECIFIED' | 'UNRECOGNIZED'>;

/**
 * A fault kind as the harness spells it: the proto's enum name without its prefix, in lower case,
 * which is also how `x-nvote-fault` metadata and the VoteReport's `injected_fault` spell it.
 */
export type FaultKind = WireName extends `FAULT_KIND_${infer Name}` ? Lowercase<Name> : never;

/** Every fault kind of nvote.v1.FaultKind, in the proto's order (a new kind there is a new kind here). */
export const FAULT_KINDS: readonly FaultKind[] = Object.freeze(
  (Object.keys(WireFaultKind) as (keyof typeof WireFaultKind)[])
    .filter((name): name is WireName => name.startsWith('FAULT_KIND_') && name !== 'FAULT_KIND_UNSPECIFIED')
    .sort((a, b) => WireFaultKind[a] - WireFaultKind[b])
    .map(name => name.slice('FAULT_KIND_'.length).toLowerCase() as FaultKind),
);

/** The wire enum value of a kind. */
export function wireFaultKind(kind: FaultKind): WireFaultKind {
  return WireFaultKind[`FAULT_KIND_${kind.toUpperCase()}` as WireName];
}

/**
 * Kinds that corrupt a version's result rather than stop it (the proto: wrong value, bit flip,
 * common mode): only these can make versions agree on a wrong answer.
 */
export const RESULT_FAULT_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(['wrong_value', 'bit_flip', 'common_mode']);
