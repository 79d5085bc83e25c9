/**
 * The gateway's own bound on work in flight. piscina does not bound tasks that carry an
 * AbortSignal (they bypass maxQueue), so without this a burst would queue without limit.
 */
export interface Admission {
  /** A release function, or undefined when the limit is reached. */
  tryAcquire(): (() => void) | undefined;
  readonly inFlight: number;
  readonly limit: number;
}

export function createAdmission(limit: number): Admission {
  let inFlight = 0;
  return {
    tryAcquire() {
      if (inFlight >= limit) return undefined;
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
      };
    },
    get inFlight() {
      return inFlight;
    },
    limit,
  };
}
