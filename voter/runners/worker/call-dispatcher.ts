import { setStopTimer, type StopTimer } from '../stop-timer.js';
import { failed, failureOfStop, type RunOutcome } from '../version-runner.js';
import { classifyFailure } from './classify-failure.js';
import { pack, unpackResult, type Packed } from './packed-arrays.js';
import type { WorkerPool } from './worker-pool.js';
import type { TaskResult, WorkerFault, WorkerTask } from './worker-task.js';

/** One call for one version, as the dispatcher takes it. */
export interface DispatchedCall {
  readonly input: unknown;
  readonly inputBytes: number;
  /** An injected worker fault: the call then travels alone. */
  readonly fault: WorkerFault | undefined;
  /** When the version's budget ends, on the `performance.now()` clock. */
  readonly budgetEndsAt: number;
  /** Stops the call: budget over, straggler grace over, call ended. */
  readonly signal: AbortSignal;
  /** The vote no longer needs this answer: a call not started yet, with others waiting, is dropped. */
  readonly decided: AbortSignal;
}

export interface DispatcherLoad {
  /** Calls taken and not yet settled, queued or running. */
  readonly outstanding: number;
  /** How long a call dispatched now would wait before it starts (ms). */
  readonly estimatedWaitMs: number;
  /** The recent time the version itself runs on one small call (ms, measured in the worker): a moving average. */
  readonly callMs: number;
  /** The recent time a task costs beyond its calls (clone, thread wake-up, answer; ms): a moving average. */
  readonly taskMs: number;
  /** Calls waiting for a worker. */
  readonly queued: number;
  /** The expected thread time of the calls taken and not yet settled (ms). */
  readonly workMs: number;
}

export interface CallDispatcher {
  dispatch(call: DispatchedCall): Promise<RunOutcome>;
  load(): DispatcherLoad;
  /** Settles every queued call as cancelled; running ones settle as the pool rejects them. */
  close(): void;
}

export interface CallDispatcherOptions {
  /** Called for every worker lost to a task: a crash, a heap limit, a task the dispatcher stopped. */
  readonly onWorkerLost: () => void;
}

// A batch is bounded in calls and bytes, and aims to hold its worker no longer than
// BATCH_TARGET_MS: a version that is slow per call gets small batches or none, so that no call
// waits long behind the others of its batch.
const MAX_BATCH_CALLS = 64;
const MAX_BATCH_BYTES = 256 * 1024;
const BATCH_TARGET_MS = 5;
// Calls above this size travel alone, with their arrays packed (packed-arrays.ts); they are
// expected to hold a worker in proportion to their input.
const LARGE_CALL_BYTES = 64 * 1024;
// A batch still running when this share of its most urgent call's remaining budget has passed is
// given up, and its calls are re-run one by one: a hung input must not cost the others their answer.
// Never sooner than BATCH_MIN_WATCHDOG_MS: a call whose budget is nearly spent is stopped on its
// own, and must not get its batch's thread killed with it.
const BATCH_BUDGET_SHARE = 0.5;
const BATCH_MIN_WATCHDOG_MS = 100;
// Weight of the newest sample in the moving averages of how long a call holds a worker. A task
// costs its calls' own time plus a share that does not grow with them (clone, wake-up, answer),
// and the two are learned apart: timing a one-call task as a whole charged that share to every
// call, the batch limit (BATCH_TARGET_MS over the time per call) then fell to one call, and a
// line of small calls, estimated one task each, was refused where batching would have served it.
const HOLD_TIME_WEIGHT = 0.2;
// A task whose calls have all been stopped is killed (its thread terminated) at once the first
// time; when its replacement's task is stopped too, the version is hung on everything and
// recycling its threads buys nothing: each next kill waits twice as long, up to the maximum.
const ORPHAN_FIRST_DELAY_MS = 250;
const ORPHAN_MAX_DELAY_MS = 5_000;

const NOT_STARTED = 'not started: the vote was decided without it';

interface Entry {
  readonly call: DispatchedCall;
  readonly expectedMs: number;
  /** Runs in a task of its own: a fault, a large input, or a batch that failed around it. */
  alone: boolean;
  queued: boolean;
  /** Its vote was decided while it waited: it runs only if nothing else is waiting. */
  decided: boolean;
  task: Task | undefined;
  settled: boolean;
  readonly resolve: (outcome: RunOutcome) => void;
  readonly detach: () => void;
}

