import { describe, expect, it } from 'vitest';
import { computeMethods } from '../../tools/cli/compute-methods.js';
import { loadRegistry } from '../../tools/cli/descriptor-registry.js';
import { encodeJournalInput } from '../../tools/replay/encode-journal-input.js';
import { FactorizeRequest, ShortestPathRequest, SortRequest, StatisticsRequest } from '../../voter/gen/nvote/v1/compute_service.js';
import { toJournalJson } from '../../voter/journal/to-journal-json.js';

const methods = computeMethods(loadRegistry());

function method(name: string) {
  const found = methods.get(name);
  if (found === undefined) throw new Error(`no method ${name}`);
  return found;
}

function bytesOf(name: string, request: unknown): Uint8Array {
  // As the journal writes the decoded request, and as replay reads it back.
  const encoded = encodeJournalInput(method(name), JSON.parse(JSON.stringify(toJournalJson(request))));
  if ('reason' in encoded) throw new Error(encoded.reason);
  return encoded.bytes;
}

describe('a journaled input sent again', () => {
  it('encodes to the request the gateway decoded, int64 extremes included', () => {
    const sort = { values: [9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 0n] };
    expect(SortRequest.decode(bytesOf('Sort', sort))).toEqual(sort);
    const factorize = { n: 18_446_744_073_709_551_615n };
    expect(FactorizeRequest.decode(bytesOf('Factorize', factorize))).toEqual(factorize);
  });

  it('encodes a packed Float64Array and non-finite doubles back to the same values', () => {
    const decoded = StatisticsRequest.decode(bytesOf('Statistics', { values: new Float64Array([1.5, Number.NaN, Infinity, -Infinity]) }));
    expect(decoded.values).toEqual([1.5, Number.NaN, Infinity, -Infinity]);
  });

  it('encodes a graph of records', () => {
    const graph = { nodeCount: 3, edges: [{ from: 0, to: 1, weight: 2.5 }, { from: 1, to: 2, weight: 1e300 }], source: 0, target: 2 };
    expect(ShortestPathRequest.decode(bytesOf('ShortestPath', graph))).toEqual(graph);
  });

  it('says why an input does not encode rather than sending something else', () => {
    expect(encodeJournalInput(method('Sort'), { values: ['1'], extra: true })).toEqual({ reason: expect.stringMatching(/does not encode as nvote\.v1\.SortRequest/) });
  });
});
