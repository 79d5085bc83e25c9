import type { EvaluateInput, EvaluateValue, VersionResult } from '../contract.js';

/*
 * Tokenizer, recursive-descent parser building an AST, then an evaluator over the AST.
 *
 * Recursion is bounded by parenthesis nesting only (at most 200, checked on the raw text
 * before parsing): sign runs, '^' chains and '+'/'*' sequences are parsed into flat nodes
 * with loops and evaluated with loops, so thousands of them never deepen the JS stack.
 */

const MAX_LENGTH = 10_000;
const MAX_DEPTH = 200;

type ErrorReason =
  | 'TOO_COMPLEX'
  | 'SYNTAX_ERROR'
  | 'DIVISION_BY_ZERO'
  | 'DOMAIN_ERROR'
  | 'NON_FINITE';

type EvalErrorReason = 'DIVISION_BY_ZERO' | 'DOMAIN_ERROR' | 'NON_FINITE';

// ---------------------------------------------------------------------------
// Tokens

type Operator = '+' | '-' | '*' | '/' | '^' | '(' | ')';

type Token =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'operator'; readonly operator: Operator };

const OPERATORS: ReadonlySet<string> = new Set(['+', '-', '*', '/', '^', '(', ')']);

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isLowerLetter(ch: string | undefined): boolean {
  return ch !== undefined && ch >= 'a' && ch <= 'z';
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** Index just past a run of digits starting at `start` (may be `start` itself). */
function skipDigits(text: string, start: number): number {
  let index = start;
  while (isDigit(text[index])) index++;
  return index;
}

/** Index just past the number starting at `start`, or -1 if no number starts there. */
function scanNumber(text: string, start: number): number {
  let index = start;
  if (isDigit(text[index])) {
    index = skipDigits(text, index);
    if (text[index] === '.') {
      // '.' belongs to the number only with digits after it; a bare '.' is then a stray character.
      if (!isDigit(text[index + 1])) return index;
      index = skipDigits(text, index + 1);
    }
  } else if (text[index] === '.' && isDigit(text[index + 1])) {
    index = skipDigits(text, index + 1);
  } else {
    return -1;
  }
  const marker = text[index];
  if (marker === 'e' || marker === 'E') {
    const sign = text[index + 1];
    if (isDigit(sign)) {
      index = skipDigits(text, index + 1);
    } else if ((sign === '+' || sign === '-') && isDigit(text[index + 2])) {
      index = skipDigits(text, index + 2);
    }
    // Otherwise the exponent marker is not part of the number.
  }
  return index;
}

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const ch = text[index] as string;
    if (isWhitespace(ch)) {
      index++;
      continue;
    }
    if (OPERATORS.has(ch)) {
      tokens.push({ kind: 'operator', operator: ch as Operator });
      index++;
      continue;
    }
    const numberEnd = scanNumber(text, index);
    if (numberEnd > index) {
      tokens.push({ kind: 'number', value: Number(text.slice(index, numberEnd)) });
      index = numberEnd;
      continue;
    }
    if (isLowerLetter(ch)) {
      let end = index + 1;
      while (isLowerLetter(text[end]) || isDigit(text[end])) end++;
      tokens.push({ kind: 'name', name: text.slice(index, end) });
      index = end;
      continue;
    }
    return null;
  }
  return tokens;
}

// ---------------------------------------------------------------------------
// AST

type FunctionName = 'sqrt' | 'sin' | 'cos' | 'tan' | 'exp' | 'ln' | 'log10' | 'abs';

const FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'sqrt', 'sin', 'cos', 'tan', 'exp', 'ln', 'log10', 'abs',
]);

interface BinaryStep {
  readonly operator: '+' | '-' | '*' | '/';
  readonly operand: AstNode;
}

/** One `^ signs primary` link of a power chain. */
interface PowerLink {
  readonly negate: boolean;
  readonly operand: AstNode;
}

type AstNode =
  | { readonly kind: 'literal'; readonly value: number }
  /** first (op operand)*: a left-associative sequence of '+'/'-' or of '*'/'/'. */
  | { readonly kind: 'sequence'; readonly first: AstNode; readonly steps: readonly BinaryStep[] }
  | { readonly kind: 'negate'; readonly operand: AstNode }
  /** base ^ (s1 (p1 ^ (s2 (p2 ^ ...)))), right-associative. */
  | { readonly kind: 'power'; readonly base: AstNode; readonly links: readonly PowerLink[] }
  | { readonly kind: 'call'; readonly name: FunctionName; readonly argument: AstNode };

