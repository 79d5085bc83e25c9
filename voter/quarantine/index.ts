/** Value-aware quarantine of permanently faulty versions: a plug-in of the interceptor and observer seams. */
export {
  createQuarantineBook,
  type OperatorResult,
  type QuarantineBook,
  type QuarantineRules,
  type QuarantineSnapshot,
  type Standing,
  type Transition,
  type TransitionCause,
  type VersionStanding,
} from './quarantine-book.js';
export { createQuarantinePlugin, type QuarantinePlugin, type QuarantinePluginOptions, type QuarantineSink } from './quarantine-plugin.js';
