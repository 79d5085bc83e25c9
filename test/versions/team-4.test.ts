import { describe, it, expect } from 'vitest';
import sortWithTypedArray from '../../versions/sort/typed-array.js';
import evaluateRecursiveDescent from '../../versions/evaluate/recursive-descent.js';

/** mulberry32: a small seeded PRNG so random cases are reproducible. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInt(random: () => number, bound: number): number {
  return Math.floor(random() * bound);
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[randomInt(random, items.length)] as T;
}

// ---------------------------------------------------------------------------
// Sort

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function referenceSort(values: readonly bigint[]): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function randomInt64(random: () => number): bigint {
  const high = BigInt(randomInt(random, 2 ** 32));
  const low = BigInt(randomInt(random, 2 ** 32));
  return BigInt.asIntN(64, (high << 32n) | low);
}

function sorted(values: readonly bigint[]): bigint[] {
  const result = sortWithTypedArray({ values });
  if (result.kind !== 'value') throw new Error(`unexpected ${result.reason}`);
  return result.value;
}

describe('sort/typed-array', () => {
  it('sorts the empty input and single values', () => {
    expect(sorted([])).toEqual([]);
    expect(sorted([5n])).toEqual([5n]);
  });

  it('sorts numerically, not as strings', () => {
    expect(sorted([10n, 9n, -1n, 100n, -20n, 0n])).toEqual([-20n, -1n, 0n, 9n, 10n, 100n]);
  });

  it('keeps the extremes of the signed 64-bit range exact', () => {
    const values = [INT64_MAX, 0n, INT64_MIN, -1n, INT64_MIN + 1n, INT64_MAX - 1n, 1n];
    expect(sorted(values)).toEqual([INT64_MIN, INT64_MIN + 1n, -1n, 0n, 1n, INT64_MAX - 1n, INT64_MAX]);
  });

  it('keeps duplicates (same multiset)', () => {
    expect(sorted([3n, 1n, 3n, 1n, 2n, 3n])).toEqual([1n, 1n, 2n, 3n, 3n, 3n]);
  });

  it('does not modify the input and returns plain bigints', () => {
    const values = [3n, -2n, 1n];
    const result = sorted(values);
    expect(values).toEqual([3n, -2n, 1n]);
    expect(Array.isArray(result)).toBe(true);
    expect(result.every((value) => typeof value === 'bigint')).toBe(true);
  });

  it('rejects more than 100,000 values and accepts exactly 100,000', () => {
    const tooMany = new Array<bigint>(100_001).fill(1n);
    expect(sortWithTypedArray({ values: tooMany })).toEqual({ kind: 'domain_error', reason: 'TOO_LARGE' });
    const random = makeRandom(7);
    const atLimit = Array.from({ length: 100_000 }, () => randomInt64(random));
    expect(sorted(atLimit)).toEqual(referenceSort(atLimit));
  });

  it('matches a reference sort on random inputs', () => {
    const random = makeRandom(42);
    const specials = [INT64_MIN, INT64_MAX, 0n, -1n, 1n];
    for (let trial = 0; trial < 300; trial++) {
      const length = randomInt(random, 60);
      const narrow = random() < 0.3;
      const values = Array.from({ length }, () => {
        const roll = random();
        if (roll < 0.1) return pick(random, specials);
        if (narrow) return BigInt(randomInt(random, 7) - 3);
        return randomInt64(random);
      });
      expect(sorted(values)).toEqual(referenceSort(values));
    }
  });
});

// ---------------------------------------------------------------------------
// Evaluate

function evaluate(expression: string): number | string {
  const result = evaluateRecursiveDescent({ expression });
  return result.kind === 'value' ? result.value : result.reason;
}

/** A random expression tree, rendered to text and evaluated by a direct reference below. */
type Tree =
  | { kind: 'literal'; text: string }
  | { kind: 'constant'; name: 'pi' | 'e' }
  | { kind: 'binary'; operator: '+' | '-' | '*' | '/'; left: Tree; right: Tree }
  | { kind: 'sign'; operator: '+' | '-'; operand: Tree }
  | { kind: 'power'; base: Tree; exponent: Tree }
  | { kind: 'call'; name: string; argument: Tree };

class ReferenceFailure extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

