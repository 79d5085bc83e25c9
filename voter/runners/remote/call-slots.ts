/**
 * A bound on calls in flight to one remote, first come first served. A caller whose signals
 * abort while it waits leaves the line at once.
 */
export interface CallSlots {
  /** Resolves with the release function once a slot is free, or undefined if a signal aborted first. */
  acquire(...signals: readonly AbortSignal[]): Promise<(() => void) | undefined>;
  readonly busy: number;
  readonly waiting: number;
  /** Every waiting caller gets undefined; no slot is handed out again. */
  close(): void;
}

export function createCallSlots(limit: number): CallSlots {
  let busy = 0;
  let closed = false;
  const line: { grant: (release: (() => void) | undefined) => void }[] = [];

  const release = (): void => {
    const next = line.shift();
    if (next === undefined || closed) busy -= 1;
    else next.grant(once(release));
  };

  return {
    acquire(...signals) {
      if (closed || signals.some(signal => signal.aborted)) return Promise.resolve(undefined);
      if (busy < limit) {
        busy += 1;
        return Promise.resolve(once(release));
      }
      return new Promise(resolve => {
        const waiter = {
          grant: (granted: (() => void) | undefined) => {
            for (const signal of signals) signal.removeEventListener('abort', leave);
            resolve(granted);
          },
        };
        const leave = (): void => {
          const at = line.indexOf(waiter);
          if (at >= 0) line.splice(at, 1);
          for (const signal of signals) signal.removeEventListener('abort', leave);
          resolve(undefined);
        };
        for (const signal of signals) signal.addEventListener('abort', leave, { once: true });
        line.push(waiter);
      });
    },
    get busy() {
      return busy;
    },
    get waiting() {
      return line.length;
    },
    close() {
      closed = true;
      for (const waiter of line.splice(0)) waiter.grant(undefined);
    },
  };
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
