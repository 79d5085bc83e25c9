import { status } from '@grpc/grpc-js';
import type { UnaryResult } from '../../client/index.js';

/** `error: INVALID_ARGUMENT n must be at least 2 (reason OUT_OF_RANGE)`: a failed call in one line. */
export function formatFailure(result: UnaryResult<unknown>): string {
  const name = status[result.status] ?? String(result.status);
  const reason = result.errorReason === undefined || result.errorReason === '' ? '' : ` (reason ${result.errorReason})`;
  return `error: ${name} ${result.details}${reason}\n`;
}
