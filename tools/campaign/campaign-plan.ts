import { FAULT_KINDS, type FaultKind } from './fault-kinds.js';

/**
 * How faults are planted. `per_call`: each request names exactly `versionsPerCall` faulty
 * versions in its own `x-nvote-fault` metadata (a deterministic demonstration of what is
 * masked). `intermittent`: for each p, every version suffers an intermittent fault of
 * probability p through the FaultInjectionService (the setting of the reliability model).
 */
export type FaultPlan =
  | { readonly mode: 'per_call'; readonly versionsPerCall: number }
  | { readonly mode: 'intermittent'; readonly probabilities: readonly number[] };

export interface CampaignPlan {
  /** Requests per fault setting (per p of an intermittent sweep). */
  readonly requests: number;
  readonly concurrency: number;
  readonly methods: readonly string[];
  readonly kinds: readonly FaultKind[];
  readonly faults: FaultPlan;
  readonly seed: number;
  /** Each call's deadline; a hung version is given up on shortly before it. */
  readonly deadlineMs: number;
  /** Added latency of `delay` faults; keep it well under the deadline, so that a delay is benign. */
  readonly delayMs: number;
}

export const PLAN_LIMITS = {
  maxRequests: 10_000_000,
  maxConcurrency: 1_024,
  maxDeadlineMs: 600_000,
  maxSweepPoints: 50,
} as const;

/** Faults after which the version's answer is still right: they do not count as failures. */
export const BENIGN_KINDS: ReadonlySet<FaultKind> = new Set(['delay']);

export class PlanError extends Error {
  override readonly name = 'PlanError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid campaign plan:\n${problems.map(problem => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Checks a plan against the methods on offer, reporting every problem at once. */
export function validatePlan(plan: CampaignPlan, knownMethods: readonly string[]): CampaignPlan {
  const problems: string[] = [];
  const integer = (field: string, value: number, min: number, max: number): void => {
    if (!Number.isSafeInteger(value) || value < min || value > max) problems.push(`${field}: ${value} is outside ${min}..${max}`);
  };
  integer('requests', plan.requests, 1, PLAN_LIMITS.maxRequests);
  integer('concurrency', plan.concurrency, 1, PLAN_LIMITS.maxConcurrency);
  integer('deadline-ms', plan.deadlineMs, 100, PLAN_LIMITS.maxDeadlineMs);
  integer('delay-ms', plan.delayMs, 1, PLAN_LIMITS.maxDeadlineMs);
  integer('seed', plan.seed, 0, Number.MAX_SAFE_INTEGER);
  if (plan.methods.length === 0) problems.push('methods: name at least one');
  for (const method of plan.methods) {
    if (!knownMethods.includes(method)) problems.push(`methods: unknown method "${method}" (known: ${knownMethods.join(', ')})`);
  }
  for (const method of duplicatesOf(plan.methods)) problems.push(`methods: "${method}" is listed twice`);
  // Requests go round the methods: with fewer requests than methods, some are never called.
  if (plan.methods.length > 1 && Number.isSafeInteger(plan.requests) && plan.requests >= 1 && plan.requests < plan.methods.length) {
    problems.push(`requests: ${plan.requests} cannot reach all ${plan.methods.length} methods; give at least ${plan.methods.length}`);
  }
  if (plan.kinds.length === 0) problems.push('kinds: name at least one');
  for (const kind of plan.kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) problems.push(`kinds: "${kind}" is not one of ${FAULT_KINDS.join(', ')}`);
  }
  // A kind listed twice would be drawn twice as often, silently.
  for (const kind of duplicatesOf(plan.kinds)) problems.push(`kinds: "${kind}" is listed twice`);
  if (plan.kinds.includes('delay') && plan.delayMs >= plan.deadlineMs / 2) {
    problems.push(`delay-ms: ${plan.delayMs} is not well under the deadline (${plan.deadlineMs} ms); a delay that long is a hang`);
  }
  if (plan.faults.mode === 'per_call') {
    integer('faulty', plan.faults.versionsPerCall, 0, 64);
    if (plan.kinds.includes('common_mode') && plan.faults.versionsPerCall < 2) {
      problems.push('kinds: common_mode needs --faulty 2 or more (versions that fail together)');
    }
  } else {
    const points = plan.faults.probabilities;
    if (points.length === 0 || points.length > PLAN_LIMITS.maxSweepPoints) {
      problems.push(`p: give 1 to ${PLAN_LIMITS.maxSweepPoints} probabilities`);
    }
    for (const p of points) if (!Number.isFinite(p) || p < 0 || p > 1) problems.push(`p: ${p} is not a probability in [0, 1]`);
    if (plan.kinds.includes('common_mode')) {
      problems.push('kinds: common_mode is correlated by design, outside the independent-fault model; use it with --faulty');
    }
  }
  if (problems.length > 0) throw new PlanError(problems);
  return plan;
}

/**
 * Checks a plan against what the gateway runs, which only the gateway knows (a --target may be
 * configured in any way): K faulty versions per call must leave a majority-capable remainder,
 * so K must be below the number of versions of every method the campaign calls.
 */
export function validateAgainstVersions(plan: CampaignPlan, versionsByMethod: Readonly<Record<string, readonly string[]>>): void {
  if (plan.faults.mode !== 'per_call') return;
  const faulty = plan.faults.versionsPerCall;
  const problems = plan.methods
    .map(method => [method, versionsByMethod[method]?.length ?? 0] as const)
    .filter(([, versions]) => faulty >= versions)
    .map(
      ([method, versions]) =>
        `faulty: ${faulty} is not below the ${versions} versions the gateway runs for ${method} ` +
        `(every version would be faulty; lower --faulty, or leave ${method} out with --methods)`,
    );
  if (problems.length > 0) throw new PlanError(problems);
}

function duplicatesOf(items: readonly string[]): string[] {
  return [...new Set(items.filter((item, index) => items.indexOf(item) !== index))];
}