interface Task {
  readonly members: readonly Entry[];
  readonly controller: AbortController;
  readonly startedAt: number;
  /** Members not yet settled. */
  attached: number;
  /** Stopped by the dispatcher: every member was stopped (an orphan), or the batch was given up. */
  stoppedBy: 'orphaned' | 'given_up' | undefined;
  timer: StopTimer | undefined;
}

/**
 * The calls of one version on their way to its threads. Calls that arrive together (in one
 * event-loop turn, or while every thread is busy) go to a thread as one batch task; each is still
 * settled, timed and failed on its own:
 * - what the version returns or throws on one input is that call's alone (the worker runs each
 *   input of a batch separately);
 * - when a batch task fails as a whole (its thread crashed, ran out of heap, or hung past the
 *   batch's deadline), its calls are re-run one by one within their own budgets, so that one
 *   call's poison input costs no other call this version;
 * - a call not yet started when its vote is decided is dropped as soon as another call waits
 *   behind it: it costs nothing, and delays no one; alone in the line it still runs, so that an
 *   idle version's verdict (its disagreement, the evidence) is not lost to a moment's contention;
 * - a task whose calls have all been stopped is killed, at once or after a back-off (above).
 * What a batch shares: one thread, one structured clone, one task's start and end. Not shared:
 * inputs (each call its own), results, failures, budgets, verdicts.
 */
