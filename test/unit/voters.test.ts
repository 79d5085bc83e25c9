import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../voter/errors.js';
import { STATUS_BY_CODE } from '../../voter/grpc/status.js';
import { canonicalize } from '../../voter/vote/canonicalize.js';
import { createShortestPathVoter } from '../../voter/vote/shortest-path-voter.js';
import { withinTolerance } from '../../voter/vote/tolerance.js';
import { createToleranceVoter } from '../../voter/vote/tolerance-voter.js';

describe('canonicalize', () => {
  it('does not depend on key order, the sign of zero or the NaN payload', () => {
    expect(canonicalize({ b: 1, a: [0, -0] })).toBe(canonicalize({ a: [-0, 0], b: 1 }));
    expect(canonicalize(Number.NaN)).toBe(canonicalize(0 / 0));
  });

  it('keeps bigints, numbers and strings apart', () => {
    expect(new Set([canonicalize(1n), canonicalize(1), canonicalize('1')]).size).toBe(3);
  });
});

describe('tolerance voting', () => {
  it('compares with a relative and an absolute bound', () => {
    expect(withinTolerance(1, 1 + 1e-10, { relative: 1e-9, absolute: 0 })).toBe(true);
    expect(withinTolerance(1, 1 + 1e-8, { relative: 1e-9, absolute: 0 })).toBe(false);
    expect(withinTolerance(0, 1e-13, { relative: 1e-9, absolute: 1e-12 })).toBe(true);
    expect(withinTolerance(Number.NaN, Number.NaN, { relative: 1, absolute: 1 })).toBe(false);
  });

  it('returns the lower median of each numeric field, independent of order', () => {
    const voter = createToleranceVoter<unknown, { mean: number; count: number }>({ relative: 1e-6, absolute: 0 });
    const a = { mean: 1.0000001, count: 3 };
    const b = { mean: 1, count: 3 };
    const c = { mean: 1.0000002, count: 3 };
    expect(voter.agree(a, b)).toBe(true);
    expect(voter.pick([a, b, c])).toEqual({ mean: 1.0000001, count: 3 });
    expect(voter.pick([c, a, b])).toEqual(voter.pick([a, b, c]));
    expect(voter.agree(a, { mean: 1, count: 4 })).toBe(false);
  });
});

describe('shortest-path voting', () => {
  const voter = createShortestPathVoter({ relative: 1e-9, absolute: 0 });
  const input = {
    nodeCount: 4,
    edges: [
      { from: 0, to: 1, weight: 1 },
      { from: 1, to: 3, weight: 1 },
      { from: 0, to: 2, weight: 1 },
      { from: 2, to: 3, weight: 1 },
      { from: 2, to: 3, weight: 7 },
    ],
    source: 0,
    target: 3,
  };

  it('accepts any optimal path and refuses paths that are not in the graph', () => {
    expect(voter.isAcceptable({ reachable: true, distance: 2, path: [0, 2, 3] }, input)).toBe(true);
    expect(voter.isAcceptable({ reachable: true, distance: 2, path: [0, 3] }, input)).toBe(false);
    expect(voter.isAcceptable({ reachable: true, distance: 3, path: [0, 1, 3] }, input)).toBe(false);
    expect(voter.isAcceptable({ reachable: true, distance: 2, path: [1, 3] }, input)).toBe(false);
    expect(voter.isAcceptable({ reachable: false, distance: 0, path: [] }, input)).toBe(true);
  });

  it('lets different optimal paths agree and picks one deterministically', () => {
    const one = { reachable: true, distance: 2, path: [0, 2, 3] };
    const other = { reachable: true, distance: 2, path: [0, 1, 3] };
    expect(voter.agree(one, other)).toBe(true);
    expect(voter.pick([one, other])).toEqual(other);
    expect(voter.pick([other, one])).toEqual(other);
  });
});

describe('the status mapping', () => {
  it('maps every error code to a status, and only the documented ones', () => {
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual([...ERROR_CODES].sort());
    expect(STATUS_BY_CODE).toMatchInlineSnapshot(`
      {
        "DISSENT": 9,
        "DOMAIN_ERROR": 3,
        "FAULT_LIMIT": 8,
        "FAULT_NOT_FOUND": 5,
        "INTERNAL": 13,
        "INVALID_FAULT": 3,
        "NO_MAJORITY": 13,
        "OVERLOADED": 8,
        "QUARANTINE_REFUSED": 9,
        "QUORUM_LOST": 14,
        "SHUTTING_DOWN": 14,
        "UNAUTHENTICATED": 16,
        "VERSION_NOT_FOUND": 5,
      }
    `);
  });
});
