import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, wireFaultKind } from '../../tools/campaign/fault-kinds.js';
import { FaultKind as WireFaultKind } from '../../voter/gen/nvote/v1/fault_injection_service.js';
import { FAULT_KINDS as GATEWAY_FAULT_KINDS } from '../../voter/faults/fault-spec.js';

describe("the harness's fault kinds", () => {
  it('are the proto enum in its order, spelled as the gateway spells them', () => {
    expect(FAULT_KINDS).toEqual(GATEWAY_FAULT_KINDS);
  });

  it('map to their wire enum values', () => {
    expect(wireFaultKind('crash')).toBe(WireFaultKind.FAULT_KIND_CRASH);
    expect(wireFaultKind('common_mode')).toBe(WireFaultKind.FAULT_KIND_COMMON_MODE);
    expect(FAULT_KINDS.map(wireFaultKind)).toEqual(FAULT_KINDS.map((_, i) => i + 1));
  });
});