export function createCallDispatcher(pool: WorkerPool, options: CallDispatcherOptions): CallDispatcher {
  let closing = false;
  const queue = createQueue();
  const retries = createQueue();
  let queuedCalls = 0;
  let running = 0;
  let orphans = 0;
  let consecutiveKills = 0;
  let outstanding = 0;
  let outstandingMs = 0;
  let callMs = 0;
  let taskMs = 0;
  let holdMsPerByte = 0;
  let flushScheduled = false;

  const expectedHoldMs = (bytes: number): number => (bytes > LARGE_CALL_BYTES ? Math.max(callMs, holdMsPerByte * bytes) : callMs);
  const batchLimit = (): number => Math.max(1, Math.floor(BATCH_TARGET_MS / Math.max(callMs, 1e-3)));
  const learnTask = (held: number, computeMs: number, calls: number): void => {
    callMs += HOLD_TIME_WEIGHT * (computeMs / calls - callMs);
    taskMs += HOLD_TIME_WEIGHT * (Math.max(0, held - computeMs) - taskMs);
  };
  // The tasks the work taken will take: those running, and the queued calls in full batches.
  const tasksAhead = (): number => running + Math.ceil(queuedCalls / batchLimit());
  const orphanDelayMs = (): number => (consecutiveKills === 0 ? 0 : Math.min(ORPHAN_MAX_DELAY_MS, ORPHAN_FIRST_DELAY_MS * 2 ** (consecutiveKills - 1)));

  const settle = (entry: Entry, outcome: RunOutcome): void => {
    if (entry.settled) return;
    entry.settled = true;
    entry.detach();
    if (entry.queued) {
      entry.queued = false;
      queuedCalls -= 1;
    }
    outstanding -= 1;
    outstandingMs -= entry.expectedMs;
    entry.resolve(outcome);
  };

  const scheduleFlush = (): void => {
    if (flushScheduled || closing) return;
    flushScheduled = true;
    // After the I/O phase: every call that arrived in this turn of the event loop is queued by
    // then, and an idle version starts at once (no timer, no added latency).
    setImmediate(flush);
  };

  const take = (): Entry | undefined => {
    for (;;) {
      const entry = retries.shift() ?? queue.shift();
      if (entry === undefined) return undefined;
      if (entry.settled) continue;
      if (entry.decided && queuedCalls > 1) {
        settle(entry, failed('cancelled', NOT_STARTED));
        continue;
      }
      entry.queued = false;
      queuedCalls -= 1;
      return entry;
    }
  };

  const peekBatchable = (): Entry | undefined => {
    if (retries.size > 0) return undefined;
    for (;;) {
      const entry = queue.peek();
      if (entry === undefined) return undefined;
      // The same rule as take(), so that the entry peeked is the one taken next.
      if (!entry.settled && entry.decided && queuedCalls > 1) settle(entry, failed('cancelled', NOT_STARTED));
      if (!entry.settled) return entry;
      queue.shift();
    }
  };

  function flush(): void {
    flushScheduled = false;
    while (!closing && running < pool.capacity()) {
      const first = take();
      if (first === undefined) break;
      const members = [first];
      if (!first.alone) {
        const free = pool.capacity() - running;
        const limit = Math.min(MAX_BATCH_CALLS, Math.ceil((queuedCalls + 1) / free), batchLimit());
        let bytes = first.call.inputBytes;
        while (members.length < limit) {
          const next = peekBatchable();
          if (next === undefined || next.alone || bytes + next.call.inputBytes > MAX_BATCH_BYTES) break;
          members.push(take() as Entry);
          bytes += next.call.inputBytes;
        }
      }
      start(members);
    }
    // Calls wait: start a thread for them now rather than when the next burst comes.
    if (queuedCalls > 0 && !closing) {
      void pool.grow().then(grown => {
        if (grown) scheduleFlush();
      });
    }
  }

  function start(members: readonly Entry[]): void {
    const task: Task = { members, controller: new AbortController(), startedAt: performance.now(), attached: members.length, stoppedBy: undefined, timer: undefined };
    running += 1;
    for (const member of members) member.task = task;
    let work: WorkerTask;
    if (members.length === 1) {
      const { call } = members[0] as Entry;
      work = call.fault === undefined ? { kind: 'one', input: pack(call.input) } : { kind: 'one', input: pack(call.input), fault: call.fault };
    } else {
      work = { kind: 'batch', inputs: members.map(member => member.call.input) };
      const remainingMs = Math.min(...members.map(member => member.call.budgetEndsAt)) - task.startedAt;
      task.timer = setStopTimer(() => stopTask(task, 'given_up'), Math.max(BATCH_MIN_WATCHDOG_MS, remainingMs * BATCH_BUDGET_SHARE));
    }
    pool.submit(work, task.controller.signal).then(
      result => completed(task, result),
      (error: unknown) => failedTask(task, error),
    );
  }

  function completed(task: Task, result: unknown): void {
    release(task);
    consecutiveKills = 0;
    const held = performance.now() - task.startedAt;
    const [only] = task.members;
    const answer = result as TaskResult | undefined;
    if (task.members.length === 1 && only !== undefined) {
      // An injected delay is not the version's cost.
      if (answer?.kind === 'one' && only.call.fault === undefined) {
        if (only.call.inputBytes > LARGE_CALL_BYTES) holdMsPerByte += HOLD_TIME_WEIGHT * (held / only.call.inputBytes - holdMsPerByte);
        else learnTask(held, answer.computeMs, 1);
      }
      settle(only, returnedOf(() => unpackResult((answer as { result: Packed }).result)));
    } else if (answer?.kind === 'batch' && answer.entries.length === task.members.length) {
      learnTask(held, answer.computeMs, task.members.length);
      task.members.forEach((member, index) => {
        const entry = answer.entries[index];
        settle(member, entry?.ok === true ? { kind: 'returned', result: entry.result } : failed('error', entry?.message ?? 'no result'));
      });
    } else {
      rerunAlone(task);
    }
    scheduleFlush();
  }

  function failedTask(task: Task, error: unknown): void {
    release(task);
    const killed = task.stoppedBy !== undefined;
    if (task.stoppedBy === 'orphaned') consecutiveKills += 1;
    if (killed || classifyFailure(error, task.controller.signal, closing) === 'crash') {
      if (!closing) options.onWorkerLost();
    }
    const [only] = task.members;
    if (closing) {
      for (const member of task.members) settle(member, failed('cancelled', 'the runner is closed'));
    } else if (task.members.length > 1) {
      rerunAlone(task);
    } else if (only !== undefined) {
      settle(only, failed(classifyFailure(error, only.call.signal, closing), detailOf(error)));
    }
    scheduleFlush();
  }

  /** Time redundancy: the calls of a failed batch are run again, each in a task of its own. */
  function rerunAlone(task: Task): void {
    for (const member of task.members) {
      if (member.settled) continue;
      member.alone = true;
      member.task = undefined;
      member.queued = true;
      queuedCalls += 1;
      retries.push(member);
    }
  }

  function release(task: Task): void {
    running -= 1;
    task.timer?.clear();
    // Every member stopped: it was counted as an orphan when the last one was.
    if (task.attached === 0) orphans -= 1;
  }

  function stopTask(task: Task, reason: 'orphaned' | 'given_up'): void {
    if (task.stoppedBy !== undefined) return;
    task.stoppedBy = reason;
    task.controller.abort(reason === 'orphaned' ? 'cancelled' : 'timeout');
  }

  const stopCall = (entry: Entry): void => {
    if (entry.settled) return;
    const { task } = entry;
    settle(entry, failed(failureOfStop(entry.call.signal), task === undefined ? 'stopped before it started' : 'stopped while running'));
    if (task === undefined) return;
    task.attached -= 1;
    if (task.attached > 0) return;
    orphans += 1;
    task.timer?.clear();
    const delay = orphanDelayMs();
    if (delay === 0) stopTask(task, 'orphaned');
    else task.timer = setStopTimer(() => stopTask(task, 'orphaned'), delay);
  };

  return {
    dispatch(call) {
      if (closing) return Promise.resolve(failed('cancelled', 'the runner is closed'));
      if (call.signal.aborted) return Promise.resolve(failed(failureOfStop(call.signal), 'stopped before it started'));
      if (call.decided.aborted && queuedCalls > 0) return Promise.resolve(failed('cancelled', NOT_STARTED));
      return new Promise<RunOutcome>(resolve => {
        const onStop = (): void => stopCall(entry);
        const onDecided = (): void => {
          if (entry.task !== undefined) return;
          entry.decided = true;
          if (queuedCalls > 1) settle(entry, failed('cancelled', NOT_STARTED));
        };
        const entry: Entry = {
          call,
          expectedMs: expectedHoldMs(call.inputBytes),
          alone: call.fault !== undefined || call.inputBytes > LARGE_CALL_BYTES,
          queued: true,
          decided: call.decided.aborted,
          task: undefined,
          settled: false,
          resolve,
          detach: () => {
            call.signal.removeEventListener('abort', onStop);
            call.decided.removeEventListener('abort', onDecided);
          },
        };
        call.signal.addEventListener('abort', onStop, { once: true });
        call.decided.addEventListener('abort', onDecided, { once: true });
        outstanding += 1;
        outstandingMs += entry.expectedMs;
        queuedCalls += 1;
        queue.push(entry);
        scheduleFlush();
      });
    },
    load() {
      const capacity = pool.capacity();
      // Only waiting is predictable: a call starts at once while fewer calls than threads are
      // taken; otherwise it waits for the work ahead of it, shared among the threads, and for the
      // threads that stopped tasks still hold. The work ahead is every call's own time plus each
      // task's fixed cost: a thread running a batch of 20 is as busy as 20 calls and one task
      // (counting tasks alone let a loaded gateway admit calls that then missed their deadlines:
      // a 1,200-call campaign at c=64 left 758 unanswered, against 228 counted in calls).
      const workMs = Math.max(0, outstandingMs) + tasksAhead() * taskMs;
      const estimatedWaitMs = outstanding < capacity ? 0 : (workMs + orphans * orphanDelayMs()) / capacity;
      return { outstanding, estimatedWaitMs, callMs, taskMs, queued: queuedCalls, workMs };
    },
    close() {
      closing = true;
      for (;;) {
        const entry = take();
        if (entry === undefined) break;
        settle(entry, failed('cancelled', 'the runner is closed'));
      }
    },
  };
}

