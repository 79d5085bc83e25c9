import type { EvaluateInput, EvaluateValue, VersionResult } from '../contract.js';

/**
 * Evaluate: a Pratt (top-down operator precedence) parser driven by an explicit frame stack
 * instead of recursion, so thousands of prefix signs or '^' cannot overflow the JS stack.
 * The whole input is tokenized and parsed into a postfix program first (every syntax error is
 * found before any arithmetic); the program is then run on a value stack. Postfix order is
 * exactly the SPEC's evaluation order: an operator runs after its left operand and then its
 * right operand, a function after its argument, so the first runtime error met is the one
 * reported. Any stage gives up on the input by throwing a private Rejection, which only the
 * default export catches and turns into the domain error.
 */

const MAX_LENGTH = 10_000;
const MAX_PAREN_DEPTH = 200;

const TOO_COMPLEX = 'TOO_COMPLEX';
const SYNTAX_ERROR = 'SYNTAX_ERROR';
const DIVISION_BY_ZERO = 'DIVISION_BY_ZERO';
const DOMAIN_ERROR = 'DOMAIN_ERROR';
const NON_FINITE = 'NON_FINITE';

// Token kinds.
const T_NUMBER = 0; // value: the literal (or constant) as a double
const T_FUNC = 1; // value: the function's opcode
const T_PLUS = 2;
const T_MINUS = 3;
const T_STAR = 4;
const T_SLASH = 5;
const T_CARET = 6;
const T_LPAREN = 7;
const T_RPAREN = 8;
const T_END = 9;

// Opcodes of the postfix program.
const OP_PUSH = 0;
const OP_NEG = 1;
const OP_ADD = 2;
const OP_SUB = 3;
const OP_MUL = 4;
const OP_DIV = 5;
const OP_POW = 6;
const OP_SQRT = 7;
const OP_SIN = 8;
const OP_COS = 9;
const OP_TAN = 10;
const OP_EXP = 11;
const OP_LN = 12;
const OP_LOG10 = 13;
const OP_ABS = 14;
const OP_NOTHING = -1; // unary plus: no code at all

// Binding powers. Prefix signs bind tighter than '*' but looser than '^' (-2^2 = -(2^2)),
// and '^' parses its right side just below its own power, which makes it right-associative
// and lets that right side start with a sign (2^-1).
const BP_ADDITIVE = 10;
const BP_MULTIPLICATIVE = 20;
const BP_PREFIX = 25;
const BP_POWER = 30;
const BP_POWER_RIGHT = BP_POWER - 1;

// Parser frame kinds: what to do when the sub-expression of a frame is complete.
const F_TOP = 0;
const F_PREFIX = 1;
const F_INFIX = 2;
const F_GROUP = 3;
const F_CALL = 4;

interface Tokens {
  readonly kinds: number[];
  readonly values: number[];
}

interface Program {
  readonly codes: number[];
  readonly operands: number[];
}

const NAMES: ReadonlyMap<string, readonly [kind: number, value: number]> = new Map([
  ['pi', [T_NUMBER, Math.PI]],
  ['e', [T_NUMBER, Math.E]],
  ['sqrt', [T_FUNC, OP_SQRT]],
  ['sin', [T_FUNC, OP_SIN]],
  ['cos', [T_FUNC, OP_COS]],
  ['tan', [T_FUNC, OP_TAN]],
  ['exp', [T_FUNC, OP_EXP]],
  ['ln', [T_FUNC, OP_LN]],
  ['log10', [T_FUNC, OP_LOG10]],
  ['abs', [T_FUNC, OP_ABS]],
]);

/**
 * Raised anywhere below to abandon the input with a SPEC reason; only the default export
 * catches it, so every rejection leaves through one place.
 */
