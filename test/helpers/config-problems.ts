import { ConfigError, resolveConfig } from '../../voter/config.js';
import { builtInMethods } from '../../voter/methods/built-in.js';

/** Every problem resolveConfig reports for an input, or none when it is valid. */
export function problemsOf(input: unknown): readonly string[] {
  try {
    resolveConfig(input, builtInMethods);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