function returnedOf(result: () => unknown): RunOutcome {
  try {
    return { kind: 'returned', result: result() };
  } catch (error) {
    return failed('error', `returned something that is not a result: ${detailOf(error)}`);
  }
}

function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A first-in first-out line that does not copy itself on every shift, and lets go of what it
 * no longer needs: an entry holds its call's input (megabytes, for a large call), so neither a
 * taken entry nor one settled while it waited (stopped, dropped) may stay referenced here.
 */
function createQueue(): { push(entry: Entry): void; shift(): Entry | undefined; peek(): Entry | undefined; readonly size: number } {
  let items: (Entry | undefined)[] = [];
  let head = 0;
  let pushesSinceSweep = 0;
  const compact = (): void => {
    items = items.slice(head).filter(entry => entry !== undefined && !entry.settled);
    head = 0;
    pushesSinceSweep = 0;
  };
  return {
    push(entry) {
      items.push(entry);
      // Settled entries are skipped when reached; a line that is not drained (a hung version's)
      // is swept of them once it has doubled, which keeps the work per call constant.
      pushesSinceSweep += 1;
      if (pushesSinceSweep > 64 && pushesSinceSweep * 2 > items.length - head) compact();
    },
    shift() {
      if (head >= items.length) return undefined;
      const entry = items[head];
      items[head] = undefined;
      head += 1;
      if (head > 1_024 && head * 2 > items.length) compact();
      return entry;
    },
    peek: () => items[head],
    get size() {
      return items.length - head;
    },
  };
}
