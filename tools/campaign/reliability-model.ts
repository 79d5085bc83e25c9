// The analytic side of the fault-injection campaign: what independent version failures predict,
// and how far an observed failure count may stray from that prediction before it is a finding.

/** A two-sided interval for a proportion, both ends in [0, 1]. */
export interface ProportionInterval {
  readonly low: number;
  readonly high: number;
}

// C(n, n/2) overflows a double just past n = 1020; no voter comes near this.
const MAX_VERSIONS = 1000;

/**
 * The probability that a strict-majority vote over `versions` independent versions, each wrong
 * with probability `p`, has no right majority: fewer than `floor(n/2) + 1` versions are correct.
 * The campaign's model curve for N versions; observed request failure rates are compared with it.
 */
export function majorityFailureProbability(versions: number, p: number): number {
  if (!Number.isSafeInteger(versions) || versions < 1 || versions > MAX_VERSIONS) {
    throw new RangeError(
      `majorityFailureProbability: versions must be an integer in [1, ${MAX_VERSIONS}], got ${String(versions)}`,
    );
  }
  assertProbability('majorityFailureProbability', 'p', p);
  const needed = Math.floor(versions / 2) + 1;
  // Sum whichever tail lies beyond its mean, so the small side keeps full relative precision
  // (a 1e-30 failure rate stays 1e-30 instead of vanishing into rounding).
  if (p <= 0.5) {
    return Math.min(1, upperBinomialTail(versions, p, versions - needed + 1));
  }
  return Math.max(0, 1 - upperBinomialTail(versions, 1 - p, needed));
}

/** One version alone fails whenever it is wrong: the baseline the voted curves are read against. */
export function simplexFailureProbability(p: number): number {
  assertProbability('simplexFailureProbability', 'p', p);
  return p;
}

/** Triple modular redundancy, 3p^2 - 2p^3: the textbook curve the campaign's N = 3 methods should follow. */
export function tmrFailureProbability(p: number): number {
  assertProbability('tmrFailureProbability', 'p', p);
  return p * p * (3 - 2 * p);
}

/**
 * The Wilson score interval for `failures` out of `trials`. The campaign reports it with every
 * observed rate because it stays inside [0, 1] and behaves at 0 failures, where the normal
 * approximation collapses to a zero-width interval. No trials tell nothing: [0, 1].
 */
export function wilsonInterval(failures: number, trials: number, confidence = 0.95): ProportionInterval {
  assertCount(failures, trials, confidence, 'wilsonInterval');
  if (trials === 0) return { low: 0, high: 1 };
  const z = normalQuantile(0.5 + confidence / 2);
  const z2 = z * z;
  const denominator = trials + z2;
  const center = (failures + z2 / 2) / denominator;
  const half = (z / denominator) * Math.sqrt((failures * (trials - failures)) / trials + z2 / 4);
  // At the edges the formula's bound is exactly 0 or 1; pin it so rounding cannot leave a 1e-17 gap.
  const low = failures === 0 ? 0 : Math.max(0, center - half);
  const high = failures === trials ? 1 : Math.min(1, center + half);
  return { low, high };
}

/**
 * Whether the model's failure probability lies inside the Wilson interval of the observation:
 * the campaign's pass/fail question for each sweep point ("does the voter behave as independent
 * version failures predict?").
 */
export function isConsistentWithModel(
  failures: number,
  trials: number,
  modelProbability: number,
  confidence = 0.95,
): boolean {
  assertProbability('isConsistentWithModel', 'modelProbability', modelProbability);
  const { low, high } = wilsonInterval(failures, trials, confidence);
  return low <= modelProbability && modelProbability <= high;
}

/**
 * The standard normal quantile (inverse CDF), Wichura's AS 241 (Applied Statistics 37(3), 1988),
 * accurate to about 1e-16. Wilson intervals need z for any confidence level, not a table of three.
 */
export function normalQuantile(probability: number): number {
  if (!(probability > 0 && probability < 1)) {
    throw new RangeError(`normalQuantile: probability must be in (0, 1), got ${String(probability)}`);
  }
  const q = probability - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(CENTRAL_NUMERATOR, r)) / horner(CENTRAL_DENOMINATOR, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? probability : 1 - probability));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = horner(INTERMEDIATE_NUMERATOR, r) / horner(INTERMEDIATE_DENOMINATOR, r);
  } else {
    r -= 5;
    value = horner(TAIL_NUMERATOR, r) / horner(TAIL_DENOMINATOR, r);
  }
  return q < 0 ? -value : value;
}

// AS 241 (PPND16) coefficients, constant term first.
const CENTRAL_NUMERATOR = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
] as const;
const CENTRAL_DENOMINATOR = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
] as const;
const INTERMEDIATE_NUMERATOR = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
] as const;
const INTERMEDIATE_DENOMINATOR = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
] as const;
const TAIL_NUMERATOR = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
] as const;
const TAIL_DENOMINATOR = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.014875361290850614852, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
] as const;

function horner(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i -= 1) value = value * x + (coefficients[i] ?? 0);
  return value;
}

/**
 * P(X >= from) for X ~ Binomial(n, p). C(n, k) is built by the exact integer recurrence (exact
 * while it stays below 2^53, i.e. n <= 56) so small voters get the textbook value to the last bit:
 * n = 1 returns p itself.
 */
function upperBinomialTail(n: number, p: number, from: number): number {
  if (from <= 0) return 1;
  if (from > n) return 0;
  const q = 1 - p;
  let choose = 1;
  for (let i = 1; i <= from; i += 1) choose = (choose * (n - from + i)) / i;
  let sum = 0;
  for (let k = from; k <= n; k += 1) {
    sum += choose * p ** k * q ** (n - k);
    choose = (choose * (n - k)) / (k + 1);
  }
  return sum;
}

function assertProbability(fn: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new RangeError(`${fn}: ${name} must be a probability in [0, 1], got ${String(value)}`);
  }
}

function assertCount(failures: number, trials: number, confidence: number, fn: string): void {
  if (!Number.isSafeInteger(trials) || trials < 0) {
    throw new RangeError(`${fn}: trials must be an integer >= 0, got ${String(trials)}`);
  }
  if (!Number.isSafeInteger(failures) || failures < 0 || failures > trials) {
    throw new RangeError(`${fn}: failures must be an integer in [0, trials = ${trials}], got ${String(failures)}`);
  }
  if (!(Number.isFinite(confidence) && confidence > 0 && confidence < 1)) {
    throw new RangeError(`${fn}: confidence must be in (0, 1), got ${String(confidence)}`);
  }
}