// ---------------------------------------------------------------------------
// Parser: every parse function returns null on a syntax error.

class Parser {
  private position = 0;
  private readonly tokens: readonly Token[];

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }

  parseAll(): AstNode | null {
    const root = this.parseExpression();
    if (root === null || this.position !== this.tokens.length) return null;
    return root;
  }

  private peekOperator(): Operator | null {
    const token = this.tokens[this.position];
    return token !== undefined && token.kind === 'operator' ? token.operator : null;
  }

  private expectOperator(operator: Operator): boolean {
    if (this.peekOperator() !== operator) return false;
    this.position++;
    return true;
  }

  // expr := term (('+' | '-') term)*
  private parseExpression(): AstNode | null {
    const first = this.parseTerm();
    if (first === null) return null;
    const steps: BinaryStep[] = [];
    for (;;) {
      const operator = this.peekOperator();
      if (operator !== '+' && operator !== '-') break;
      this.position++;
      const operand = this.parseTerm();
      if (operand === null) return null;
      steps.push({ operator, operand });
    }
    return steps.length === 0 ? first : { kind: 'sequence', first, steps };
  }

  // term := unary (('*' | '/') unary)*
  private parseTerm(): AstNode | null {
    const first = this.parseUnary();
    if (first === null) return null;
    const steps: BinaryStep[] = [];
    for (;;) {
      const operator = this.peekOperator();
      if (operator !== '*' && operator !== '/') break;
      this.position++;
      const operand = this.parseUnary();
      if (operand === null) return null;
      steps.push({ operator, operand });
    }
    return steps.length === 0 ? first : { kind: 'sequence', first, steps };
  }

  /** Consumes a run of '+'/'-' signs; true when the run negates (an odd number of '-'). */
  private parseSigns(): boolean {
    let negate = false;
    for (;;) {
      const operator = this.peekOperator();
      if (operator === '-') negate = !negate;
      else if (operator !== '+') return negate;
      this.position++;
    }
  }

  // unary := ('-' | '+') unary | power, read as: signs* power.
  // Negation is exact, so an even run of '-' is the identity and an odd run one negation.
  private parseUnary(): AstNode | null {
    const negate = this.parseSigns();
    const power = this.parsePower();
    if (power === null) return null;
    return negate ? { kind: 'negate', operand: power } : power;
  }

  // power := primary ('^' unary)?, unrolled: primary ('^' signs* primary)*.
  private parsePower(): AstNode | null {
    const base = this.parsePrimary();
    if (base === null) return null;
    const links: PowerLink[] = [];
    while (this.expectOperator('^')) {
      const negate = this.parseSigns();
      const operand = this.parsePrimary();
      if (operand === null) return null;
      links.push({ negate, operand });
    }
    return links.length === 0 ? base : { kind: 'power', base, links };
  }

  // primary := number | 'pi' | 'e' | func '(' expr ')' | '(' expr ')'
  private parsePrimary(): AstNode | null {
    const token = this.tokens[this.position];
    if (token === undefined) return null;
    this.position++;
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', value: token.value };
      case 'name': {
        if (token.name === 'pi') return { kind: 'literal', value: Math.PI };
        if (token.name === 'e') return { kind: 'literal', value: Math.E };
        if (!FUNCTION_NAMES.has(token.name)) return null;
        const argument = this.parseParenthesized();
        if (argument === null) return null;
        return { kind: 'call', name: token.name as FunctionName, argument };
      }
      case 'operator':
        if (token.operator !== '(') return null;
        this.position--;
        return this.parseParenthesized();
    }
  }

  private parseParenthesized(): AstNode | null {
    if (!this.expectOperator('(')) return null;
    const inner = this.parseExpression();
    if (inner === null || !this.expectOperator(')')) return null;
    return inner;
  }
}

// ---------------------------------------------------------------------------
// Evaluator: a number, or the reason of the first error met in evaluation order.

type Outcome = number | EvalErrorReason;

function finite(value: number): Outcome {
  return Number.isFinite(value) ? value : 'NON_FINITE';
}