function checkFinite(value: number): number {
  if (!Number.isFinite(value)) throw new ReferenceFailure('NON_FINITE');
  return value;
}

/** The specification read as plainly as possible: recursive, operands left to right. */
function referenceEvaluate(tree: Tree): number {
  switch (tree.kind) {
    case 'literal':
      return checkFinite(Number(tree.text));
    case 'constant':
      return tree.name === 'pi' ? Math.PI : Math.E;
    case 'sign': {
      const value = referenceEvaluate(tree.operand);
      return tree.operator === '-' ? -value : value;
    }
    case 'binary': {
      const left = referenceEvaluate(tree.left);
      const right = referenceEvaluate(tree.right);
      if (tree.operator === '+') return checkFinite(left + right);
      if (tree.operator === '-') return checkFinite(left - right);
      if (tree.operator === '*') return checkFinite(left * right);
      if (right === 0) throw new ReferenceFailure('DIVISION_BY_ZERO');
      return checkFinite(left / right);
    }
    case 'power': {
      const base = referenceEvaluate(tree.base);
      const exponent = referenceEvaluate(tree.exponent);
      if (base === 0 && exponent < 0) throw new ReferenceFailure('DOMAIN_ERROR');
      if (base < 0 && !Number.isInteger(exponent)) throw new ReferenceFailure('DOMAIN_ERROR');
      return checkFinite(base ** exponent);
    }
    case 'call': {
      const x = referenceEvaluate(tree.argument);
      switch (tree.name) {
        case 'sqrt':
          if (x < 0) throw new ReferenceFailure('DOMAIN_ERROR');
          return checkFinite(Math.sqrt(x));
        case 'ln':
          if (x <= 0) throw new ReferenceFailure('DOMAIN_ERROR');
          return checkFinite(Math.log(x));
        case 'log10':
          if (x <= 0) throw new ReferenceFailure('DOMAIN_ERROR');
          return checkFinite(Math.log10(x));
        case 'sin':
          return checkFinite(Math.sin(x));
        case 'cos':
          return checkFinite(Math.cos(x));
        case 'tan':
          return checkFinite(Math.tan(x));
        case 'exp':
          return checkFinite(Math.exp(x));
        default:
          return checkFinite(Math.abs(x));
      }
    }
  }
}

function referenceOutcome(tree: Tree): number | string {
  try {
    return referenceEvaluate(tree);
  } catch (error) {
    if (error instanceof ReferenceFailure) return error.reason;
    throw error;
  }
}

const LITERALS = [
  '0', '1', '2', '3', '4', '7', '10', '0.5', '.25', '1.5', '2.0', '1e2', '2.5E-1', '3e+1',
  '007', '1e308', '1e-320', '1e999', '0.0',
];
const FUNCTIONS = ['sqrt', 'sin', 'cos', 'tan', 'exp', 'ln', 'log10', 'abs'];

function randomTree(random: () => number, depth: number): Tree {
  const roll = random();
  if (depth <= 0 || roll < 0.25) {
    if (random() < 0.15) return { kind: 'constant', name: pick(random, ['pi', 'e'] as const) };
    return { kind: 'literal', text: pick(random, LITERALS) };
  }
  if (roll < 0.55) {
    return {
      kind: 'binary',
      operator: pick(random, ['+', '-', '*', '/'] as const),
      left: randomTree(random, depth - 1),
      right: randomTree(random, depth - 1),
    };
  }
  if (roll < 0.7) {
    return { kind: 'sign', operator: pick(random, ['+', '-'] as const), operand: randomTree(random, depth - 1) };
  }
  if (roll < 0.85) {
    return { kind: 'power', base: randomTree(random, depth - 1), exponent: randomTree(random, depth - 1) };
  }
  return { kind: 'call', name: pick(random, FUNCTIONS), argument: randomTree(random, depth - 1) };
}

/** Grammar level a tree renders at: expr 1, term 2, unary 3, power 4, primary 5. */
function levelOf(tree: Tree): number {
  switch (tree.kind) {
    case 'binary':
      return tree.operator === '+' || tree.operator === '-' ? 1 : 2;
    case 'sign':
      return 3;
    case 'power':
      return 4;
    default:
      return 5;
  }
}

