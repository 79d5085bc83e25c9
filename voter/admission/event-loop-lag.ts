/**
 * How far behind the gateway's event loop is running, measured as the drift of a short timer.
 * A loop that far behind answers every admitted call that much later: past some lag, admitting
 * more calls only makes them all miss their deadlines, so admission refuses instead (and the
 * clients retry elsewhere or later, RESOURCE_EXHAUSTED being safe to retry).
 */
export interface EventLoopLag {
  /** The recent lag (ms): the latest drift, or a decaying memory of a larger one. */
  lagMs(): number;
  stop(): void;
}

const SAMPLE_MS = 20;
// Per sample: a spike is remembered for about 100 ms, long enough to cover the calls arriving
// behind it, short enough that one long decode does not refuse calls for seconds.
const DECAY = 0.7;

/** `now` is the clock the drift is read on (tests give one that a blocked loop would show). */
export function createEventLoopLag(now: () => number = () => performance.now()): EventLoopLag {
  let lag = 0;
  let expected = now() + SAMPLE_MS;
  const timer = setInterval(() => {
    const at = now();
    lag = Math.max(Math.max(0, at - expected), lag * DECAY);
    expected = at + SAMPLE_MS;
  }, SAMPLE_MS);
  // Measuring must not keep the process alive.
  timer.unref();
  return {
    lagMs: () => lag,
    stop: () => clearInterval(timer),
  };
}
