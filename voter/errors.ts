/**
 * The closed set of ways a call can fail. `grpc/status.ts` maps each to exactly one gRPC
 * status; adding a code without a status fails to compile.
 */
export const ERROR_CODES = [
  'DOMAIN_ERROR',
  'NO_MAJORITY',
  'QUORUM_LOST',
  'OVERLOADED',
  'SHUTTING_DOWN',
  'INVALID_FAULT',
  'FAULT_LIMIT',
  'FAULT_NOT_FOUND',
  'VERSION_NOT_FOUND',
  'QUARANTINE_REFUSED',
  'DISSENT',
  'UNAUTHENTICATED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class NvoteError extends Error {
  override readonly name = 'NvoteError';
  readonly code: ErrorCode;
  /** The ErrorInfo reason sent to the client (for DOMAIN_ERROR, the versions' voted reason). */
  readonly reason: string;

  constructor(code: ErrorCode, message: string, options: { reason?: string; cause?: unknown } = {}) {
    // Every code but INTERNAL is an answer to the client, not a bug: its stack says nothing, and
    // capturing one cost about 150 us per refusal, 2.7% of the gateway's busy time in a c=64
    // fault campaign that refused 16,800 calls (CPU profile).
    const stackTraceLimit = Error.stackTraceLimit;
    if (code !== 'INTERNAL') Error.stackTraceLimit = 0;
    try {
      super(message, options.cause === undefined ? undefined : { cause: options.cause });
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.code = code;
    this.reason = options.reason ?? code;
  }

  /** Any thrown value as an NvoteError; unknown errors become INTERNAL and keep their cause. */
  static from(error: unknown): NvoteError {
    if (error instanceof NvoteError) return error;
    return new NvoteError('INTERNAL', 'internal error', { cause: error });
  }
}
