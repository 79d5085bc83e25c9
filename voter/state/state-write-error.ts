/** The steps of an atomic write, in order; the one that failed is named in the error. */
export type StateWriteStep = 'encode' | 'create temporary file' | 'write' | 'fsync' | 'close' | 'rename' | 'fsync directory';

/** A state file could not be written; the previous file, if any, is left as it was. */
export class StateWriteError extends Error {
  override readonly name = 'StateWriteError';
  readonly path: string;
  readonly step: StateWriteStep;
  /** The system error code (ENOENT, EACCES, ENOSPC...), when there is one. */
  readonly code: string | undefined;

  constructor(path: string, step: StateWriteStep, cause: unknown) {
    const code = systemCode(cause);
    super(`cannot write state file ${path}: ${step} failed: ${explain(code, cause)}`, { cause });
    this.path = path;
    this.step = step;
    this.code = code;
  }
}

function systemCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// The common causes in words an operator acts on; the system message stays for the rest.
const EXPLAINED: Readonly<Record<string, string>> = {
  ENOENT: 'its directory does not exist',
  EACCES: 'permission denied on its directory',
  EPERM: 'operation not permitted on its directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'a directory is in the way',
  ENOTDIR: 'a component of the path is not a directory',
};

function explain(code: string | undefined, cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  const words = code === undefined ? undefined : EXPLAINED[code];
  return words === undefined ? message : `${words} (${message})`;
}