/** Tokens for `tree` where the grammar needs at least `minimumLevel`; parenthesizes when needed (or at random). */
function renderTokens(random: () => number, tree: Tree, minimumLevel: number): string[] {
  const inner = renderInner(random, tree);
  if (levelOf(tree) < minimumLevel || random() < 0.1) return ['(', ...inner, ')'];
  return inner;
}

function renderInner(random: () => number, tree: Tree): string[] {
  switch (tree.kind) {
    case 'literal':
      return [tree.text];
    case 'constant':
      return [tree.name];
    case 'binary': {
      const additive = tree.operator === '+' || tree.operator === '-';
      return [
        ...renderTokens(random, tree.left, additive ? 1 : 2),
        tree.operator,
        ...renderTokens(random, tree.right, additive ? 2 : 3),
      ];
    }
    case 'sign':
      return [tree.operator, ...renderTokens(random, tree.operand, 3)];
    case 'power':
      return [...renderTokens(random, tree.base, 5), '^', ...renderTokens(random, tree.exponent, 3)];
    case 'call':
      return [tree.name, '(', ...renderTokens(random, tree.argument, 1), ')'];
  }
}

function joinWithWhitespace(random: () => number, tokens: readonly string[]): string {
  let text = '';
  for (const token of tokens) {
    text += random() < 0.2 ? pick(random, [' ', '  ', '\t', '\n', '\r\n']) : '';
    text += token;
  }
  return text;
}

