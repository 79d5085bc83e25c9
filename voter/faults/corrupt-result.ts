import { deserialize, serialize } from 'node:v8';
import type { FaultKind } from './fault-spec.js';
import { seededRandom } from './seeded-random.js';

/** What a result fault needs from the method: how to make a plausible wrong answer. */
export interface WrongValueSource {
  wrongValue?(value: unknown, input: unknown, random: ReturnType<typeof seededRandom>): unknown;
}

/**
 * Applies a result fault to what a version's worker returned. A `bit_flip` flips one bit of the
 * result in the encoding it crossed the thread boundary in (V8's structured-clone format): the
 * bytes may then fail to decode (the version returned garbage) or decode to another value.
 */
export function corruptResult(
  kind: FaultKind,
  result: unknown,
  input: unknown,
  method: WrongValueSource,
  seed: string,
): unknown {
  const random = seededRandom(seed);
  if (kind === 'bit_flip') return flipOneBit(result, random.next());
  if (typeof result !== 'object' || result === null) return result;
  const answer = result as { kind?: unknown; value?: unknown; reason?: unknown };
  if (answer.kind === 'value') {
    if (method.wrongValue === undefined) throw new Error(`${kind}: the method has no wrong-value generator`);
    return { kind: 'value', value: method.wrongValue(answer.value, input, random) };
  }
  // A wrong answer to bad input is another (well-formed) rejection reason.
  if (answer.kind === 'domain_error' && typeof answer.reason === 'string') {
    return { kind: 'domain_error', reason: `WRONG_${answer.reason}`.slice(0, 64) };
  }
  return result;
}

/** Undefined stands for bytes that no longer decode: the gateway sees a malformed result. */
function flipOneBit(result: unknown, draw: number): unknown {
  const bytes = serialize(result);
  const bit = Math.floor(draw * bytes.length * 8);
  bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
  try {
    return deserialize(bytes);
  } catch {
    return undefined;
  }
}
