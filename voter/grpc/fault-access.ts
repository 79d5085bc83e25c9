import { timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { NvoteError } from '../errors.js';

/**
 * The one check in front of every fault-injection surface: with a token configured, the call
 * must carry `authorization: Bearer <token>`. Compared in constant time.
 */
export function requireFaultToken(metadata: Metadata, token: string | undefined): void {
  if (token === undefined) return;
  const [header] = metadata.get('authorization');
  const given = typeof header === 'string' ? /^Bearer (.+)$/i.exec(header.trim())?.[1] : undefined;
  if (given === undefined || !sameSecret(given, token)) {
    throw new NvoteError('UNAUTHENTICATED', 'fault injection requires authorization: Bearer <token>');
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
