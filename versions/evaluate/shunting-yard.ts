/**
 * Evaluate, team 5: tokenizer, then Dijkstra's shunting-yard algorithm to reverse Polish
 * notation (validating the grammar with an operand/operator state machine along the way),
 * then an iterative RPN stack evaluator. Nothing here recurses, so chains of thousands of
 * unary signs or '^' cannot overflow the JavaScript stack.
 */
import type { EvaluateInput, EvaluateValue, VersionResult } from '../contract.js';

const MAX_LENGTH = 10_000;
const MAX_DEPTH = 200;

type FunctionName = 'sqrt' | 'sin' | 'cos' | 'tan' | 'exp' | 'ln' | 'log10' | 'abs';
type BinaryOperator = '+' | '-' | '*' | '/' | '^';
type UnaryOperator = 'neg' | 'pos';
type EvaluationError = 'DIVISION_BY_ZERO' | 'DOMAIN_ERROR' | 'NON_FINITE';

type Token =
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'function'; readonly name: FunctionName }
  | { readonly type: 'operator'; readonly symbol: BinaryOperator }
  | { readonly type: 'lparen' }
  | { readonly type: 'rparen' };

type RpnItem =
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'unary'; readonly op: UnaryOperator }
  | { readonly type: 'binary'; readonly op: BinaryOperator }
  | { readonly type: 'function'; readonly name: FunctionName };

type StackEntry =
  | { readonly type: 'unary'; readonly op: UnaryOperator }
  | { readonly type: 'binary'; readonly op: BinaryOperator }
  | { readonly type: 'paren'; readonly fn: FunctionName | null };

const FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'sqrt', 'sin', 'cos', 'tan', 'exp', 'ln', 'log10', 'abs',
]);

// Prefix signs bind tighter than '*' and '/' but looser than '^': -2^2 = -(2^2), and in
// 2^-3^2 the sign applies to 3^2.
const UNARY_PRECEDENCE = 3;
const POWER_PRECEDENCE = 4;

function binaryPrecedence(op: BinaryOperator): number {
  switch (op) {
    case '+':
    case '-':
      return 1;
    case '*':
    case '/':
      return 2;
    case '^':
      return POWER_PRECEDENCE;
  }
}

type Reason = 'TOO_COMPLEX' | 'SYNTAX_ERROR' | EvaluationError;

export default function evaluate(input: EvaluateInput): VersionResult<EvaluateValue> {
  const outcome = judge(input.expression);
  if (typeof outcome === 'number') return { kind: 'value', value: outcome };
  return { kind: 'domain_error', reason: outcome };
}

/** SPEC.md's error order: limits on the raw text, then the whole grammar, then evaluation. */
function judge(text: string): number | Reason {
  if (text.length > MAX_LENGTH || nestingExceeds(text, MAX_DEPTH)) return 'TOO_COMPLEX';
  const tokens = tokenize(text);
  const program = tokens === null ? null : toRpn(tokens);
  return program === null ? 'SYNTAX_ERROR' : evaluateRpn(program);
}

// Only '(' raises the running count, so testing after every bracket catches the first excess.
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (const bracket of text.matchAll(/[()]/g)) {
    depth += bracket[0] === '(' ? 1 : -1;
    if (depth > limit) return true;
  }
  return false;
}

// Character kinds, looked up by UTF-16 code unit. Codes with no entry, every code from 0x80 up
// and the NaN that charCodeAt gives past the end all read as undefined, that is KIND_INVALID.
const KIND_INVALID = 0;
const KIND_BLANK = 1;
const KIND_DIGIT = 2;
const KIND_LETTER = 3;
const KIND_DOT = 4;
const KIND_OPERATOR = 5;
const KIND_OPEN = 6;
const KIND_CLOSE = 7;

// Members are spelled out rather than given as code ranges, so nothing hinges on a range bound.
const CHAR_KINDS: Uint8Array = buildKindTable([
  [KIND_BLANK, ' \t\r\n'],
  [KIND_DIGIT, '0123456789'],
  [KIND_LETTER, 'abcdefghijklmnopqrstuvwxyz'],
  [KIND_DOT, '.'],
  [KIND_OPERATOR, '+-*/^'],
  [KIND_OPEN, '('],
  [KIND_CLOSE, ')'],
]);

