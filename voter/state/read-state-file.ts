import { readFile } from 'node:fs/promises';
import { sha256Hex, STATE_FORMAT, STATE_FORMAT_VERSION } from './state-file-format.js';

/** Why a state file was not restored; each has its own sentence in `reason`. */
export const REFUSAL_CODES = [
  'unreadable',
  'truncated',
  'malformed',
  'wrong-format',
  'unsupported-version',
  'checksum-mismatch',
  'foreign',
  'invalid-payload',
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** The caller's check of the payload's shape: a zod `safeParse` fits in two lines. */
export type ValidatePayload<T> = (payload: unknown) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

export interface ReadStateOptions<T> {
  /** The identity this gateway writes; a file with another one is foreign. */
  readonly identity: string;
  readonly validate: ValidatePayload<T>;
  /** Epoch milliseconds, for `ageMs`; the clock by default. */
  readonly now?: () => number;
}

export type StateReadResult<T> =
  /** No file: the normal first start. */
  | { readonly kind: 'absent' }
  | { readonly kind: 'restored'; readonly payload: T; readonly writtenAt: string; readonly ageMs: number }
  /** A file is there but cannot be trusted; `reason` is one sentence for the log, naming the path. */
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly reason: string };

/**
 * Reads a state file written by writeStateFile. Never throws for a bad file: anything other
 * than a complete, intact, own-format file from this configuration whose payload validates is
 * refused with the reason, so the caller starts fresh and says why. Temporary files left by a
 * crashed write are never looked at: only a completed rename makes a file visible at `path`.
 */
export async function readStateFile<T>(path: string, options: ReadStateOptions<T>): Promise<StateReadResult<T>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    return refuse('unreadable', `state file ${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    return decode(path, bytes, options);
  } catch (error) {
    // The checks below are meant to cover every input; this keeps the promise should one not.
    return refuse('malformed', `state file ${path} could not be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function decode<T>(path: string, bytes: Buffer, options: ReadStateOptions<T>): StateReadResult<T> {
  const newline = bytes.indexOf(0x0a);
  const headerText = bytes.subarray(0, newline === -1 ? bytes.length : newline).toString('utf8');
  const header = parseJson(headerText);
  if (header === undefined) {
    return newline === -1
      ? refuse('truncated', `state file ${path} ends inside its header line (${bytes.length} bytes): it was cut short, or is not a state file`)
      : refuse('malformed', `state file ${path} has a header line that is not JSON`);
  }
  if (!isRecord(header) || header['format'] !== STATE_FORMAT) {
    const marker = isRecord(header) ? shown(header['format']) : 'missing';
    return refuse('wrong-format', `file ${path} is not an nvote state file (format marker ${marker}, expected "${STATE_FORMAT}")`);
  }
  if (header['version'] !== STATE_FORMAT_VERSION) {
    return refuse(
      'unsupported-version',
      `state file ${path} has format version ${shown(header['version'])}; this gateway reads version ${STATE_FORMAT_VERSION} only`,
    );
  }
  const { writtenAt, identity, payloadBytes, sha256 } = header;
  const headerProblems = [
    typeof writtenAt === 'string' && Number.isFinite(Date.parse(writtenAt)) ? undefined : 'writtenAt is not an ISO time',
    typeof identity === 'string' ? undefined : 'identity is not a string',
    Number.isSafeInteger(payloadBytes) && (payloadBytes as number) >= 0 ? undefined : 'payloadBytes is not a byte count',
    typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256) ? undefined : 'sha256 is not a sha256 in hex',
  ].filter(problem => problem !== undefined);
  if (headerProblems.length > 0 || typeof writtenAt !== 'string' || typeof payloadBytes !== 'number') {
    return refuse('malformed', `state file ${path} has a malformed header: ${headerProblems.join('; ')}`);
  }
  const body = newline === -1 ? Buffer.alloc(0) : bytes.subarray(newline + 1);
  if (newline === -1 || body.length < payloadBytes) {
    return refuse('truncated', `state file ${path} is truncated: it holds ${body.length} of the ${payloadBytes} payload bytes its header announces`);
  }
  if (body.length > payloadBytes) {
    return refuse('malformed', `state file ${path} has ${body.length - payloadBytes} bytes after the ${payloadBytes} payload bytes its header announces`);
  }
  if (sha256Hex(body) !== sha256) {
    return refuse('checksum-mismatch', `state file ${path} is corrupt: the sha256 of its payload does not match its header`);
  }
  // After the checksum: an intact file of another configuration is foreign, not corrupt.
  if (identity !== options.identity) {
    return refuse('foreign', `state file ${path} belongs to another configuration (identity ${JSON.stringify(identity)}, this gateway is ${JSON.stringify(options.identity)})`);
  }
  const payload = parseJson(body.toString('utf8'));
  if (payload === undefined) return refuse('malformed', `state file ${path} has a payload that is not JSON`);
  const validated = checked(options.validate, payload);
  if (!validated.ok) {
    return refuse('invalid-payload', `state file ${path} holds a payload this gateway does not accept: ${validated.problems.join('; ')}`);
  }
  return { kind: 'restored', payload: validated.value, writtenAt, ageMs: (options.now ?? Date.now)() - Date.parse(writtenAt) };
}

// A validator that throws has still said no; its message is the problem.
function checked<T>(validate: ValidatePayload<T>, payload: unknown): ReturnType<ValidatePayload<T>> {
  try {
    return validate(payload);
  } catch (error) {
    return { ok: false, problems: [`the check threw: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

function refuse(code: RefusalCode, reason: string): StateReadResult<never> {
  return { kind: 'refused', code, reason };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
