import { timingSafeEqual } from 'node:crypto';
import { NvoteError } from '../errors.js';

/**
 * The one check in front of every fault-injection surface: with a token configured, the call
 * must carry `authorization: Bearer <token>`. Compared in constant time.
 */
export function requireFaultToken(authorization: readonly string[], token: string | undefined): void {
  if (token === undefined) return;
  const [header] = authorization;
  const given = header === undefined ? undefined : /^Bearer (.+)$/i.exec(header.trim())?.[1];
  if (given === undefined || !sameSecret(given, token)) {
    throw new NvoteError('UNAUTHENTICATED', 'fault injection requires authorization: Bearer <token>');
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
