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

function domainError(reason: string): VersionResult<EvaluateValue> {
  return { kind: 'domain_error', reason };
}

export default function evaluate(input: EvaluateInput): VersionResult<EvaluateValue> {
  const text = input.expression;
  if (isTooComplex(text)) return domainError('TOO_COMPLEX');
  const tokens = tokenize(text);
  if (tokens === null) return domainError('SYNTAX_ERROR');
  const rpn = toRpn(tokens);
  if (rpn === null) return domainError('SYNTAX_ERROR');
  const result = evaluateRpn(rpn);
  return typeof result === 'string' ? domainError(result) : { kind: 'value', value: result };
}

/** Judged on the raw text: length, and the running '(' minus ')' count ever exceeding the cap. */
function isTooComplex(text: string): boolean {
  if (text.length > MAX_LENGTH) return true;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x28) {
      depth++;
      if (depth > MAX_DEPTH) return true;
    } else if (code === 0x29) {
      depth--;
    }
  }
  return false;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function isLowerLetter(char: string | undefined): boolean {
  return char !== undefined && char >= 'a' && char <= 'z';
}

function isWhitespace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n';
}

/** Splits the text into tokens, or returns null for any character or name outside the grammar. */
function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (isWhitespace(char)) {
      i++;
    } else if (isDigit(char) || char === '.') {
      const end = scanNumber(text, i);
      if (end === null) return null;
      tokens.push({ type: 'number', value: Number(text.slice(i, end)) });
      i = end;
    } else if (isLowerLetter(char)) {
      let end = i + 1;
      while (isLowerLetter(text[end]) || isDigit(text[end])) end++;
      const name = text.slice(i, end);
      if (name === 'pi') tokens.push({ type: 'number', value: Math.PI });
      else if (name === 'e') tokens.push({ type: 'number', value: Math.E });
      else if (FUNCTION_NAMES.has(name)) tokens.push({ type: 'function', name: name as FunctionName });
      else return null;
      i = end;
    } else if (char === '+' || char === '-' || char === '*' || char === '/' || char === '^') {
      tokens.push({ type: 'operator', symbol: char });
      i++;
    } else if (char === '(') {
      tokens.push({ type: 'lparen' });
      i++;
    } else if (char === ')') {
      tokens.push({ type: 'rparen' });
      i++;
    } else {
      return null;
    }
  }
  return tokens;
}

/**
 * Returns the end index of the number starting at `start`, or null when a leading '.' is not
 * followed by a digit. A '.' after the integer digits belongs to the number only when a digit
 * follows it; an exponent only when e/E is followed by a digit or by a sign and a digit.
 */
function scanNumber(text: string, start: number): number | null {
  let i = start;
  if (text[i] === '.') {
    if (!isDigit(text[i + 1])) return null;
  } else {
    while (isDigit(text[i])) i++;
  }
  if (text[i] === '.' && isDigit(text[i + 1])) {
    i++;
    while (isDigit(text[i])) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    const next = text[i + 1];
    if (isDigit(next)) {
      i++;
    } else if ((next === '+' || next === '-') && isDigit(text[i + 2])) {
      i += 2;
    } else {
      return i;
    }
    while (isDigit(text[i])) i++;
  }
  return i;
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
