import { NvoteError } from '../errors.js';
import type { VoteInterceptor } from '../pipeline/index.js';
import { requestCostBytes, type Admission, type MethodLoad, type Refusal, type RefusalReason } from './admission.js';

/** Why a call was refused: admission's reasons (slots, memory, version queues), or shutdown. */
export type RejectionReason = RefusalReason | 'shutting_down';
export const REJECTION_REASONS: readonly RejectionReason[] = ['overloaded', 'memory', 'queue', 'shutting_down'];

/** Where admission reports (the gateway's metrics). */
export interface AdmissionSink {
  rejected(reason: RejectionReason): void;
  /** Calls admitted and not yet decided, the bytes charged to them, and how many may be. */
  inFlight(calls: number, bytes: number, limit: number): void;
  /** Calls decided whose stragglers have not all settled. */
  settling(calls: number): void;
}

export interface AdmissionPluginOptions {
  readonly admission: Admission;
  /** Each method's runners and majority, as admission weighs them. */
  readonly loadOf: (method: string) => MethodLoad;
  readonly isShuttingDown: () => boolean;
  readonly sink: AdmissionSink;
}

/**
 * Admission as a plug-in: the interceptor admits a call (or refuses it before any version runs)
 * and holds its ticket until every version has settled; the screen answers from a call's method
 * and budget alone, before its message is read (the edge calls it on metadata).
 */
export interface AdmissionPlugin {
  readonly interceptor: VoteInterceptor;
  /** The refusal for a call about to arrive, or undefined to let it in. */
  screen(method: string, budgetMs: number): NvoteError | undefined;
}

// How fast the remembered request size forgets a large one: about 1% per call.
const EXPECTED_SIZE_DECAY = 0.99;

export function createAdmissionPlugin(options: AdmissionPluginOptions): AdmissionPlugin {
  const { admission, sink } = options;
  // Per method, a decaying maximum of recent request costs: the screen's guess at what the next
  // call will hold before its message says.
  const expectedBytes = new Map<string, number>();
  let settling = 0;
  const refused = (method: string, refusal: Refusal): NvoteError => {
    sink.rejected(refusal.reason);
    return new NvoteError('OVERLOADED', `${method}: ${refusal.message}`);
  };
  const shuttingDown = (): NvoteError => {
    sink.rejected('shutting_down');
    return new NvoteError('SHUTTING_DOWN', 'the gateway is shutting down');
  };

  return {
    screen(method, budgetMs) {
      if (options.isShuttingDown()) return shuttingDown();
      const refusal = admission.check(options.loadOf(method), expectedBytes.get(method) ?? 0, budgetMs);
      return refusal === undefined ? undefined : refused(method, refusal);
    },
    interceptor: {
      name: 'admission',
      async intercept(call, next) {
        // Probes are the gateway's own, small and rare: they must see the versions even when full.
        if (call.probe) return next(call);
        if (options.isShuttingDown()) throw shuttingDown();
        const load = options.loadOf(call.method);
        const bytes = requestCostBytes(call.inputBytes, load.runners.length);
        expectedBytes.set(call.method, Math.max(bytes, (expectedBytes.get(call.method) ?? 0) * EXPECTED_SIZE_DECAY));
        const ticket = admission.admit(load, bytes, call.budgetMs);
        if (!('release' in ticket)) throw refused(call.method, ticket);
        sink.inFlight(admission.inFlight, admission.inFlightBytes, admission.inFlightLimit);
        // Held until the last version settles: stragglers still hold inputs and threads, and a
        // loaded gateway must shed new calls rather than let them all miss their deadlines.
        // Runners drop stragglers not started at the decision, so a hung version's calls hold
        // their tickets for the grace at most. nvote_settling_requests counts the decided ones.
        let phase: 'deciding' | 'settling' | 'settled' = 'deciding';
        call.onSettled(() => {
          ticket.release();
          sink.inFlight(admission.inFlight, admission.inFlightBytes, admission.inFlightLimit);
          if (phase === 'settling') {
            settling -= 1;
            sink.settling(settling);
          }
          phase = 'settled';
        });
        try {
          return await next(call);
        } finally {
          ticket.decided();
          sink.inFlight(admission.inFlight, admission.inFlightBytes, admission.inFlightLimit);
          if (phase === 'deciding') {
            phase = 'settling';
            settling += 1;
            sink.settling(settling);
          }
        }
      },
    },
  };
}
