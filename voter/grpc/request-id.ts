import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The client's `x-request-id` when it is a sane token, otherwise a fresh UUID. */
export function requestIdOf(metadata: Metadata): string {
  const [given] = metadata.get('x-request-id');
  return typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID();
}