function applyBinary(operator: BinaryStep['operator'], left: number, right: number): Outcome {
  switch (operator) {
    case '+':
      return finite(left + right);
    case '-':
      return finite(left - right);
    case '*':
      return finite(left * right);
    case '/':
      if (right === 0) return 'DIVISION_BY_ZERO';
      return finite(left / right);
  }
}

function applyPower(base: number, exponent: number): Outcome {
  if (base === 0 && exponent < 0) return 'DOMAIN_ERROR';
  if (base < 0 && !Number.isInteger(exponent)) return 'DOMAIN_ERROR';
  return finite(Math.pow(base, exponent));
}

function applyFunction(name: FunctionName, x: number): Outcome {
  switch (name) {
    case 'sqrt':
      return x < 0 ? 'DOMAIN_ERROR' : finite(Math.sqrt(x));
    case 'sin':
      return finite(Math.sin(x));
    case 'cos':
      return finite(Math.cos(x));
    case 'tan':
      return finite(Math.tan(x));
    case 'exp':
      return finite(Math.exp(x));
    case 'ln':
      return x <= 0 ? 'DOMAIN_ERROR' : finite(Math.log(x));
    case 'log10':
      return x <= 0 ? 'DOMAIN_ERROR' : finite(Math.log10(x));
    case 'abs':
      return finite(Math.abs(x));
  }
}

function evaluateNode(node: AstNode): Outcome {
  switch (node.kind) {
    case 'literal':
      // A literal such as 1e999 is already a non-finite value.
      return finite(node.value);
    case 'negate': {
      const operand = evaluateNode(node.operand);
      return typeof operand === 'number' ? -operand : operand;
    }
    case 'call': {
      const argument = evaluateNode(node.argument);
      return typeof argument === 'number' ? applyFunction(node.name, argument) : argument;
    }
    case 'sequence': {
      let accumulated = evaluateNode(node.first);
      for (const step of node.steps) {
        if (typeof accumulated !== 'number') return accumulated;
        const operand = evaluateNode(step.operand);
        if (typeof operand !== 'number') return operand;
        accumulated = applyBinary(step.operator, accumulated, operand);
      }
      return accumulated;
    }
    case 'power':
      return evaluatePowerChain(node.base, node.links);
  }
}

/**
 * Every operand of the chain is evaluated left to right first (a base before its exponent,
 * and the exponent's own base before its exponent, and so on); the powers are then applied
 * innermost (rightmost) first, since each exponent must be complete before it is used.
 */
function evaluatePowerChain(base: AstNode, links: readonly PowerLink[]): Outcome {
  const baseValue = evaluateNode(base);
  if (typeof baseValue !== 'number') return baseValue;
  const operandValues: number[] = [];
  for (const link of links) {
    const value = evaluateNode(link.operand);
    if (typeof value !== 'number') return value;
    operandValues.push(value);
  }
  let exponent = 0;
  for (let index = links.length - 1; index >= 0; index--) {
    const link = links[index] as PowerLink;
    const operand = operandValues[index] as number;
    let value: Outcome;
    if (index === links.length - 1) {
      value = operand;
    } else {
      value = applyPower(operand, exponent);
      if (typeof value !== 'number') return value;
    }
    exponent = link.negate ? -value : value;
  }
  return applyPower(baseValue, exponent);
}

// ---------------------------------------------------------------------------

function isTooComplex(text: string): boolean {
  if (text.length > MAX_LENGTH) return true;
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const ch = text.charCodeAt(index);
    if (ch === 40 /* ( */) {
      depth++;
      if (depth > MAX_DEPTH) return true;
    } else if (ch === 41 /* ) */) {
      depth--;
    }
  }
  return false;
}

function fail(reason: ErrorReason): VersionResult<EvaluateValue> {
  return { kind: 'domain_error', reason };
}

export default function evaluateRecursiveDescent(
  input: EvaluateInput,
): VersionResult<EvaluateValue> {
  const text = input.expression;
  if (isTooComplex(text)) return fail('TOO_COMPLEX');
  const tokens = tokenize(text);
  if (tokens === null) return fail('SYNTAX_ERROR');
  const root = new Parser(tokens).parseAll();
  if (root === null) return fail('SYNTAX_ERROR');
  const outcome = evaluateNode(root);
  if (typeof outcome !== 'number') return fail(outcome);
  return { kind: 'value', value: outcome };
}
