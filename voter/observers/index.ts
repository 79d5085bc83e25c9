/** Observers of every vote that are not metrics or health: the evidence log. */
export { createDisagreementLog } from './disagreement-log.js';
