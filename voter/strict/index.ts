/** Strict mode: any dissent becomes an explicit error (an interceptor of the vote pipeline). */
export { createStrictMode, STRICT_HEADER } from './strict-mode.js';
