import type { RunnerLoad } from '../runners/index.js';
import type { ConcurrencyLimit } from './concurrency-limit.js';

/**
 * The gateway's own bound on work in flight. piscina does not bound tasks that carry an
 * AbortSignal (they bypass maxQueue), so without this a burst would queue without limit, and
 * a healthy version queued behind the burst would miss its budget: one fault would become two.
 */
export interface AdmissionLimits {
  /** Voted calls admitted at once, stragglers included. */
  readonly maxInFlight: number;
  /** Bytes the admitted calls may hold: each request's wire size, times its copies. */
  readonly maxInFlightBytes: number;
  /** A call is refused when the versions that make its majority would wait longer than this. */
  readonly maxQueueWaitMs: number;
  /** A call is refused while the gateway's event loop runs more than this far behind (undefined: never). */
  readonly maxEventLoopLagMs: number | undefined;
}

// A version counts as able to answer a call when its wait for a worker fits in this share of the
// call's budget, leaving the rest for its run: estimates are averages, and the call must not
// depend on a lucky one.
const BUDGET_SHARE = 0.5;
// The machine-wide backlog may fill only this share of the budget. It counts the work already
// taken, not the stretch that work puts on the call's own runs: they share the cores with it, so a
// version that needs 100 ms alone needs several times that beside a full backlog. Three
// 3,000-call campaigns at c=64 on 2 cores admitted up to half the budget and left 5 to 7 calls
// with a faulty minority unanswered (healthy versions out of budget while running); seven at a
// quarter left 0 to 2 (client deadlines passed during stalls of the event loop), for a fifth more
// refusals.
const MACHINE_BACKLOG_SHARE = 0.25;

export type RefusalReason = 'overloaded' | 'memory' | 'queue';

export interface Refusal {
  readonly reason: RefusalReason;
  readonly message: string;
}

/** Held by an admitted call until its last version settles. */
export interface Ticket {
  /** The vote is decided (or failed): how long it took teaches the concurrency limit. */
  decided(): void;
  release(): void;
}

/** One method's version runners, as admission sees them. */
export interface MethodLoad {
  readonly runners: readonly { load(): RunnerLoad }[];
  /** Versions that must start within maxQueueWaitMs: the majority that makes the answer. */
  readonly majority: number;
  /** Versions known to be failing now (health): their congested pools are theirs, not load. */
  failing(): number;
}

export interface Admission {
  /**
   * The cheap check made on a call's metadata, before its message is read: refuses while the
   * gateway is already full. `expectedBytes` is what a call of this method usually costs.
   */
  check(load: MethodLoad, expectedBytes: number, budgetMs: number): Refusal | undefined;
  /** Admits a call whose request costs `bytes` and whose versions have `budgetMs`, or says why not. */
  admit(load: MethodLoad, bytes: number, budgetMs: number): Ticket | Refusal;
  readonly inFlight: number;
  readonly inFlightBytes: number;
  /** Calls admitted at most now: maxInFlight, or less while the concurrency limit is lower. */
  readonly inFlightLimit: number;
  readonly limits: AdmissionLimits;
}

/**
 * `eventLoopLagMs` says how far behind the event loop runs now (event-loop-lag.ts);
 * `machineBacklogMs` how long this machine's cores need for the work already handed to its
 * local versions (all methods: their threads share the cores).
 */
