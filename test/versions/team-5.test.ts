import { describe, it, expect } from 'vitest';
import evaluate from '../../versions/evaluate/shunting-yard.js';

type Outcome = { kind: 'value'; value: number } | { kind: 'domain_error'; reason: string };

function run(expression: string): Outcome {
  return evaluate({ expression }) as Outcome;
}

function value(v: number): Outcome {
  return { kind: 'value', value: v };
}

function error(reason: string): Outcome {
  return { kind: 'domain_error', reason };
}

/** toEqual treats 0 and -0 alike; the vote does not, so compare values with Object.is too. */
function expectSame(actual: Outcome, expected: Outcome, expression: string): void {
  expect(actual, expression).toEqual(expected);
  if (actual.kind === 'value' && expected.kind === 'value') {
    expect(Object.is(actual.value, expected.value), `${expression}: ${actual.value} vs ${expected.value}`).toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------
// Reference: a regex lexer and a literal recursive-descent parser of SPEC.md's grammar building
// a tree, then a recursive evaluator that throws the first error in the prescribed order.
// Only used on small inputs, where recursion depth is no concern.
// ---------------------------------------------------------------------------------------------

type Node =
  | { tag: 'num'; value: number }
  | { tag: 'neg' | 'pos'; arg: Node }
  | { tag: 'bin'; op: string; left: Node; right: Node }
  | { tag: 'call'; name: string; arg: Node };

class SyntaxFailure extends Error {}
class EvalFailure extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

const NUMBER_RE = /^(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;
const NAME_RE = /^[a-z][a-z0-9]*/;
const FUNCS = ['sqrt', 'sin', 'cos', 'tan', 'exp', 'ln', 'log10', 'abs'];

function lex(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const ws = /^[ \t\r\n]+/.exec(rest);
    if (ws) {
      rest = rest.slice(ws[0].length);
      continue;
    }
    const m = NUMBER_RE.exec(rest) ?? NAME_RE.exec(rest) ?? /^[-+*/^()]/.exec(rest);
    if (!m) throw new SyntaxFailure();
    out.push(m[0]);
    rest = rest.slice(m[0].length);
  }
  return out;
}

function parseReference(text: string): Node {
  const toks = lex(text);
  let pos = 0;
  const peek = (): string | undefined => toks[pos];
  const take = (): string => {
    const t = toks[pos];
    if (t === undefined) throw new SyntaxFailure();
    pos++;
    return t;
  };
  const expectTok = (t: string): void => {
    if (take() !== t) throw new SyntaxFailure();
  };
  function expr(): Node {
    let left = term();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      left = { tag: 'bin', op, left, right: term() };
    }
    return left;
  }
  function term(): Node {
    let left = unary();
    while (peek() === '*' || peek() === '/') {
      const op = take();
      left = { tag: 'bin', op, left, right: unary() };
    }
    return left;
  }
  function unary(): Node {
    if (peek() === '-') {
      take();
      return { tag: 'neg', arg: unary() };
    }
    if (peek() === '+') {
      take();
      return { tag: 'pos', arg: unary() };
    }
    return power();
  }
  function power(): Node {
    const base = primary();
    if (peek() === '^') {
      take();
      return { tag: 'bin', op: '^', left: base, right: unary() };
    }
    return base;
  }
  function primary(): Node {
    const t = take();
    if (/^[0-9.]/.test(t)) return { tag: 'num', value: Number(t) };
    if (t === 'pi') return { tag: 'num', value: Math.PI };
    if (t === 'e') return { tag: 'num', value: Math.E };
    if (FUNCS.includes(t)) {
      expectTok('(');
      const arg = expr();
      expectTok(')');
      return { tag: 'call', name: t, arg };
    }
    if (t === '(') {
      const inner = expr();
      expectTok(')');
      return inner;
    }
    throw new SyntaxFailure();
  }
  const tree = expr();
  if (pos !== toks.length) throw new SyntaxFailure();
  return tree;
}

function finite(x: number): number {
  if (!Number.isFinite(x)) throw new EvalFailure('NON_FINITE');
  return x;
}

function evalNode(node: Node): number {
  switch (node.tag) {
    case 'num':
      return finite(node.value);
    case 'neg':
      return -evalNode(node.arg);
    case 'pos':
      return evalNode(node.arg);
    case 'call': {
      const x = evalNode(node.arg);
      const f: Record<string, (v: number) => number> = {
        sqrt: Math.sqrt, sin: Math.sin, cos: Math.cos, tan: Math.tan,
        exp: Math.exp, ln: Math.log, log10: Math.log10, abs: Math.abs,
      };
      if (node.name === 'sqrt' && x < 0) throw new EvalFailure('DOMAIN_ERROR');
      if ((node.name === 'ln' || node.name === 'log10') && x <= 0) throw new EvalFailure('DOMAIN_ERROR');
      return finite(f[node.name]!(x));
    }
    case 'bin': {
      const a = evalNode(node.left);
      const b = evalNode(node.right);
      switch (node.op) {
        case '+': return finite(a + b);
        case '-': return finite(a - b);
        case '*': return finite(a * b);
        case '/':
          if (b === 0) throw new EvalFailure('DIVISION_BY_ZERO');
          return finite(a / b);
        default:
          if (a === 0 && b < 0) throw new EvalFailure('DOMAIN_ERROR');
          if (a < 0 && Math.trunc(b) !== b) throw new EvalFailure('DOMAIN_ERROR');
          return finite(a ** b);
      }
    }
  }
}

function reference(text: string): Outcome {
  if (text.length > 10_000) return error('TOO_COMPLEX');
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth > 200) return error('TOO_COMPLEX');
  }
  let tree: Node;
  try {
    tree = parseReference(text);
  } catch (e) {
    if (e instanceof SyntaxFailure) return error('SYNTAX_ERROR');
    throw e;
  }
  try {
    return value(evalNode(tree));
  } catch (e) {
    if (e instanceof EvalFailure) return error(e.reason);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Seeded random inputs.
// ---------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

const NUMBER_TEXTS = ['0', '1', '2', '3', '10', '0.5', '.5', '2.25', '1e3', '1E-2', '2e+1', '1e999', '1e308', '0.0', '7', '400'];

function randomValid(rand: () => number, depth: number): string {
  const ws = (): string => (rand() < 0.2 ? pick(rand, [' ', '\t', '\n', '\r', '  ']) : '');
  if (depth <= 0 || rand() < 0.25) {
    return ws() + pick(rand, [...NUMBER_TEXTS, 'pi', 'e']) + ws();
  }
  const r = rand();
  if (r < 0.45) {
    const op = pick(rand, ['+', '-', '*', '/', '^', '^', '/']);
    return randomValid(rand, depth - 1) + op + randomValid(rand, depth - 1);
  }
  if (r < 0.65) return ws() + pick(rand, ['-', '+', '-']) + randomValid(rand, depth - 1);
  if (r < 0.85) return ws() + pick(rand, FUNCS) + ws() + '(' + randomValid(rand, depth - 1) + ')' + ws();
  return ws() + '(' + randomValid(rand, depth - 1) + ')' + ws();
}

const SOUP = [
  '1', '2', '0', '.5', '1.', '.', '2e', '1e3', '1e', 'e', 'E', 'pi', 'sqrt', 'sin', 'ln', 'log10',
  'log', 'x', '(', '(', ')', ')', '+', '-', '-', '*', '/', '^', ' ', '\t', '1e999', '@', '3',
];

function randomSoup(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 10);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rand, SOUP);
  return s;
}