class Rejection {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

function reject(reason: string): never {
  throw new Rejection(reason);
}

export default function evaluate(input: EvaluateInput): VersionResult<EvaluateValue> {
  let value: number;
  try {
    value = evaluateText(input.expression);
  } catch (signal: unknown) {
    if (signal instanceof Rejection) return { kind: 'domain_error', reason: signal.reason };
    throw signal;
  }
  return { kind: 'value', value };
}

/** The SPEC's error classes in their order: raw-text limits, whole-input syntax, then arithmetic. */
function evaluateText(text: string): number {
  guardComplexity(text);
  return run(parse(tokenize(text)));
}

function guardComplexity(text: string): void {
  if (text.length > MAX_LENGTH) reject(TOO_COMPLEX);
  // Raw running balance, not clamped at zero: a stray ')' lowers the depth, as SPEC words it.
  let open = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 41) open--;
    else if (code === 40 && ++open > MAX_PAREN_DEPTH) reject(TOO_COMPLEX);
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLowerLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

const SINGLE_CHAR_TOKENS: ReadonlyMap<number, number> = new Map([
  [43, T_PLUS],
  [45, T_MINUS],
  [42, T_STAR],
  [47, T_SLASH],
  [94, T_CARET],
  [40, T_LPAREN],
  [41, T_RPAREN],
]);

/** The tokens of the text, closed by T_END; rejects a character or name outside the grammar. */
function tokenize(text: string): Tokens {
  const tokens: Tokens = { kinds: [], values: [] };
  for (let at = nextNonBlank(text, 0); at < text.length; at = nextNonBlank(text, at)) {
    at = readToken(text, at, tokens);
  }
  tokens.kinds.push(T_END);
  tokens.values.push(0);
  return tokens;
}

function nextNonBlank(text: string, from: number): number {
  let at = from;
  while (at < text.length && isWhitespace(text.charCodeAt(at))) at++;
  return at;
}

/** Appends the one token that starts at `start` and returns the index just past it. */
function readToken(text: string, start: number, tokens: Tokens): number {
  const first = text.charCodeAt(start);
  let kind: number;
  let value = 0;
  let end: number;
  if (isDigit(first) || first === 46) {
    end = scanNumber(text, start);
    kind = T_NUMBER;
    value = Number(text.slice(start, end));
  } else if (isLowerLetter(first)) {
    end = start + 1;
    while (end < text.length && (isLowerLetter(text.charCodeAt(end)) || isDigit(text.charCodeAt(end)))) end++;
    const entry = NAMES.get(text.slice(start, end)) ?? reject(SYNTAX_ERROR);
    [kind, value] = entry;
  } else {
    kind = SINGLE_CHAR_TOKENS.get(first) ?? reject(SYNTAX_ERROR);
    end = start + 1;
  }
  tokens.kinds.push(kind);
  tokens.values.push(value);
  return end;
}

/** End index of the number starting at `start`; rejects text there that is not a number. */
function scanNumber(text: string, start: number): number {
  const length = text.length;
  let i = start;
  while (i < length && isDigit(text.charCodeAt(i))) i++;
  const integerDigits = i - start;
  if (i < length && text.charCodeAt(i) === 46) {
    i++;
    const fractionStart = i;
    while (i < length && isDigit(text.charCodeAt(i))) i++;
    // Both '1.' and a lone '.' lack the digits the grammar requires after the point.
    if (i === fractionStart) reject(SYNTAX_ERROR);
  } else if (integerDigits === 0) {
    reject(SYNTAX_ERROR);
  }
  // The exponent belongs to the number only if a digit follows (after an optional sign);
  // otherwise the number ends before the 'e' (so '2e' is 2 then the constant e).
  const marker = text.charCodeAt(i);
  if (marker === 101 || marker === 69) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (j < length && isDigit(text.charCodeAt(j))) {
      while (j < length && isDigit(text.charCodeAt(j))) j++;
      i = j;
    }
  }
  return i;
}

function infixLeftPower(kind: number): number {
  switch (kind) {
    case T_PLUS:
    case T_MINUS:
      return BP_ADDITIVE;
    case T_STAR:
    case T_SLASH:
      return BP_MULTIPLICATIVE;
    case T_CARET:
      return BP_POWER;
    default:
      return 0;
  }
}

function infixRightPower(kind: number): number {
  return kind === T_CARET ? BP_POWER_RIGHT : infixLeftPower(kind);
}

function infixOpcode(kind: number): number {
  switch (kind) {
    case T_PLUS:
      return OP_ADD;
    case T_MINUS:
      return OP_SUB;
    case T_STAR:
      return OP_MUL;
    case T_SLASH:
      return OP_DIV;
    default:
      return OP_POW;
  }
}

/**
 * Pratt parsing with the recursion unrolled: each frame stands for one pending
 * `parseExpression(rightBindingPower)` call plus what its caller does with the result.
 * Because the output is postfix, a frame's left operand is already emitted and needs no slot.
 */