export function createAdmission(
  limits: AdmissionLimits,
  eventLoopLagMs: () => number = () => 0,
  machineBacklogMs: () => number = () => 0,
  concurrency: ConcurrencyLimit | undefined = undefined,
  now: () => number = () => performance.now(),
): Admission {
  let inFlight = 0;
  let inFlightBytes = 0;
  const inFlightLimit = (): number => Math.min(limits.maxInFlight, concurrency?.current ?? Infinity);

  const refusalFor = (load: MethodLoad, bytes: number, budgetMs: number): Refusal | undefined => {
    const limit = inFlightLimit();
    if (inFlight >= limit) {
      const learned = limit < limits.maxInFlight ? ` (learned from how recent calls fared; at most ${limits.maxInFlight})` : '';
      return { reason: 'overloaded', message: `${inFlight} voted calls in flight; the limit is ${limit}${learned}` };
    }
    // Only when something is in flight: an idle gateway whose loop was blocked (a long decode,
    // start-up) has nothing to shed.
    const lag = limits.maxEventLoopLagMs === undefined ? 0 : eventLoopLagMs();
    if (limits.maxEventLoopLagMs !== undefined && inFlight > 0 && lag > limits.maxEventLoopLagMs) {
      return { reason: 'overloaded', message: `the event loop is ${Math.round(lag)} ms behind; the limit is ${limits.maxEventLoopLagMs} ms` };
    }
    // A call larger than the whole budget still runs when nothing else is held: refusing it
    // forever would make a valid request impossible to serve.
    if (inFlightBytes > 0 && inFlightBytes + bytes > limits.maxInFlightBytes) {
      return {
        reason: 'memory',
        message: `calls in flight hold ${inFlightBytes} bytes; this one needs ${bytes} and the budget is ${limits.maxInFlightBytes}`,
      };
    }
    // Each version's own line can look short while all of them wait for the same few cores: a
    // 1,000-call campaign at c=64 with worker restarts and 100,000-value inputs admitted calls
    // whose versions then timed out unstarted, 103 unanswered.
    const backlogMs = inFlight > 0 ? machineBacklogMs() : 0;
    if (backlogMs > budgetMs * MACHINE_BACKLOG_SHARE) {
      return {
        reason: 'queue',
        message: `the work already handed to this machine's versions needs ${Math.round(backlogMs)} ms of its cores; the call has ${Math.round(budgetMs)} ms`,
      };
    }
    let prompt = 0;
    let inTime = 0;
    for (const runner of load.runners) {
      // Only waiting is predictable: how long the version then takes is its own affair.
      const { estimatedWaitMs } = runner.load();
      if (estimatedWaitMs <= limits.maxQueueWaitMs) prompt += 1;
      if (estimatedWaitMs <= budgetMs * BUDGET_SHARE) inTime += 1;
    }
    if (prompt < load.majority) {
      return {
        reason: 'queue',
        message: `only ${prompt} of ${load.runners.length} versions could start within ${limits.maxQueueWaitMs} ms; a majority is ${load.majority}`,
      };
    }
    const needed = versionsNeeded(load.runners.length, load.failing());
    if (inTime < needed) {
      return {
        reason: 'queue',
        message: `only ${inTime} of ${load.runners.length} versions could start within half the budget; ${needed} are needed to mask a fault`,
      };
    }
    return undefined;
  };

  return {
    check: (load, expectedBytes, budgetMs) => refusalFor(load, expectedBytes, budgetMs),
    admit(load, bytes, budgetMs) {
      const refusal = refusalFor(load, bytes, budgetMs);
      if (refusal !== undefined) return refusal;
      inFlight += 1;
      inFlightBytes += bytes;
      let released = false;
      let reported = false;
      const admittedAt = now();
      return {
        decided() {
          if (reported) return;
          reported = true;
          concurrency?.decided(budgetMs > 0 ? (now() - admittedAt) / budgetMs : 1);
        },
        release() {
          if (released) return;
          released = true;
          inFlight -= 1;
          inFlightBytes -= bytes;
        },
      };
    },
    get inFlight() {
      return inFlight;
    },
    get inFlightBytes() {
      return inFlightBytes;
    },
    get inFlightLimit() {
      return inFlightLimit();
    },
    limits,
  };
}

/**
 * How many versions must be able to start within the budget: a strict majority, plus one so
 * that one more fault among them is still outvoted (all of them when N is 3 or 4). A version
 * already failing (a permanent fault) has spent that spare: the rest need only be a majority,
 * and its own congested pool must not refuse calls that the others can answer.
 */
export function versionsNeeded(configured: number, failing: number): number {
  const majority = Math.floor(configured / 2) + 1;
  return Math.max(majority, Math.min(majority + 1, configured - failing));
}

/** What a request costs while in flight: its wire bytes, the decoded copy, one copy per version. */
export function requestCostBytes(wireBytes: number, versions: number): number {
  return wireBytes * (2 + versions);
}
