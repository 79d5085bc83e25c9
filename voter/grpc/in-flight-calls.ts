/**
 * The voted calls still running, so that shutdown can end them itself, with a status clients
 * retry (UNAVAILABLE, SHUTTING_DOWN), instead of cutting their connections.
 */
export interface InFlightCalls {
  /** Tracks a call until the returned function is called; `shutDown` ends it on shutdown. */
  track(shutDown: () => void): () => void;
  /** Ends every tracked call; returns how many there were. */
  shutDownAll(): number;
  readonly size: number;
}

export function createInFlightCalls(): InFlightCalls {
  const calls = new Set<() => void>();
  return {
    track(shutDown) {
      calls.add(shutDown);
      return () => calls.delete(shutDown);
    },
    shutDownAll() {
      const ending = [...calls];
      calls.clear();
      for (const shutDown of ending) shutDown();
      return ending.length;
    },
    get size() {
      return calls.size;
    },
  };
}
