import { describe, it, expect } from 'vitest';
import evaluate from '../../versions/evaluate/pratt.js';

type Outcome = number | string;

/** The version's result as a number, or the domain error reason. */
function outcome(expression: string): Outcome {
  const result = evaluate({ expression });
  return result.kind === 'value' ? result.value : result.reason;
}

// ---------------------------------------------------------------------------------------------
// Reference: a regex tokenizer and a textbook recursive-descent parser building a tree, then a
// recursive tree walk. Deliberately structured unlike the version; only used on small inputs.
// ---------------------------------------------------------------------------------------------

class RefError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

type Node =
  | { readonly type: 'num'; readonly value: number }
  | { readonly type: 'neg'; readonly operand: Node }
  | { readonly type: 'bin'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly type: 'call'; readonly name: string; readonly argument: Node };

const FUNCTIONS = ['sqrt', 'sin', 'cos', 'tan', 'exp', 'ln', 'log10', 'abs'];

function referenceTokens(text: string): string[] {
  const tokens: string[] = [];
  const patterns = [
    /[ \t\r\n]+/y,
    /(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y,
    /[a-z][a-z0-9]*/y,
    /[-+*/^()]/y,
  ];
  let at = 0;
  outer: while (at < text.length) {
    for (const [index, pattern] of patterns.entries()) {
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (match !== null) {
        if (index !== 0) tokens.push(match[0]);
        at = pattern.lastIndex;
        continue outer;
      }
    }
    throw new RefError('SYNTAX_ERROR');
  }
  return tokens;
}

function referenceParse(text: string): Node {
  const tokens = referenceTokens(text);
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new RefError('SYNTAX_ERROR');
    return token;
  };
  const expect_ = (token: string): void => {
    if (take() !== token) throw new RefError('SYNTAX_ERROR');
  };
  const expr = (): Node => {
    let left = term();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      left = { type: 'bin', op, left, right: term() };
    }
    return left;
  };
  const term = (): Node => {
    let left = unary();
    while (peek() === '*' || peek() === '/') {
      const op = take();
      left = { type: 'bin', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Node => {
    if (peek() === '-') {
      take();
      return { type: 'neg', operand: unary() };
    }
    if (peek() === '+') {
      take();
      return unary();
    }
    return power();
  };
  const power = (): Node => {
    const base = primary();
    if (peek() === '^') {
      take();
      return { type: 'bin', op: '^', left: base, right: unary() };
    }
    return base;
  };
  const primary = (): Node => {
    const token = take();
    if (/^[0-9.]/.test(token)) return { type: 'num', value: Number(token) };
    if (token === 'pi') return { type: 'num', value: Math.PI };
    if (token === 'e') return { type: 'num', value: Math.E };
    if (FUNCTIONS.includes(token)) {
      expect_('(');
      const argument = expr();
      expect_(')');
      return { type: 'call', name: token, argument };
    }
    if (token === '(') {
      const inner = expr();
      expect_(')');
      return inner;
    }
    throw new RefError('SYNTAX_ERROR');
  };
  const tree = expr();
  if (at !== tokens.length) throw new RefError('SYNTAX_ERROR');
  return tree;
}

function finite(value: number): number {
  if (!Number.isFinite(value)) throw new RefError('NON_FINITE');
  return value;
}

function referenceEval(node: Node): number {
  switch (node.type) {
    case 'num':
      return finite(node.value);
    case 'neg':
      return -referenceEval(node.operand);
    case 'call': {
      const x = referenceEval(node.argument);
      const fail = (): never => {
        throw new RefError('DOMAIN_ERROR');
      };
      switch (node.name) {
        case 'sqrt':
          return finite(x < 0 ? fail() : Math.sqrt(x));
        case 'ln':
          return finite(x <= 0 ? fail() : Math.log(x));
        case 'log10':
          return finite(x <= 0 ? fail() : Math.log10(x));
        case 'sin':
          return finite(Math.sin(x));
        case 'cos':
          return finite(Math.cos(x));
        case 'tan':
          return finite(Math.tan(x));
        case 'exp':
          return finite(Math.exp(x));
        default:
          return finite(Math.abs(x));
      }
    }
    case 'bin': {
      const a = referenceEval(node.left);
      const b = referenceEval(node.right);
      switch (node.op) {
        case '+':
          return finite(a + b);
        case '-':
          return finite(a - b);
        case '*':
          return finite(a * b);
        case '/':
          if (b === 0) throw new RefError('DIVISION_BY_ZERO');
          return finite(a / b);
        default:
          if ((a === 0 && b < 0) || (a < 0 && Math.trunc(b) !== b)) throw new RefError('DOMAIN_ERROR');
          return finite(a ** b);
      }
    }
  }
}

function reference(text: string): Outcome {
  if (text.length > 10_000) return 'TOO_COMPLEX';
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth > 200) return 'TOO_COMPLEX';
  }
  try {
    return referenceEval(referenceParse(text));
  } catch (error) {
    if (error instanceof RefError) return error.reason;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Seeded random expressions: grammar-generated, then optionally mutated into near-misses.
// ---------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LITERALS = ['0', '1', '2', '3', '10', '0.5', '.25', '2.5e1', '1E-3', '1e+2', '7.0', '1e308', '1e999', '0e5', '00', '4'];
const SPACES = ['', '', '', ' ', '\t', '\n', '\r', '  '];
const MUTATION_CHARS = '0123456789.eE+-*/^()  piesqrtlnxabcoZ\t,';

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const space = (): string => pick(SPACES);
  const gen = (depth: number): string => {
    const roll = random();
    if (depth <= 0 || roll < 0.25) {
      return pick([...LITERALS, 'pi', 'e']);
    }
    if (roll < 0.4) return `${pick(['-', '+'])}${space()}${gen(depth - 1)}`;
    if (roll < 0.55) return `${pick(FUNCTIONS)}${space()}(${space()}${gen(depth - 1)}${space()})`;
    if (roll < 0.65) return `(${space()}${gen(depth - 1)}${space()})`;
    return `${gen(depth - 1)}${space()}${pick(['+', '-', '*', '/', '^', '^', '/'])}${space()}${gen(depth - 1)}`;
  };
  const mutate = (text: string): string => {
    const at = Math.floor(random() * (text.length + 1));
    const kind = random();
    if (kind < 0.33) return text.slice(0, at) + text.slice(at + 1);
    if (kind < 0.66) return text.slice(0, at) + pick([...MUTATION_CHARS]) + text.slice(at);
    return text.slice(0, at) + pick([...MUTATION_CHARS]) + text.slice(at + 1);
  };
  return (): string => {
    let text = gen(1 + Math.floor(random() * 5));
    if (random() < 0.4) {
      const mutations = 1 + Math.floor(random() * 3);
      for (let i = 0; i < mutations; i++) text = mutate(text);
    }
    return text;
  };
}

// ---------------------------------------------------------------------------------------------

describe('team 6: evaluate (pratt)', () => {
  it('matches the SPEC examples', () => {
    const examples: [string, Outcome][] = [
      ['1+2*3', 7],
      ['2^3^2', 512],
      ['-2^2', -4],
      ['2^-1', 0.5],
      ['(1+2)*3', 9],
      ['--1', 1],
      ['sqrt(16)', 4],
      ['ln(e)', 1],
      ['1/0', 'DIVISION_BY_ZERO'],
      ['(-8)^(1/3)', 'DOMAIN_ERROR'],
      ['0^-1', 'DOMAIN_ERROR'],
      ['1/0 + sqrt(-1)', 'DIVISION_BY_ZERO'],
      ['sqrt(-1) + 1/0', 'DOMAIN_ERROR'],
      ['1/0 + (', 'SYNTAX_ERROR'],
      ['exp(1000) - 1/0', 'NON_FINITE'],
      ['1e999', 'NON_FINITE'],
      ['10^400', 'NON_FINITE'],
      ['1e308*10', 'NON_FINITE'],
      ['2e1', 20],
      ['2e', 'SYNTAX_ERROR'],
      ['1 2', 'SYNTAX_ERROR'],
      ['s in(0)', 'SYNTAX_ERROR'],
      ['2pi', 'SYNTAX_ERROR'],
      ['2(3)', 'SYNTAX_ERROR'],
      ['0^0', 1],
    ];
    for (const [expression, expected] of examples) {
      expect(outcome(expression), expression).toBe(expected);
    }
  });

  it('handles syntax edge cases', () => {
    const cases: [string, Outcome][] = [
      ['', 'SYNTAX_ERROR'],
      [' \t\r\n', 'SYNTAX_ERROR'],
      ['()', 'SYNTAX_ERROR'],
      ['(1', 'SYNTAX_ERROR'],
      ['1)', 'SYNTAX_ERROR'],
      ['1.', 'SYNTAX_ERROR'],
      ['.', 'SYNTAX_ERROR'],
      ['.5', 0.5],
      ['1.5e+2', 150],
      ['1.5E-1', 0.15],
      ['2e+', 'SYNTAX_ERROR'],
      ['2E', 'SYNTAX_ERROR'],
      ['1..2', 'SYNTAX_ERROR'],
      ['pi', Math.PI],
      ['e', Math.E],
      ['pi()', 'SYNTAX_ERROR'],
      ['e(1)', 'SYNTAX_ERROR'],
      ['sqrt 4', 'SYNTAX_ERROR'],
      ['sqrt (4)', 2],
      ['sqrt', 'SYNTAX_ERROR'],
      ['Sqrt(4)', 'SYNTAX_ERROR'],
      ['pi2', 'SYNTAX_ERROR'],
      ['e1', 'SYNTAX_ERROR'],
      ['log10(100)', 2],
      ['log 10(100)', 'SYNTAX_ERROR'],
      ['1+', 'SYNTAX_ERROR'],
      ['*1', 'SYNTAX_ERROR'],
      ['2^^2', 'SYNTAX_ERROR'],
      ['1\u00a0+1', 'SYNTAX_ERROR'],
      ['1\v+1', 'SYNTAX_ERROR'],
      ['1,5', 'SYNTAX_ERROR'],
      ['sqrt(-1) + (', 'SYNTAX_ERROR'],
      ['1/0 2', 'SYNTAX_ERROR'],
    ];
    for (const [expression, expected] of cases) {
      expect(outcome(expression), JSON.stringify(expression)).toBe(expected);
    }
  });

  it('applies precedence, associativity and evaluation order', () => {
    const cases: [string, Outcome][] = [
      ['2^-3*4', 0.5],
      ['2^-3^2', 2 ** -9],
      ['-2^-2', -0.25],
      ['2*3^2', 18],
      ['8/2/2', 2],
      ['8-2-2', 4],
      ['+-+3', -3],
      ['(-2)^3', -8],
      ['(-2)^0.5', 'DOMAIN_ERROR'],
      ['0^0.5', 0],
      ['1/-0', 'DIVISION_BY_ZERO'],
      ['1/(0*-1)', 'DIVISION_BY_ZERO'],
      ['ln(0)', 'DOMAIN_ERROR'],
      ['log10(-0)', 'DOMAIN_ERROR'],
      ['sqrt(-0)', -0],
      ['-0', -0],
      ['1e999 + 1/0', 'NON_FINITE'],
      ['1/0 + 1e999', 'DIVISION_BY_ZERO'],
      ['(1/0)^(0^-1)', 'DIVISION_BY_ZERO'],
      ['(0^-1)^(1/0)', 'DOMAIN_ERROR'],
      ['sqrt(1/0)', 'DIVISION_BY_ZERO'],
      ['exp(1000)*0', 'NON_FINITE'],
      ['1e-400', 0],
    ];
    for (const [expression, expected] of cases) {
      expect(outcome(expression), expression).toBe(expected);
    }
  });

  it('judges TOO_COMPLEX on the raw text first', () => {
    const nested = (depth: number): string => '('.repeat(depth) + '1' + ')'.repeat(depth);
    expect(outcome(nested(200))).toBe(1);
    expect(outcome(nested(201))).toBe('TOO_COMPLEX');
    expect(outcome('('.repeat(201) + '#')).toBe('TOO_COMPLEX');
    expect(outcome('1'.padEnd(10_001, ' '))).toBe('TOO_COMPLEX');
    expect(outcome('1'.padEnd(10_000, ' '))).toBe(1);
    expect(outcome('1/0' + ' '.repeat(9_998))).toBe('TOO_COMPLEX');
    // Sibling groups never accumulate depth.
    expect(outcome(Array.from({ length: 1000 }, () => '(1)').join('+'))).toBe(1000);
    // Literal reading: the raw balance is not clamped at zero, so a stray ')' first lowers it.
    expect(outcome(')' + '('.repeat(201) + '1' + ')'.repeat(200))).toBe('SYNTAX_ERROR');
  });

  it('survives long chains without overflowing the stack', () => {
    expect(outcome('-'.repeat(5000) + '1')).toBe(1);
    expect(outcome('-'.repeat(4999) + '1')).toBe(-1);
    expect(outcome('+-'.repeat(4999) + '2')).toBe(-2);
    expect(outcome('-'.repeat(9999) + '(')).toBe('SYNTAX_ERROR');
    expect(outcome('2^'.repeat(3000) + '2')).toBe('NON_FINITE');
    expect(outcome('1^'.repeat(3000) + '1')).toBe(1);
    expect(outcome('1^-'.repeat(3000) + '1')).toBe(1);
    expect(outcome('2^'.repeat(3000) + '(')).toBe('SYNTAX_ERROR');
    expect(outcome('1+'.repeat(4999) + '1')).toBe(5000);
    // Right-associative: 0^(0^(...)) alternates, so an odd count of zeros gives 0.
    expect(outcome('0^'.repeat(3000) + '0')).toBe(0);
    expect(outcome('0^'.repeat(2999) + '0')).toBe(1);
    expect(outcome('sqrt('.repeat(200) + '1' + ')'.repeat(200))).toBe(1);
    const start = performance.now();
    for (let i = 0; i < 20; i++) outcome('-'.repeat(4000) + '2^'.repeat(2999) + '1');
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('agrees with a recursive-descent reference on seeded random inputs', () => {
    const random = mulberry32(0x7eab6);
    const next = generator(random);
    const seen = new Set<string>();
    for (let i = 0; i < 6000; i++) {
      const expression = next();
      const expected = reference(expression);
      const actual = outcome(expression);
      expect(Object.is(actual, expected), `${JSON.stringify(expression)}: ${String(actual)} vs ${String(expected)}`).toBe(true);
      seen.add(typeof expected === 'number' ? 'value' : expected);
    }
    // The generator must exercise every outcome class, not just one.
    for (const kind of ['value', 'SYNTAX_ERROR', 'DIVISION_BY_ZERO', 'DOMAIN_ERROR', 'NON_FINITE']) {
      expect(seen.has(kind), kind).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The TOO_COMPLEX gate at its exact limits, and the shape of every kind of result.
// ---------------------------------------------------------------------------------------------

/** Depth rule written straight from the SPEC: does the raw running balance ever exceed 200? */
function referenceTooDeep(text: string): boolean {
  let depth = 0;
  let deepest = 0;
  for (const ch of text) {
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    deepest = Math.max(deepest, depth);
  }
  return deepest > 200;
}

describe('team 6: evaluate (pratt) complexity limits', () => {
  const nested = (depth: number, inner: string): string => '('.repeat(depth) + inner + ')'.repeat(depth);

  it('evaluates a text of exactly 10,000 characters and rejects 10,001 as TOO_COMPLEX', () => {
    const sum = '1+'.repeat(4999) + '1'; // 9,999 characters
    expect(sum.length).toBe(9_999);
    expect(outcome(sum)).toBe(5000);
    expect(outcome(sum + ' ')).toBe(5000);
    expect(outcome(sum + '  ')).toBe('TOO_COMPLEX');
    expect(outcome(sum + '+')).toBe('SYNTAX_ERROR');
    expect(outcome(sum + '+1')).toBe('TOO_COMPLEX');
  });

  it('gives every other error its own reason at 10,000 characters but TOO_COMPLEX at 10,001', () => {
    const pad = (text: string, length: number): string => text + ' '.repeat(length - text.length);
    const cases: [string, string][] = [
      ['#', 'SYNTAX_ERROR'],
      ['', 'SYNTAX_ERROR'],
      ['1/0', 'DIVISION_BY_ZERO'],
      ['sqrt(-1)', 'DOMAIN_ERROR'],
      ['1e999', 'NON_FINITE'],
    ];
    for (const [text, reason] of cases) {
      expect(outcome(pad(text, 10_000)), text).toBe(reason);
      expect(outcome(pad(text, 10_001)), text).toBe('TOO_COMPLEX');
    }
    expect(outcome('#'.repeat(10_000))).toBe('SYNTAX_ERROR');
    expect(outcome('#'.repeat(10_001))).toBe('TOO_COMPLEX');
  });

  it('measures length in UTF-16 code units, as JavaScript string length does', () => {
    const astral = '\u{1F600}'.repeat(5000);
    expect(astral.length).toBe(10_000);
    expect(outcome(astral)).toBe('SYNTAX_ERROR');
    expect(outcome(astral + '1')).toBe('TOO_COMPLEX');
  });

  it('allows nesting depth exactly 200 and rejects 201, whatever the rest of the text holds', () => {
    expect(outcome(nested(200, '1/0'))).toBe('DIVISION_BY_ZERO');
    expect(outcome(nested(201, '1/0'))).toBe('TOO_COMPLEX');
    expect(outcome(nested(200, '-2^2'))).toBe(-4);
    expect(outcome(nested(201, '-2^2'))).toBe('TOO_COMPLEX');
    expect(outcome('('.repeat(200) + '1')).toBe('SYNTAX_ERROR');
    expect(outcome('('.repeat(201) + '1')).toBe('TOO_COMPLEX');
    expect(outcome('#' + '('.repeat(201))).toBe('TOO_COMPLEX');
    expect(outcome('1+'.repeat(100) + nested(201, '1'))).toBe('TOO_COMPLEX');
    expect(outcome('sqrt('.repeat(201) + '1' + ')'.repeat(201))).toBe('TOO_COMPLEX');
    expect(outcome('sqrt('.repeat(199) + '(1)' + ')'.repeat(199))).toBe(1);
  });

  it('lets the depth return to 200 many times without accumulating', () => {
    expect(outcome(nested(200, '1') + '+' + nested(200, '2'))).toBe(3);
    expect(outcome(nested(200, '1') + '+' + nested(201, '2'))).toBe('TOO_COMPLEX');
  });

  it('counts the raw balance, so leading stray closers lower the depth', () => {
    expect(outcome(')'.repeat(5) + '('.repeat(205))).toBe('SYNTAX_ERROR');
    expect(outcome(')'.repeat(5) + '('.repeat(206))).toBe('TOO_COMPLEX');
    expect(outcome('1)' + nested(200, '1'))).toBe('SYNTAX_ERROR');
  });

  it('agrees with the SPEC depth rule on seeded random runs of parentheses near 200', () => {
    const random = mulberry32(201);
    let tooDeep = 0;
    for (let i = 0; i < 400; i++) {
      let text = '';
      while (text.length < 600) {
        const roll = random();
        const run = 1 + Math.floor(random() * 120);
        text += roll < 0.5 ? '('.repeat(run) : roll < 0.9 ? ')'.repeat(run) : '1+';
      }
      const expected = referenceTooDeep(text);
      expect(outcome(text) === 'TOO_COMPLEX', text).toBe(expected);
      if (expected) tooDeep++;
    }
    // Both sides of the limit must be exercised.
    expect(tooDeep).toBeGreaterThan(40);
    expect(tooDeep).toBeLessThan(360);
  });

  it('returns plain result objects for values and for every error reason', () => {
    const cases: [string, VersionResultShape][] = [
      ['1+2*3', { kind: 'value', value: 7 }],
      ['('.repeat(201), { kind: 'domain_error', reason: 'TOO_COMPLEX' }],
      ['1+', { kind: 'domain_error', reason: 'SYNTAX_ERROR' }],
      ['1/0', { kind: 'domain_error', reason: 'DIVISION_BY_ZERO' }],
      ['ln(0)', { kind: 'domain_error', reason: 'DOMAIN_ERROR' }],
      ['exp(1000)', { kind: 'domain_error', reason: 'NON_FINITE' }],
    ];
    for (const [expression, expected] of cases) {
      const result = evaluate({ expression });
      expect(result, expression).toStrictEqual(expected);
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(structuredClone(result)).toStrictEqual(expected);
    }
  });

  it('never throws and keeps no state between calls on seeded random inputs', () => {
    const random = mulberry32(0x5eed);
    const next = generator(random);
    const inputs = Array.from({ length: 500 }, () => next());
    const first = inputs.map((expression) => evaluate({ expression }));
    const second = inputs.map((expression) => evaluate({ expression }));
    expect(second).toStrictEqual(first);
  });
});

type VersionResultShape = { kind: 'value'; value: number } | { kind: 'domain_error'; reason: string };
