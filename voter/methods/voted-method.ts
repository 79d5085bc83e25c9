import type { MethodDefinition } from '@grpc/grpc-js';
import type { SeededRandom } from '../faults/index.js';
import type { Tolerance } from '../vote/index.js';
import type { Voter } from '../vote/index.js';

/** A version the gateway can run: an id (metric label, report entry) and the module to load. */
export interface VersionModule {
  readonly id: string;
  /** Module whose default export is the version function; compiled `.js` in production. */
  readonly module: URL;
  /** False for a version that runs only where configuration names it (not in the default N). */
  readonly byDefault?: boolean;
}

/**
 * Everything the gateway needs to serve one voted RPC. Adding an RPC means writing one of
 * these and its versions; the gateway's core does not change.
 */
export interface VotedMethod<TRequest, TResponse, TInput, TValue> {
  /** The RPC name, as in the proto (`Sort`): configuration key, metric label, report field. */
  readonly name: string;
  /** Fully qualified service name (`nvote.v1.ComputeService`). */
  readonly service: string;
  /**
   * The RPC's gRPC definition, for a method the built-in proto does not describe (an extension);
   * built-in methods leave it out and the edge finds theirs by `/service/name` in the generated code.
   */
  readonly definition?: MethodDefinition<TRequest, TResponse>;
  /** Every built-in version; configuration may select a subset (at least three). */
  readonly versions: readonly VersionModule[];
  readonly voters: Readonly<Record<string, (tolerance: Tolerance) => Voter<TInput, TValue>>>;
  readonly defaultVoter: string;
  readonly defaultTolerance: Tolerance;
  /** Wire request to the plain data the versions receive. */
  toInput(request: TRequest): TInput;
  /** Guards what came back from a worker: anything else is a faulty version, not an answer. */
  isValue(value: unknown): value is TValue;
  toResponse(value: TValue): TResponse;
  /** A response (from a remote version) back to the value the voter compares: toResponse's inverse. */
  fromResponse(response: TResponse): TValue;
  /**
   * A plausible wrong answer of the right type, for injected `wrong_value` and `common_mode`
   * faults (a method without one cannot have result faults injected): deterministic in `random`, so that versions given the same draws and the same right
   * answer produce the same wrong one.
   */
  wrongValue?(value: TValue, input: TInput, random: SeededRandom): TValue;
  /**
   * A cheap case whose answer is known independently of the versions: health probes run it
   * through every version when they have had no traffic, or have just failed. Without one, a
   * method's health rests on its real calls alone.
   */
  readonly knownAnswer?: { readonly request: TRequest; readonly expected: TValue };
}

// The gateway handles methods without knowing their types; each method file keeps them.
export type AnyVotedMethod = VotedMethod<any, any, any, any>;

/** Identity helper that checks a method's types where it is written, then erases them. */
export function defineVotedMethod<TRequest, TResponse, TInput, TValue>(
  method: VotedMethod<TRequest, TResponse, TInput, TValue>,
): AnyVotedMethod {
  return method;
}

// Compiled, this file is .js and so are the versions; run from source under tsx (tests), both
// are .ts, and workers load the .ts file through the same loader.
const SOURCE_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** Resolves `versions/<path>` (written with `.js`) next to this build of the gateway. */
export function versionModule(id: string, relativePath: string, options: { readonly byDefault?: boolean } = {}): VersionModule {
  const path = relativePath.replace(/\.js$/, SOURCE_EXTENSION);
  const module = new URL(`../../versions/${path}`, import.meta.url);
  return options.byDefault === false ? { id, module, byDefault: false } : { id, module };
}
