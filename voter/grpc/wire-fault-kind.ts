import { FaultKind as WireFaultKind } from '../gen/nvote/v1/fault_injection_service.js';
import { FAULT_KINDS, type FaultKind } from '../faults/index.js';

/** The one mapping between fault kinds and the FaultKind enum on the wire (server and campaign). */
export const WIRE_FAULT_KIND: Readonly<Record<FaultKind, WireFaultKind>> = {
  crash: WireFaultKind.FAULT_KIND_CRASH,
  exception: WireFaultKind.FAULT_KIND_EXCEPTION,
  hang: WireFaultKind.FAULT_KIND_HANG,
  delay: WireFaultKind.FAULT_KIND_DELAY,
  wrong_value: WireFaultKind.FAULT_KIND_WRONG_VALUE,
  bit_flip: WireFaultKind.FAULT_KIND_BIT_FLIP,
  oom: WireFaultKind.FAULT_KIND_OOM,
  common_mode: WireFaultKind.FAULT_KIND_COMMON_MODE,
};

const KIND_OF_WIRE = new Map<number, FaultKind>(FAULT_KINDS.map(kind => [WIRE_FAULT_KIND[kind], kind]));

/** The kind for a wire value, or undefined for an enum number this build does not know. */
export function faultKindOfWire(wire: number): FaultKind | undefined {
  return KIND_OF_WIRE.get(wire);
}
