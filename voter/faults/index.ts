/** Fault injection: the registry and admin rules, and the plug-in that plants faults in calls. */
export { FAULT_KINDS, RESULT_FAULT_KINDS, type Activation, type FaultKind, type FaultSpec, type Injection } from './fault-spec.js';
export { corruptionSeedOf, FaultLimitError, type ActiveFault, type FaultRegistry } from './fault-registry.js';
export { validateFault, FAULT_LIMITS, type DraftActivation, type FaultDraft, type VersionCatalogue } from './validate-fault.js';
export { requireFaultToken } from './fault-token.js';
export { FAULT_HEADER, MAX_FAULTS_PER_CALL, parseFaultHeader } from './parse-fault-header.js';
export type { FaultInjection } from './plan-call-faults.js';
export {
  createFaultInjectionPlugin,
  FAULT_EFFECTS,
  type FaultEffect,
  type FaultInjectionPlugin,
  type FaultInjectionSink,
} from './fault-injection-plugin.js';
export type { WrongValueSource } from './corrupt-result.js';
export { seededRandom, type SeededRandom } from './seeded-random.js';