describe('evaluate/recursive-descent', () => {
  it('computes the SPEC examples', () => {
    expect(evaluate('1+2*3')).toBe(7);
    expect(evaluate('2^3^2')).toBe(512);
    expect(evaluate('-2^2')).toBe(-4);
    expect(evaluate('2^-1')).toBe(0.5);
    expect(evaluate('(1+2)*3')).toBe(9);
    expect(evaluate('--1')).toBe(1);
    expect(evaluate('sqrt(16)')).toBe(4);
    expect(evaluate('ln(e)')).toBe(1);
    expect(evaluate('1/0')).toBe('DIVISION_BY_ZERO');
    expect(evaluate('(-8)^(1/3)')).toBe('DOMAIN_ERROR');
    expect(evaluate('0^-1')).toBe('DOMAIN_ERROR');
    expect(evaluate('1/0 + sqrt(-1)')).toBe('DIVISION_BY_ZERO');
    expect(evaluate('sqrt(-1) + 1/0')).toBe('DOMAIN_ERROR');
    expect(evaluate('1/0 + (')).toBe('SYNTAX_ERROR');
    expect(evaluate('exp(1000) - 1/0')).toBe('NON_FINITE');
  });

  it('follows precedence and associativity', () => {
    expect(evaluate('10-4-3')).toBe(3);
    expect(evaluate('64/4/2')).toBe(8);
    expect(evaluate('2*3^2')).toBe(18);
    expect(evaluate('2^-3^2')).toBe(2 ** -9);
    expect(evaluate('-3^2*2')).toBe(-18);
    expect(evaluate('2^3*2')).toBe(16);
    expect(evaluate('+-+2')).toBe(-2);
    expect(evaluate('3--2')).toBe(5);
    expect(evaluate('(-8)^3')).toBe(-512);
    expect(evaluate('0^0')).toBe(1);
    expect(evaluate('-0')).toBe(-0);
    expect(Object.is(evaluate('-0'), -0)).toBe(true);
    expect(Object.is(evaluate('--0'), 0)).toBe(true);
  });

  it('reads numbers the way Number() does', () => {
    expect(evaluate('.5')).toBe(0.5);
    expect(evaluate('2e1')).toBe(20);
    expect(evaluate('1E-2')).toBe(0.01);
    expect(evaluate('1e+2')).toBe(100);
    expect(evaluate('.5e1')).toBe(5);
    expect(evaluate('0.1+0.2')).toBe(0.1 + 0.2);
    expect(evaluate('007')).toBe(7);
    expect(evaluate('1e-400')).toBe(0);
    expect(evaluate('2e-1^2')).toBe(0.2 ** 2);
  });

  it('evaluates functions and constants', () => {
    expect(evaluate('pi')).toBe(Math.PI);
    expect(evaluate('e')).toBe(Math.E);
    expect(evaluate('log10(1000)')).toBe(Math.log10(1000));
    expect(evaluate('abs(-3)')).toBe(3);
    expect(evaluate('sin(pi/2) + cos(0) + tan(0)')).toBe(2);
    expect(evaluate('exp(0)')).toBe(1);
    expect(evaluate('sqrt (4)')).toBe(2);
    expect(evaluate('sqrt(-0)')).toBe(-0);
    expect(evaluate('e^2')).toBe(Math.E ** 2);
  });

  it('accepts whitespace between tokens only', () => {
    expect(evaluate(' 1\t+\r\n2 ')).toBe(3);
    expect(evaluate('1 2')).toBe('SYNTAX_ERROR');
    expect(evaluate('s in(0)')).toBe('SYNTAX_ERROR');
    expect(evaluate('1. 5')).toBe('SYNTAX_ERROR');
    expect(evaluate('1\v+2')).toBe('SYNTAX_ERROR');
    expect(evaluate('1\u00a0+2')).toBe('SYNTAX_ERROR');
  });

  it('rejects text outside the grammar', () => {
    const syntaxErrors = [
      '', '   ', '\n', '2pi', '2(3)', '2e', '2ex', '2e+', '1.', '1.e5', '.', '..5', '1..2',
      'pi(1)', 'e(1)', 'sin', 'sin 0', 'sin()', 'Sin(0)', 'PI', 'E', 'foo', 'sin2(0)', 'x',
      '(1', '1)', '()', ')(', '1+', '*1', '1**2', '2^', '^2', '1 + (2', 'log(10)', '1,5',
      '2E', '3 e2', 'pi2', 'e1', '#', '1/0 + (', 'sqrt(-1) +', '(1)(2)', '2 pi', '1e5.5',
    ];
    for (const text of syntaxErrors) {
      expect([text, evaluate(text)]).toEqual([text, 'SYNTAX_ERROR']);
    }
  });

  it('reports TOO_COMPLEX before anything else', () => {
    const atLimit = '1' + '+1'.repeat(4999) + ' ';
    expect(atLimit.length).toBe(10_000);
    expect(evaluate(atLimit)).toBe(5000);
    expect(evaluate(atLimit + ' ')).toBe('TOO_COMPLEX');
    expect(evaluate('#'.repeat(10_001))).toBe('TOO_COMPLEX');
    expect(evaluate('('.repeat(200) + '1' + ')'.repeat(200))).toBe(1);
    expect(evaluate('('.repeat(201) + '1' + ')'.repeat(201))).toBe('TOO_COMPLEX');
    expect(evaluate('('.repeat(201))).toBe('TOO_COMPLEX');
    expect(evaluate('#' + '('.repeat(201))).toBe('TOO_COMPLEX');
    expect(evaluate('sqrt('.repeat(201) + '1' + ')'.repeat(201))).toBe('TOO_COMPLEX');
    expect(evaluate('sqrt('.repeat(200) + '1' + ')'.repeat(200))).toBe(1);
    // Depth is counted on the raw text: closing parentheses first lower it (literal SPEC reading).
    expect(evaluate(')' + '('.repeat(201))).toBe('SYNTAX_ERROR');
    expect(evaluate('(1)'.repeat(300))).toBe('SYNTAX_ERROR');
  });

  it('reports the first evaluation error in left-to-right operand order', () => {
    expect(evaluate('1e999')).toBe('NON_FINITE');
    expect(evaluate('1e999 + 1/0')).toBe('NON_FINITE');
    expect(evaluate('1/0 + 1e999')).toBe('DIVISION_BY_ZERO');
    expect(evaluate('10^400')).toBe('NON_FINITE');
    expect(evaluate('1e308*10')).toBe('NON_FINITE');
    expect(evaluate('1e308*10*0')).toBe('NON_FINITE');
    expect(evaluate('1/-0')).toBe('DIVISION_BY_ZERO');
    expect(evaluate('1/(1-1)')).toBe('DIVISION_BY_ZERO');
    expect(evaluate('ln(0)')).toBe('DOMAIN_ERROR');
    expect(evaluate('log10(-1)')).toBe('DOMAIN_ERROR');
    expect(evaluate('ln(-0)')).toBe('DOMAIN_ERROR');
    expect(evaluate('(-0)^-1')).toBe('DOMAIN_ERROR');
    expect(evaluate('(-2)^0.5')).toBe('DOMAIN_ERROR');
    expect(evaluate('sqrt(-1)^(1/0)')).toBe('DOMAIN_ERROR');
    expect(evaluate('(1/0)^sqrt(-1)')).toBe('DIVISION_BY_ZERO');
    expect(evaluate('2^(1/0)')).toBe('DIVISION_BY_ZERO');
    // The innermost power of a chain is applied first.
    expect(evaluate('0^-1^10^400')).toBe('NON_FINITE');
    expect(evaluate('(-2)^0.5^1')).toBe('DOMAIN_ERROR');
    expect(evaluate('0^-2^0.5^(1/0)')).toBe('DIVISION_BY_ZERO');
    expect(evaluate('exp(1000)')).toBe('NON_FINITE');
    expect(evaluate('exp(-1000)')).toBe(0);
    expect(evaluate('(-2)^1e300')).toBe('NON_FINITE');
    expect(evaluate('(-0.5)^1e300')).toBe(0);
  });

  it('handles long sign and power chains without deep recursion', () => {
    expect(evaluate('-'.repeat(5000) + '1')).toBe(1);
    expect(evaluate('-'.repeat(5001) + '1')).toBe(-1);
    expect(evaluate('-+'.repeat(4999) + '1')).toBe(-1);
    expect(evaluate('-'.repeat(9999) + '1')).toBe(-1);
    expect(evaluate('2^'.repeat(3000) + '2')).toBe('NON_FINITE');
    expect(evaluate('1^'.repeat(3000) + '1')).toBe(1);
    expect(evaluate('1^-'.repeat(3000) + '1')).toBe(1);
    expect(evaluate('2^' + '1^'.repeat(3000) + '3')).toBe(2);
    expect(evaluate('1^'.repeat(3000) + '(1/0)')).toBe('DIVISION_BY_ZERO');
    expect(evaluate('2*'.repeat(4000) + '1')).toBe('NON_FINITE');
    expect(evaluate('1-'.repeat(4999) + '1')).toBe(-4998);
    expect(evaluate('1/'.repeat(4999) + '1')).toBe(1);
    expect(evaluate('2^-'.repeat(3000) + '1')).toBe(referenceChain(3000));
    expect(evaluate('sqrt(-'.repeat(200) + '1' + ')'.repeat(200))).toBe('DOMAIN_ERROR');
  });

  it('matches a direct recursive reference on random expressions', () => {
    const random = makeRandom(2024);
    let values = 0;
    const reasons = new Set<string>();
    for (let trial = 0; trial < 4000; trial++) {
      const tree = randomTree(random, 1 + randomInt(random, 6));
      const text = joinWithWhitespace(random, renderTokens(random, tree, 1));
      const expected = referenceOutcome(tree);
      const actual = evaluate(text);
      expect([text, actual]).toEqual([text, expected]);
      expect(Object.is(actual, expected)).toBe(true);
      if (typeof expected === 'number') values++;
      else reasons.add(expected);
    }
    // The random cases must exercise both answers and every evaluation error.
    expect(values).toBeGreaterThan(1000);
    expect([...reasons].sort()).toEqual(['DIVISION_BY_ZERO', 'DOMAIN_ERROR', 'NON_FINITE']);
  });

  it('rejects random corruptions of valid expressions as the reference parser would', () => {
    // Deleting one character from a fully parenthesized expression must never throw,
    // and must give either a value, an evaluation error or SYNTAX_ERROR.
    const random = makeRandom(99);
    const allowed = new Set(['SYNTAX_ERROR', 'DIVISION_BY_ZERO', 'DOMAIN_ERROR', 'NON_FINITE']);
    for (let trial = 0; trial < 500; trial++) {
      const tree = randomTree(random, 4);
      const text = renderTokens(random, tree, 1).join('');
      const cut = randomInt(random, text.length);
      const corrupted = text.slice(0, cut) + text.slice(cut + 1);
      const outcome = evaluate(corrupted);
      expect(typeof outcome === 'number' || allowed.has(outcome)).toBe(true);
    }
  });
});

/** 2^-(2^-(...^-1)) with `links` carets, computed innermost first. */
function referenceChain(links: number): number {
  let exponent = -1;
  for (let index = 1; index < links; index++) exponent = -(2 ** exponent);
  return 2 ** exponent;
}
