import { fromJson, toBinary, type JsonValue } from '@bufbuild/protobuf';
import type { CallableMethod } from '../cli/compute-methods.js';

/** A journal's input as the request's wire bytes, or why it does not encode (the entry is then unreplayable). */
export function encodeJournalInput(method: CallableMethod, input: unknown): { readonly bytes: Uint8Array } | { readonly reason: string } {
  try {
    // The journal holds proto3 JSON (int64 as strings), checked field by field as `nvote call` checks its JSON.
    return { bytes: toBinary(method.input, fromJson(method.input, input as JsonValue)) };
  } catch (error) {
    return { reason: `the input does not encode as ${method.input.typeName}: ${(error as Error).message}` };
  }
}
