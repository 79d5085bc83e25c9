import { setTimeout as sleep } from 'node:timers/promises';
import { failed, failureOfStop, type RunOutcome, type VersionRun, type VersionRunner, type WorkerFault, type WorkerRunner } from '../runners/index.js';
import { corruptResult, type WrongValueSource } from './corrupt-result.js';
import type { FaultKind, Injection } from './fault-spec.js';

export type { WrongValueSource };

/**
 * A runner that suffers the faults planned for the call. Worker faults happen inside the worker
 * thread through the worker runner's task, where a real one would; any other runner (a remote
 * version) has them emulated at its client side, which the README and the campaign say. Result
 * faults act on the value returned, whatever the runner.
 */
export function withInjectedFaults(
  runner: VersionRunner,
  method: WrongValueSource,
  plannedFor: (run: VersionRun) => ReadonlyMap<string, Injection> | undefined,
  originalsOf: (run: VersionRun) => Map<string, unknown> | undefined,
): VersionRunner {
  const inWorker = isWorkerRunner(runner) ? runner : undefined;
  return {
    ...runner,
    run: async (run, signal) => {
      const injection = plannedFor(run)?.get(runner.id);
      if (injection === undefined) return runner.run(run, signal);
      // A per-call fault always happens, decided or not: it is what a campaign counts. A standing
      // fault stands for a broken version and is treated as one: a run the vote no longer needs
      // is dropped before it starts, like any other (a permanently hung version's runs otherwise
      // lingered for the straggler grace and filled admission: refusals in the bench's hung row),
      // and a fault on a run that never started did not fire.
      // A signal of its own that never aborts, not one shared by every faulted run: a runner
      // listens on it while the run waits, and a shared one collected listeners from every call
      // in flight (Node warned of a leak at the eleventh, under a campaign at c=64).
      const outcome = await suffer(injection, injection.perCall ? { ...run, decided: new AbortController().signal } : run, signal);
      if (!injection.perCall && droppedUnstarted(outcome, run, signal)) return outcome;
      return { ...outcome, injectedFault: injection.kind };
    },
  };

  async function suffer(injection: Injection, run: VersionRun, signal: AbortSignal): Promise<RunOutcome> {
    const { kind } = injection;
    switch (kind) {
      case 'wrong_value':
      case 'bit_flip':
      case 'common_mode':
        return corrupted(kind, injection, run, await runner.run(run, signal));
      case 'crash':
      case 'exception':
      case 'hang':
      case 'oom':
      case 'delay': {
        const fault: WorkerFault = kind === 'delay' ? { kind, delayMs: injection.delayMs } : { kind };
        return inWorker === undefined ? emulate(fault, run, signal) : inWorker.runWithWorkerFault(run, fault, signal);
      }
      default:
        return unhandled(kind);
    }
  }

  function corrupted(kind: FaultKind, injection: Injection, run: VersionRun, outcome: RunOutcome): RunOutcome {
    if (outcome.kind !== 'returned') return outcome;
    originalsOf(run)?.set(runner.id, outcome.result);
    return { kind: 'returned', result: corruptResult(kind, outcome.result, run.input, method, injection.corruptionSeed) };
  }

  /** The same failure models, seen from the client side of a version that runs elsewhere. */
  async function emulate(fault: WorkerFault, run: VersionRun, signal: AbortSignal): Promise<RunOutcome> {
    switch (fault.kind) {
      case 'delay':
        try {
          await sleep(fault.delayMs, undefined, { signal });
        } catch {
          return failed(failureOfStop(signal), 'stopped during an injected delay');
        }
        return runner.run(run, signal);
      case 'crash':
      case 'oom': {
        // The version does its work; its answer is lost as if its process died before replying.
        const outcome = await runner.run(run, signal);
        return outcome.kind === 'failed' ? outcome : failed('crash', `injected ${fault.kind} (emulated at the client side)`);
      }
      case 'exception': {
        const outcome = await runner.run(run, signal);
        return outcome.kind === 'failed' ? outcome : failed('error', 'injected exception (emulated at the client side)');
      }
      case 'hang':
        // An omission: no answer until the gateway gives up on the version.
        await new Promise<void>(resolve => {
          if (signal.aborted) resolve();
          else signal.addEventListener('abort', () => resolve(), { once: true });
        });
        return failed(failureOfStop(signal), 'injected hang (emulated at the client side)');
      default:
        return unhandled(fault);
    }
  }
}

function isWorkerRunner(runner: VersionRunner): runner is WorkerRunner {
  return runner.transport === 'worker' && 'runWithWorkerFault' in runner;
}

/**
 * A run the vote decided without, dropped before it started: cancelled while the call itself was
 * not stopped (a stop cancels through `signal`).
 */
function droppedUnstarted(outcome: RunOutcome, run: VersionRun, signal: AbortSignal): boolean {
  return outcome.kind === 'failed' && outcome.failure === 'cancelled' && run.decided.aborted && !signal.aborted;
}

/** A new fault kind fails to compile here until it is handled above. */
function unhandled(kind: never): never {
  throw new Error(`unhandled fault kind ${String(kind)}`);
}
