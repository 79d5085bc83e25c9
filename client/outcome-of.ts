import type { Metadata } from '@grpc/grpc-js';
import { OUTCOME_TRAILER } from './trailers.js';

/** The vote's outcome word from the trailers; undefined when no vote took place. */
export function outcomeOf(trailers: Metadata): string | undefined {
  const [value] = trailers.get(OUTCOME_TRAILER);
  return typeof value === 'string' ? value : undefined;
}
