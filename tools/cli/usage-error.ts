/** A mistake in how the command was called: reported in one line, exit status 2, nothing sent. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
  /** Whether pointing at --help helps: not for a request that is valid JSON of the wrong shape. */
  readonly pointToHelp: boolean = true;
}

/** A request that does not encode as its message: the field and the value are named, and nothing is sent. */
export class RequestError extends UsageError {
  override readonly name: string = 'RequestError';
  override readonly pointToHelp: boolean = false;
}