function parse(tokens: Tokens): Program {
  const codes: number[] = [];
  const operands: number[] = [];
  const frameRightPower: number[] = [0];
  const frameKind: number[] = [F_TOP];
  const frameOpcode: number[] = [OP_NOTHING];
  const pushFrame = (rightPower: number, kind: number, opcode: number): void => {
    frameRightPower.push(rightPower);
    frameKind.push(kind);
    frameOpcode.push(opcode);
  };

  let pos = 0;
  let expectingOperand = true;
  for (;;) {
    const kind = tokens.kinds[pos] ?? T_END;
    if (expectingOperand) {
      // Null denotation: the token that starts an operand.
      pos++;
      switch (kind) {
        case T_NUMBER:
          codes.push(OP_PUSH);
          operands.push(tokens.values[pos - 1] ?? 0);
          expectingOperand = false;
          break;
        case T_MINUS:
          pushFrame(BP_PREFIX, F_PREFIX, OP_NEG);
          break;
        case T_PLUS:
          pushFrame(BP_PREFIX, F_PREFIX, OP_NOTHING);
          break;
        case T_LPAREN:
          pushFrame(0, F_GROUP, OP_NOTHING);
          break;
        case T_FUNC:
          if (tokens.kinds[pos] !== T_LPAREN) reject(SYNTAX_ERROR);
          pushFrame(0, F_CALL, tokens.values[pos - 1] ?? OP_NOTHING);
          pos++;
          break;
        default:
          reject(SYNTAX_ERROR);
      }
      continue;
    }

    // Left denotation: extend the current operand with an infix operator if it binds
    // tighter than the frame's right binding power, otherwise the frame is complete.
    const top = frameKind.length - 1;
    const leftPower = infixLeftPower(kind);
    if (leftPower > (frameRightPower[top] ?? 0)) {
      pos++;
      pushFrame(infixRightPower(kind), F_INFIX, infixOpcode(kind));
      expectingOperand = true;
      continue;
    }
    const completed = frameKind.pop();
    const opcode = frameOpcode.pop() ?? OP_NOTHING;
    frameRightPower.pop();
    switch (completed) {
      case F_TOP:
        if (kind !== T_END) reject(SYNTAX_ERROR);
        return { codes, operands };
      case F_GROUP:
        if (kind !== T_RPAREN) reject(SYNTAX_ERROR);
        pos++;
        break;
      case F_CALL:
        if (kind !== T_RPAREN) reject(SYNTAX_ERROR);
        pos++;
        codes.push(opcode);
        operands.push(0);
        break;
      default: // F_PREFIX, F_INFIX
        if (opcode !== OP_NOTHING) {
          codes.push(opcode);
          operands.push(0);
        }
        break;
    }
  }
}

function run(program: Program): number {
  const { codes, operands } = program;
  // Float64Array keeps -0, which the semantics must preserve (e.g. -0 as a divisor).
  const stack = new Float64Array(codes.length + 1);
  let size = 0;
  for (const [pc, code] of codes.entries()) {
    let result: number;
    if (code === OP_PUSH) {
      result = operands[pc] ?? 0;
    } else if (code === OP_NEG || code >= OP_SQRT) {
      // Unary: negation, or a function (function opcodes are numbered from OP_SQRT up).
      const argument = stack[--size] ?? 0;
      result = code === OP_NEG ? -argument : applyFunction(code, argument);
    } else {
      const right = stack[--size] ?? 0;
      const left = stack[--size] ?? 0;
      result = applyBinary(code, left, right);
    }
    if (!Number.isFinite(result)) reject(NON_FINITE);
    stack[size++] = result;
  }
  return stack[0] ?? 0;
}

/** The result; rejects operands the SPEC rules out before computing. */
function applyBinary(code: number, left: number, right: number): number {
  switch (code) {
    case OP_ADD:
      return left + right;
    case OP_SUB:
      return left - right;
    case OP_MUL:
      return left * right;
    case OP_DIV:
      if (right === 0) reject(DIVISION_BY_ZERO);
      return left / right;
    default: // OP_POW
      if (left === 0 && right < 0) reject(DOMAIN_ERROR);
      if (left < 0 && !Number.isInteger(right)) reject(DOMAIN_ERROR);
      return Math.pow(left, right);
  }
}

function applyFunction(code: number, argument: number): number {
  switch (code) {
    case OP_SQRT:
      return argument < 0 ? reject(DOMAIN_ERROR) : Math.sqrt(argument);
    case OP_SIN:
      return Math.sin(argument);
    case OP_COS:
      return Math.cos(argument);
    case OP_TAN:
      return Math.tan(argument);
    case OP_EXP:
      return Math.exp(argument);
    case OP_LN:
      return argument <= 0 ? reject(DOMAIN_ERROR) : Math.log(argument);
    case OP_LOG10:
      return argument <= 0 ? reject(DOMAIN_ERROR) : Math.log10(argument);
    default: // OP_ABS
      return Math.abs(argument);
  }
}
