import { createHash } from 'node:crypto';

/** Marks a file as ours, so that a path pointed at some other JSON file is refused, not misread. */
export const STATE_FORMAT = 'nvote-state';

/** Bumped when the header or the framing changes; the payload's own shape is the caller's business. */
export const STATE_FORMAT_VERSION = 1;

/**
 * The first line of a state file. The payload follows it byte for byte, so the checksum covers the
 * exact bytes on disk rather than a re-serialisation, and `payloadBytes` tells a file cut short
 * (a truncation) from one whose bytes changed (a checksum mismatch).
 */
export interface StateHeader {
  readonly format: typeof STATE_FORMAT;
  readonly version: typeof STATE_FORMAT_VERSION;
  /** ISO 8601, when the payload was collected and written. */
  readonly writtenAt: string;
  /** The writer's configuration fingerprint: a file from another configuration is foreign. */
  readonly identity: string;
  readonly payloadBytes: number;
  /** sha256 of the payload bytes, lower-case hex. */
  readonly sha256: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The whole file: one header line, then the payload as JSON. */
export function encodeStateFile(payload: unknown, identity: string, writtenAt: Date): Buffer {
  const json: unknown = JSON.stringify(payload);
  // JSON.stringify returns undefined for undefined, functions and symbols: nothing to restore.
  if (typeof json !== 'string') throw new TypeError(`a state payload must be JSON-serialisable (got ${typeof payload})`);
  const body = Buffer.from(json, 'utf8');
  const header: StateHeader = {
    format: STATE_FORMAT,
    version: STATE_FORMAT_VERSION,
    writtenAt: writtenAt.toISOString(),
    identity,
    payloadBytes: body.length,
    sha256: sha256Hex(body),
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), body]);
}
