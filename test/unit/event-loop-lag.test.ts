import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventLoopLag } from '../../voter/admission/index.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('event loop lag', () => {
  it('is 0 while the sampling timer fires on time, reads a late tick as lag, and lets it decay', async () => {
    // The loop's clock: fake time, plus the time a blocked loop lost before its timer could fire.
    let blockedMs = 0;
    const lag = createEventLoopLag(() => performance.now() + blockedMs);
    await vi.advanceTimersByTimeAsync(200);
    expect(lag.lagMs()).toBe(0);

    blockedMs += 300;
    await vi.advanceTimersByTimeAsync(20);
    expect(lag.lagMs()).toBe(300);
    await vi.advanceTimersByTimeAsync(20);
    expect(lag.lagMs()).toBeCloseTo(210, 6);
    await vi.advanceTimersByTimeAsync(400);
    expect(lag.lagMs()).toBeLessThan(1);

    lag.stop();
    blockedMs += 1_000;
    await vi.advanceTimersByTimeAsync(100);
    expect(lag.lagMs()).toBeLessThan(1);
  });
});
