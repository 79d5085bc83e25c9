/** A pending stop; clear() cancels it, whether its time has come or not. */
export interface StopTimer {
  clear(): void;
}

/**
 * Calls `stop` once `ms` have passed and the I/O that arrived by then has been read.
 *
 * Node runs expired timers before it reads the I/O that arrived while the event loop was busy.
 * After a stall of the gateway's own (a long garbage collection, a large request decoded), a
 * budget timer that plainly fired would stop versions whose answers were already waiting to be
 * read: a campaign at c=64 logged healthy versions stopped "while running" after 1.5 s on inputs
 * they answer in under 100 ms. The stop therefore runs in the check phase that follows the poll
 * phase: a run that had answered in time has settled by then, and one that had not is stopped a
 * loop turn later, which costs it nothing.
 */
export function setStopTimer(stop: () => void, ms: number): StopTimer {
  let immediate: NodeJS.Immediate | undefined;
  const timeout = setTimeout(() => {
    immediate = setImmediate(stop);
  }, ms);
  return {
    clear() {
      clearTimeout(timeout);
      if (immediate !== undefined) clearImmediate(immediate);
    },
  };
}
