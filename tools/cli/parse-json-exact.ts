// A string literal, or a number literal: strings go first so that digits inside them are left alone.
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * JSON.parse, except that integers beyond 2^53 keep every digit: JSON.parse would round
 * 9007199254740993 to ...992 before any int64 field saw it. They are read as strings, which
 * proto3 JSON accepts for every numeric field (and parses exactly for 64-bit ones).
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(
    text.replace(TOKENS, token => (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token)) ? `"${token}"` : token)),
  );
}