function mutate(rand: () => number, text: string): string {
  const i = Math.floor(rand() * (text.length + 1));
  const r = rand();
  if (r < 0.4) return text.slice(0, i) + text.slice(i + 1);
  if (r < 0.8) return text.slice(0, i) + pick(rand, SOUP) + text.slice(i);
  return text.slice(0, i) + pick(rand, SOUP) + text.slice(i + 1);
}

// ---------------------------------------------------------------------------------------------

describe('evaluate / shunting-yard (team 5)', () => {
  it('matches the SPEC.md examples', () => {
    const cases: Array<[string, Outcome]> = [
      ['1+2*3', value(7)],
      ['2^3^2', value(512)],
      ['-2^2', value(-4)],
      ['2^-1', value(0.5)],
      ['(1+2)*3', value(9)],
      ['--1', value(1)],
      ['sqrt(16)', value(4)],
      ['ln(e)', value(1)],
      ['1/0', error('DIVISION_BY_ZERO')],
      ['(-8)^(1/3)', error('DOMAIN_ERROR')],
      ['0^-1', error('DOMAIN_ERROR')],
      ['1/0 + sqrt(-1)', error('DIVISION_BY_ZERO')],
      ['sqrt(-1) + 1/0', error('DOMAIN_ERROR')],
      ['1/0 + (', error('SYNTAX_ERROR')],
      ['exp(1000) - 1/0', error('NON_FINITE')],
      ['1 2', error('SYNTAX_ERROR')],
      ['s in(0)', error('SYNTAX_ERROR')],
      ['2pi', error('SYNTAX_ERROR')],
      ['2(3)', error('SYNTAX_ERROR')],
      ['2e', error('SYNTAX_ERROR')],
      ['2e1', value(20)],
      ['1e999', error('NON_FINITE')],
      ['10^400', error('NON_FINITE')],
      ['1e308*10', error('NON_FINITE')],
      ['0^0', value(1)],
    ];
    for (const [text, expected] of cases) expectSame(run(text), expected, text);
  });

  it('tokenizes numbers, names and whitespace as SPEC.md describes', () => {
    const cases: Array<[string, Outcome]> = [
      ['2E1', value(20)],
      ['2e+1', value(20)],
      ['2e-1', value(0.2)],
      ['2e+', error('SYNTAX_ERROR')],
      ['2e+x', error('SYNTAX_ERROR')],
      ['1e5e', error('SYNTAX_ERROR')],
      ['1.', error('SYNTAX_ERROR')],
      ['1.+2', error('SYNTAX_ERROR')],
      ['.5', value(0.5)],
      ['.5e1', value(5)],
      ['.', error('SYNTAX_ERROR')],
      ['.e1', error('SYNTAX_ERROR')],
      ['1.5.5', error('SYNTAX_ERROR')],
      ['007', value(7)],
      ['0.1', value(0.1)],
      ['1e-400', value(0)],
      ['123456789012345678901234567890', value(123456789012345678901234567890)],
      [' \t1\r\n+\n2 ', value(3)],
      ['sqrt (4)', value(2)],
      ['sqrt\n(\t4 )', value(2)],
      ['sqrt 4', error('SYNTAX_ERROR')],
      ['sqrt', error('SYNTAX_ERROR')],
      ['sqrt()', error('SYNTAX_ERROR')],
      ['pi(1)', error('SYNTAX_ERROR')],
      ['e(1)', error('SYNTAX_ERROR')],
      ['e', value(Math.E)],
      ['pi', value(Math.PI)],
      ['p i', error('SYNTAX_ERROR')],
      ['pi2', error('SYNTAX_ERROR')],
      ['e2', error('SYNTAX_ERROR')],
      ['log1(1)', error('SYNTAX_ERROR')],
      ['log100(1)', error('SYNTAX_ERROR')],
      ['log10(1000)', value(3)],
      ['SIN(0)', error('SYNTAX_ERROR')],
      ['Pi', error('SYNTAX_ERROR')],
      ['x', error('SYNTAX_ERROR')],
      ['1 + 2 @', error('SYNTAX_ERROR')],
      ['1\u00a0+2', error('SYNTAX_ERROR')],
      ['1\v+2', error('SYNTAX_ERROR')],
      ['１', error('SYNTAX_ERROR')],
      ['', error('SYNTAX_ERROR')],
      ['   \n\t', error('SYNTAX_ERROR')],
    ];
    for (const [text, expected] of cases) expectSame(run(text), expected, text);
  });

  it('validates the grammar fully before evaluating', () => {
    const cases: Array<[string, Outcome]> = [
      ['()', error('SYNTAX_ERROR')],
      ['(1))', error('SYNTAX_ERROR')],
      [')1(', error('SYNTAX_ERROR')],
      ['((1)', error('SYNTAX_ERROR')],
      ['1+', error('SYNTAX_ERROR')],
      ['*1', error('SYNTAX_ERROR')],
      ['^1', error('SYNTAX_ERROR')],
      ['1**2', error('SYNTAX_ERROR')],
      ['1^^2', error('SYNTAX_ERROR')],
      ['1/0 1', error('SYNTAX_ERROR')],
      ['1e999 + (', error('SYNTAX_ERROR')],
      ['sqrt(-1) +', error('SYNTAX_ERROR')],
      ['1/0)', error('SYNTAX_ERROR')],
      ['(1)(2)', error('SYNTAX_ERROR')],
      ['pi pi', error('SYNTAX_ERROR')],
      ['-', error('SYNTAX_ERROR')],
      ['sqrt(1,2)', error('SYNTAX_ERROR')],
    ];
    for (const [text, expected] of cases) expectSame(run(text), expected, text);
  });

  it('handles precedence, associativity and signs', () => {
    const cases: Array<[string, Outcome]> = [
      ['2^-1*3', value(1.5)],
      ['2^-3^2', value(2 ** -9)],
      ['-2^-2', value(-0.25)],
      ['2*-3', value(-6)],
      ['2--3', value(5)],
      ['2-+-3', value(5)],
      ['+1', value(1)],
      ['2^+2', value(4)],
      ['-2^2^3', value(-256)],
      ['(-2)^2', value(4)],
      ['(-8)^3', value(-512)],
      ['8-3-2', value(3)],
      ['64/4/2', value(8)],
      ['2*3^2', value(18)],
      ['-3*-3', value(9)],
      ['1-2^2*3+4', value(-7)],
      ['abs(-3)', value(3)],
      ['-0', value(-0)],
      ['0*-1', value(-0)],
      ['sqrt(-0)', value(-0)],
      ['-sqrt(4)^2', value(-4)],
      ['sin(0)+cos(0)+tan(0)+exp(0)', value(2)],
      ['(-2)^0.5', error('DOMAIN_ERROR')],
      ['(-0)^-1', error('DOMAIN_ERROR')],
      ['-0^-1', error('DOMAIN_ERROR')],
      ['(-0)^0.5', value(0)],
      ['ln(0)', error('DOMAIN_ERROR')],
      ['ln(-0)', error('DOMAIN_ERROR')],
      ['log10(-1)', error('DOMAIN_ERROR')],
      ['1/-0', error('DIVISION_BY_ZERO')],
      ['1e308/1e-10', error('NON_FINITE')],
      ['1e308+1e308', error('NON_FINITE')],
    ];
    for (const [text, expected] of cases) expectSame(run(text), expected, text);
  });

  it('reports the first evaluation error in left-to-right operand order', () => {
    const cases: Array<[string, Outcome]> = [
      ['2^(1/0)', error('DIVISION_BY_ZERO')],
      ['0^-1 + 1/0', error('DOMAIN_ERROR')],
      ['sqrt(-1)^(1/0)', error('DOMAIN_ERROR')],
      ['(1/0)^sqrt(-1)', error('DIVISION_BY_ZERO')],
      ['1e999^0', error('NON_FINITE')],
      ['exp(1000)*0', error('NON_FINITE')],
      ['1/0*1e999', error('DIVISION_BY_ZERO')],
      ['1e999*(1/0)', error('NON_FINITE')],
      ['-1e999', error('NON_FINITE')],
      ['1 + 2*3^ln(0) + 1/0', error('DOMAIN_ERROR')],
      ['1 - 2^-(1/0)', error('DIVISION_BY_ZERO')],
      ['sqrt(1/0 - ln(-1))', error('DIVISION_BY_ZERO')],
      ['(10^400)/0', error('NON_FINITE')],
      ['1/(1-1) + exp(1000)', error('DIVISION_BY_ZERO')],
    ];
    for (const [text, expected] of cases) expectSame(run(text), expected, text);
  });

  it('applies the TOO_COMPLEX limits on the raw text first', () => {
    const nested = (n: number): string => '('.repeat(n) + '1' + ')'.repeat(n);
    expectSame(run(nested(200)), value(1), 'depth 200');
    expectSame(run(nested(201)), error('TOO_COMPLEX'), 'depth 201');
    expectSame(run('('.repeat(201)), error('TOO_COMPLEX'), 'unbalanced depth 201');
    expectSame(run('1/0 + ' + nested(201)), error('TOO_COMPLEX'), 'depth over errors');
    // Sibling groups never stack up depth.
    expectSame(run(Array.from({ length: 300 }, () => '(1)').join('+')), value(300), 'siblings');
    // The depth is the raw running count: leading ')' lower it (then the grammar rejects).
    expectSame(run(')))' + nested(202)), error('SYNTAX_ERROR'), 'raw count');
    expectSame(run(' '.repeat(10_000)), error('SYNTAX_ERROR'), '10000 spaces');
    expectSame(run(' '.repeat(10_001)), error('TOO_COMPLEX'), '10001 spaces');
    expectSame(run('1' + '+1'.repeat(4_999) + '  '), error('TOO_COMPLEX'), '10001 chars');
    expectSame(run('1' + '+1'.repeat(4_999) + ' '), value(5_000), '10000 chars');
    expectSame(run('1' + '+1'.repeat(4_999)), value(5_000), '9999 chars');
  });

  it('evaluates very long sign and power chains without recursion', () => {
    expectSame(run('-'.repeat(5_000) + '1'), value(1), '5000 minus');
    expectSame(run('-'.repeat(9_999) + '1'), value(-1), '9999 minus');
    expectSame(run('-+'.repeat(4_999) + '7'), value(-7), 'alternating signs');
    expectSame(run('2^'.repeat(3_000) + '2'), error('NON_FINITE'), '2^2^...');
    expectSame(run('1^'.repeat(3_000) + '1'), value(1), '1^1^...');
    // 0^0 = 1, 0^1 = 0, alternating from the innermost: an even count of operators gives 0.
    expectSame(run('0^'.repeat(3_000) + '0'), value(0), '0^0^...');
    let expected = 2;
    for (let i = 0; i < 2_000; i++) expected = 2 ** -expected;
    expectSame(run('2^-'.repeat(2_000) + '2'), value(expected), '2^-2^-...');
    expectSame(run('-'.repeat(3_000) + '2^' + '-'.repeat(2_999) + '1'), value(0.5), 'signs around ^');
    expectSame(run('sqrt('.repeat(200) + '1' + ')'.repeat(200)), value(1), 'nested calls');
    expectSame(run('2^'.repeat(3_000) + '(1/0)'), error('DIVISION_BY_ZERO'), 'error at chain end');
  });

  it('agrees with a recursive-descent reference on random valid expressions', () => {
    const rand = mulberry32(0x5eed5);
    for (let i = 0; i < 4_000; i++) {
      const text = randomValid(rand, 1 + Math.floor(rand() * 6));
      expectSame(run(text), reference(text), JSON.stringify(text));
    }
  });

  it('agrees with the reference on random token soup and mutated expressions', () => {
    const rand = mulberry32(0xc0ffee);
    for (let i = 0; i < 4_000; i++) {
      const text = randomSoup(rand);
      expectSame(run(text), reference(text), JSON.stringify(text));
    }
    for (let i = 0; i < 4_000; i++) {
      let text = randomValid(rand, 1 + Math.floor(rand() * 4));
      const edits = 1 + Math.floor(rand() * 2);
      for (let k = 0; k < edits; k++) text = mutate(rand, text);
      expectSame(run(text), reference(text), JSON.stringify(text));
    }
  });

  it('is pure: equal inputs give equal results across calls', () => {
    const text = 'sqrt(2)*pi - ln(10)/3^0.5';
    const first = run(text);
    run('1/0');
    expectSame(run(text), first, text);
  });

  describe('character classes', () => {
    const WHITESPACE = [' ', '\t', '\r', '\n'];
    // Characters a loose "is whitespace" test (\s, String.prototype.trim, a range) would accept.
    const NOT_WHITESPACE = [
      '\f', '\v', '\u00a0', '\u0085', '\u1680', '\u2000', '\u2007', '\u200a', '\u200b', '\u2028',
      '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0000', '\u001f', '\u007f',
    ];
    const show = (text: string): string => JSON.stringify(text);

    it('ignores each of space, tab, CR and LF in every position between tokens', () => {
      for (const w of WHITESPACE) {
        const cases: Array<[string, Outcome]> = [
          [`${w}1`, value(1)],
          [`1${w}`, value(1)],
          [`1${w}+${w}2`, value(3)],
          [`${w}-${w}3${w}^${w}2${w}`, value(-9)],
          [`sqrt${w}(${w}9${w})`, value(3)],
          [`(${w}pi${w})${w}*${w}e`, value(Math.PI * Math.E)],
          [`.5${w}/${w}.25`, value(2)],
          [`1e2${w}`, value(100)],
          [w.repeat(5), error('SYNTAX_ERROR')],
        ];
        for (const [text, expected] of cases) expectSame(run(text), expected, show(text));
      }
    });

    it('never lets whitespace split a number, a name or an exponent', () => {
      for (const w of WHITESPACE) {
        for (const text of [`1${w}2`, `1${w}.5`, `1.${w}5`, `1e${w}2`, `1e+${w}2`, `1${w}e2`,
          `p${w}i`, `sq${w}rt(4)`, `log${w}10(1)`, `log1${w}0(1)`]) {
          expectSame(run(text), error('SYNTAX_ERROR'), show(text));
        }
      }
    });

    it('rejects form feed, vertical tab, no-break space and other Unicode spaces anywhere', () => {
      for (const c of NOT_WHITESPACE) {
        for (const text of [c, `${c}1`, `1${c}`, `1${c}+2`, `1+${c}2`, `sqrt${c}(4)`, `(${c}1)`]) {
          expectSame(run(text), error('SYNTAX_ERROR'), show(text));
        }
      }
    });

    it("treats '/' and ':', the neighbours of [0-9], as non-digits", () => {
      const cases: Array<[string, Outcome]> = [
        ['8/2', value(4)],
        ['0/4', value(0)],
        ['9/3', value(3)],
        ['.5/.5', value(1)],
        ['1e2/4', value(25)],
        ['e/e', value(1)],
        ['1:2', error('SYNTAX_ERROR')],
        [':1', error('SYNTAX_ERROR')],
        ['1:', error('SYNTAX_ERROR')],
        ['9:', error('SYNTAX_ERROR')],
        ['1.:', error('SYNTAX_ERROR')],
        ['.:', error('SYNTAX_ERROR')],
        ['1e:2', error('SYNTAX_ERROR')],
        ['1e/2', error('SYNTAX_ERROR')],
        ['log1:(1)', error('SYNTAX_ERROR')],
        ['log10:(1)', error('SYNTAX_ERROR')],
      ];
      for (const [text, expected] of cases) expectSame(run(text), expected, show(text));
    });

    it('reads every decimal digit in integer, fraction, exponent and leading-dot positions', () => {
      for (const d of '0123456789') {
        for (const text of [d, `${d}${d}`, `1${d}`, `${d}.${d}`, `1.${d}`, `.${d}`, `.${d}e1`,
          `1e${d}`, `1e-${d}`, `1e+${d}${d}`, `${d}e${d}`]) {
          expectSame(run(text), value(Number(text)), show(text));
        }
      }
      expectSame(run('log10(100)'), value(2), 'digits inside a name');
    });

    it("treats '`', '{', '@', '[' and uppercase letters, the neighbours of [a-z], as invalid", () => {
      const outside = ['`', '{', '@', '[', 'A', 'Z', 'P', 'S', '|', '~', '_', '\u00e9', '\u0131'];
      for (const c of outside) {
        for (const text of [c, `${c}pi`, `pi${c}`, `p${c}i`, `e${c}`, `${c}e`, `1${c}`, `sqrt${c}(4)`,
          `s${c}qrt(4)`, `(${c})`, `1+${c}`]) {
          expectSame(run(text), error('SYNTAX_ERROR'), show(text));
        }
      }
      const cases: Array<[string, Outcome]> = [
        ['PI', error('SYNTAX_ERROR')],
        ['E', error('SYNTAX_ERROR')],
        ['Sqrt(4)', error('SYNTAX_ERROR')],
        ['sqrT(4)', error('SYNTAX_ERROR')],
        ['1E2', value(100)],
        ['1e2', value(100)],
        ['1D2', error('SYNTAX_ERROR')],
        ['1d2', error('SYNTAX_ERROR')],
        ['1f2', error('SYNTAX_ERROR')],
        ['1F2', error('SYNTAX_ERROR')],
        ['1e`2', error('SYNTAX_ERROR')],
        ['1e{2', error('SYNTAX_ERROR')],
        // Letters and digits run together into one name, which then must be a known word.
        ['sine(0)', error('SYNTAX_ERROR')],
        ['ee', error('SYNTAX_ERROR')],
        ['epi', error('SYNTAX_ERROR')],
        ['abs(-2)+abz', error('SYNTAX_ERROR')],
        ['zzz', error('SYNTAX_ERROR')],
        ['a', error('SYNTAX_ERROR')],
      ];
      for (const [text, expected] of cases) expectSame(run(text), expected, show(text));
    });

    it("accepts only '+' and '-' as exponent signs, not their neighbours '*', ',' or '.'", () => {
      const cases: Array<[string, Outcome]> = [
        ['1e+2', value(100)],
        ['1e-2', value(0.01)],
        ['1e*2', error('SYNTAX_ERROR')],
        ['1e,2', error('SYNTAX_ERROR')],
        ['1e.2', error('SYNTAX_ERROR')],
        ['1,2', error('SYNTAX_ERROR')],
        ['1e+-2', error('SYNTAX_ERROR')],
        ['1e--2', error('SYNTAX_ERROR')],
      ];
      for (const [text, expected] of cases) expectSame(run(text), expected, show(text));
    });

    it('rejects astral characters and lone surrogates', () => {
      for (const c of ['\u{1d7cf}', '\u{1f600}', '\ud835', '\udfcf', '\ud800', '\udfff']) {
        for (const text of [c, `1${c}`, `${c}1`, `1+${c}2`, `pi${c}`]) {
          expectSame(run(text), error('SYNTAX_ERROR'), show(text));
        }
      }
    });

    it('agrees with the regex reference for every UTF-16 code unit in several contexts', () => {
      // Mismatches are collected and asserted once: an expect per case would dominate the time.
      const mismatches: string[] = [];
      const check = (code: number, text: string): void => {
        const actual = run(text);
        const expected = reference(text);
        const same = actual.kind === 'value' && expected.kind === 'value'
          ? Object.is(actual.value, expected.value)
          : actual.kind === expected.kind && JSON.stringify(actual) === JSON.stringify(expected);
        if (!same) mismatches.push(`U+${code.toString(16)} in ${show(text)}: ${JSON.stringify(actual)}`);
      };
      for (let code = 0; code <= 0xffff; code++) {
        const c = String.fromCharCode(code);
        check(code, `${c}1`);
        check(code, `1${c}2`);
      }
      // The contexts where a name or an exponent is being read only matter for ASCII and nearby.
      for (let code = 0; code <= 0x2ff; code++) {
        const c = String.fromCharCode(code);
        for (const text of [`e${c}1`, `pi${c}`, `sqrt${c}(4)`, `1e${c}2`, `1.${c}`, `.${c}`, `log1${c}(1)`]) {
          check(code, text);
        }
      }
      expect(mismatches).toEqual([]);
    });
  });
});