function buildKindTable(groups: ReadonlyArray<readonly [number, string]>): Uint8Array {
  const table = new Uint8Array(0x80);
  for (const [kind, members] of groups) {
    for (let k = 0; k < members.length; k++) table[members.charCodeAt(k)] = kind;
  }
  return table;
}

function kindAt(text: string, index: number): number {
  return CHAR_KINDS[text.charCodeAt(index)] ?? KIND_INVALID;
}

// Constants become number tokens here; the shared token objects are read-only.
const NAMED_TOKENS: ReadonlyMap<string, Token> = new Map<string, Token>([
  ['pi', { type: 'number', value: Math.PI }],
  ['e', { type: 'number', value: Math.E }],
  ...[...FUNCTION_NAMES].map((name): [string, Token] => [name, { type: 'function', name: name as FunctionName }]),
]);

const SINGLE_CHAR_TOKENS: ReadonlyMap<number, Token> = new Map<number, Token>([
  [0x28, { type: 'lparen' }],
  [0x29, { type: 'rparen' }],
  ...[...'+-*/^'].map((symbol): [number, Token] => [
    symbol.charCodeAt(0),
    { type: 'operator', symbol: symbol as BinaryOperator },
  ]),
]);

/** Splits the text into tokens, or returns null for any character or name outside the grammar. */
function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const kind = kindAt(text, at);
    if (kind === KIND_BLANK) {
      at++;
      continue;
    }
    let end = at + 1;
    let token: Token | undefined;
    switch (kind) {
      case KIND_DIGIT:
      case KIND_DOT:
        end = numberEnd(text, at);
        if (end > at) token = { type: 'number', value: Number(text.slice(at, end)) };
        break;
      case KIND_LETTER: {
        // A name runs over letters and digits; the word must then be one the grammar knows.
        let next = kindAt(text, end);
        while (next === KIND_LETTER || next === KIND_DIGIT) next = kindAt(text, ++end);
        token = NAMED_TOKENS.get(text.slice(at, end));
        break;
      }
      case KIND_OPERATOR:
      case KIND_OPEN:
      case KIND_CLOSE:
        token = SINGLE_CHAR_TOKENS.get(text.charCodeAt(at));
        break;
    }
    if (token === undefined) return null;
    tokens.push(token);
    at = end;
  }
  return tokens;
}

// SPEC.md's number rule as a DFA read for its longest accepted prefix: a '.' or an exponent
// joins the number only when the digits it needs follow. Columns: digit, '.', 'e'/'E', sign.
const NUMBER_STEPS: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 7, -1, -1], // 0: start
  [1, 2, 4, -1], // 1: integer digits (accepting)
  [3, -1, -1, -1], // 2: '.' after the integer digits
  [3, -1, 4, -1], // 3: fraction digits (accepting)
  [6, -1, -1, 5], // 4: exponent mark
  [6, -1, -1, -1], // 5: exponent sign
  [6, -1, -1, -1], // 6: exponent digits (accepting)
  [3, -1, -1, -1], // 7: leading '.'
];
const NUMBER_ACCEPTING: ReadonlySet<number> = new Set([1, 3, 6]);

function numberColumn(code: number): number {
  switch (CHAR_KINDS[code]) {
    case KIND_DIGIT:
      return 0;
    case KIND_DOT:
      return 1;
  }
  if (code === 0x65 || code === 0x45) return 2;
  return code === 0x2b || code === 0x2d ? 3 : -1;
}

/** End index of the longest number starting at `start`; `start` itself when there is none. */
function numberEnd(text: string, start: number): number {
  let state = 0;
  let accepted = start;
  for (let i = start; ; i++) {
    const column = numberColumn(text.charCodeAt(i));
    const row = NUMBER_STEPS[state];
    const next = column < 0 || row === undefined ? -1 : row[column] ?? -1;
    if (next < 0) return accepted;
    state = next;
    if (NUMBER_ACCEPTING.has(state)) accepted = i + 1;
  }
}

/**
 * Shunting-yard conversion. `expectOperand` is the grammar's state: true where a unary
 * expression must start (start of input, after '(' or any binary operator or sign), false
 * right after a complete primary. Every token is checked against that state, so any sequence
 * this accepts is a sentence of the grammar; returns null otherwise.
 */
function toRpn(tokens: readonly Token[]): RpnItem[] | null {
  const output: RpnItem[] = [];
  const stack: StackEntry[] = [];
  let expectOperand = true;

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token === undefined) return null;

    if (expectOperand) {
      switch (token.type) {
        case 'number':
          output.push(token);
          expectOperand = false;
          break;
        case 'operator':
          // Prefix sign: pushed without popping anything, since its operand has not started.
          if (token.symbol === '-') stack.push({ type: 'unary', op: 'neg' });
          else if (token.symbol === '+') stack.push({ type: 'unary', op: 'pos' });
          else return null;
          break;
        case 'function':
          if (tokens[index + 1]?.type !== 'lparen') return null;
          stack.push({ type: 'paren', fn: token.name });
          index++;
          break;
        case 'lparen':
          stack.push({ type: 'paren', fn: null });
          break;
        case 'rparen':
          return null;
      }
      continue;
    }

    switch (token.type) {
      case 'operator': {
        const precedence = binaryPrecedence(token.symbol);
        // '^' is right-associative and has the highest precedence, so it never pops; the
        // left-associative operators pop everything of equal or higher precedence.
        if (token.symbol !== '^') {
          for (;;) {
            const top = stack.at(-1);
            if (top === undefined || top.type === 'paren') break;
            const topPrecedence = top.type === 'unary' ? UNARY_PRECEDENCE : binaryPrecedence(top.op);
            if (topPrecedence < precedence) break;
            output.push(top);
            stack.pop();
          }
        }
        stack.push({ type: 'binary', op: token.symbol });
        expectOperand = true;
        break;
      }
      case 'rparen': {
        let top = stack.pop();
        while (top !== undefined && top.type !== 'paren') {
          output.push(top);
          top = stack.pop();
        }
        if (top === undefined) return null;
        if (top.fn !== null) output.push({ type: 'function', name: top.fn });
        break;
      }
      case 'number':
      case 'function':
      case 'lparen':
        return null;
    }
  }

  if (expectOperand) return null;
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.type === 'paren') return null;
    output.push(top);
  }
  return output;
}

/**
 * RPN is the post-order of the parse tree with children left to right, which is exactly the
 * evaluation order SPEC.md prescribes, so the first error met while scanning it is the one to
 * report.
 */
function evaluateRpn(rpn: readonly RpnItem[]): number | EvaluationError {
  const stack: number[] = [];
  for (const item of rpn) {
    let result: number | EvaluationError;
    switch (item.type) {
      case 'number':
        result = item.value;
        break;
      case 'unary': {
        const operand = popOperand(stack);
        result = item.op === 'neg' ? -operand : operand;
        break;
      }
      case 'function':
        result = applyFunction(item.name, popOperand(stack));
        break;
      case 'binary': {
        const right = popOperand(stack);
        const left = popOperand(stack);
        result = applyBinary(item.op, left, right);
        break;
      }
    }
    if (typeof result === 'string') return result;
    if (!Number.isFinite(result)) return 'NON_FINITE';
    stack.push(result);
  }
  return popOperand(stack);
}

// The grammar check guarantees every operator finds its operands; NaN would only surface a bug.
function popOperand(stack: number[]): number {
  return stack.pop() ?? Number.NaN;
}

function applyFunction(name: FunctionName, x: number): number | EvaluationError {
  switch (name) {
    case 'sqrt':
      return x < 0 ? 'DOMAIN_ERROR' : Math.sqrt(x);
    case 'sin':
      return Math.sin(x);
    case 'cos':
      return Math.cos(x);
    case 'tan':
      return Math.tan(x);
    case 'exp':
      return Math.exp(x);
    case 'ln':
      return x <= 0 ? 'DOMAIN_ERROR' : Math.log(x);
    case 'log10':
      return x <= 0 ? 'DOMAIN_ERROR' : Math.log10(x);
    case 'abs':
      return Math.abs(x);
  }
}

function applyBinary(op: BinaryOperator, left: number, right: number): number | EvaluationError {
  switch (op) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return right === 0 ? 'DIVISION_BY_ZERO' : left / right;
    case '^':
      if (left === 0 && right < 0) return 'DOMAIN_ERROR';
      if (left < 0 && !Number.isInteger(right)) return 'DOMAIN_ERROR';
      // Math.pow(x, 0) is 1 for every x, which gives 0^0 = 1 as SPEC.md requires.
      return Math.pow(left, right);
  }
}
