import type { EvaluateRequest, EvaluateResponse } from '../../../voter/gen/nvote/v1/compute_service.js';
import type { SeededRandom } from '../seeded-random.js';
import type { Workload } from '../workload.js';

export type FunctionName = 'sqrt' | 'abs' | 'sin' | 'cos' | 'exp' | 'ln' | 'log10';

/** An expression tree; the request is its rendering and the reference is its value. */
export type Expression =
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'constant'; readonly name: 'pi' | 'e' }
  | { readonly kind: 'sign'; readonly op: '-' | '+'; readonly operand: Expression }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/'; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'power'; readonly base: Expression; readonly exponent: Expression }
  | { readonly kind: 'call'; readonly name: FunctionName; readonly argument: Expression };

const MAX_DEPTH = 4;
const ATTEMPTS = 8;
const LEAF_CHANCE = 0.2;
// Every intermediate stays within 1e6 and away from the edges of each function's domain, so a
// version that differs in the last bit (x*x*x for x^3) stays far inside the 1e-9 tolerance and
// never flips to a domain error.
const MAX_MAGNITUDE = 1e6;
const MIN_MAGNITUDE = 1e-3;
const MAX_EXP_ARGUMENT = 5;
const TOLERANCE = 1e-9;

const FUNCTIONS: Readonly<Record<FunctionName, (x: number) => number>> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  sin: Math.sin,
  cos: Math.cos,
  exp: Math.exp,
  ln: Math.log,
  log10: Math.log10,
};
const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

const any = (): boolean => true;
const positive = (value: number): boolean => value >= MIN_MAGNITUDE;
const awayFromZero = (value: number): boolean => Math.abs(value) >= MIN_MAGNITUDE;
const small = (value: number): boolean => Math.abs(value) <= MAX_EXP_ARGUMENT;

/** Random expression trees of depth <= 4 whose value is finite and free of domain errors. */
export const evaluateWorkload: Workload<EvaluateRequest, EvaluateResponse> = {
  method: 'Evaluate',
  generate(random) {
    const tree = generateExpression(random, random.int(2, MAX_DEPTH), any, 0);
    const expected = evaluateExpression(tree);
    return {
      request: { expression: renderExpression(tree, random) },
      // JSON has no -0; the check below does not tell the zeros apart either.
      expected: expected === 0 ? 0 : expected,
      isCorrect: response =>
        Number.isFinite(response.value) &&
        Math.abs(response.value - expected) <= TOLERANCE * Math.max(Math.abs(expected), 1),
    };
  },
};

/** The value with JavaScript doubles, operands left to right, as SPEC.md prescribes. */
export function evaluateExpression(expression: Expression): number {
  switch (expression.kind) {
    case 'number':
      return Number(expression.text);
    case 'constant':
      return expression.name === 'pi' ? Math.PI : Math.E;
    case 'sign': {
      const operand = evaluateExpression(expression.operand);
      return expression.op === '-' ? -operand : operand;
    }
    case 'binary':
      return applyBinary(expression.op, evaluateExpression(expression.left), evaluateExpression(expression.right));
    case 'power': {
      const base = evaluateExpression(expression.base);
      return Math.pow(base, evaluateExpression(expression.exponent));
    }
    case 'call':
      return FUNCTIONS[expression.name](evaluateExpression(expression.argument));
  }
}

function applyBinary(op: '+' | '-' | '*' | '/', left: number, right: number): number {
  switch (op) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return left / right;
  }
}

// Binding strength in the SPEC grammar: a child weaker than its slot needs parentheses.
const SUM = 1;
const PRODUCT = 2;
const UNARY = 3;
const POWER = 4;
const PRIMARY = 5;

function strengthOf(expression: Expression): number {
  switch (expression.kind) {
    case 'binary':
      return expression.op === '+' || expression.op === '-' ? SUM : PRODUCT;
    case 'sign':
      return UNARY;
    case 'power':
      return POWER;
    default:
      return PRIMARY;
  }
}

/**
 * Text that the SPEC grammar parses back to the same tree. With `random`, whitespace between
 * tokens and redundant parentheses vary the layout without changing the tree.
 */
export function renderExpression(expression: Expression, random?: SeededRandom): string {
  const tokens: string[] = [];
  const extraParentheses = (): boolean => random !== undefined && random.next() < 0.08;
  const emit = (node: Expression, slot: number): void => {
    const parenthesise = strengthOf(node) < slot || (strengthOf(node) < PRIMARY && extraParentheses());
    if (parenthesise) tokens.push('(');
    emitBare(node);
    if (parenthesise) tokens.push(')');
  };
  const emitBare = (node: Expression): void => {
    switch (node.kind) {
      case 'number':
        tokens.push(node.text);
        return;
      case 'constant':
        tokens.push(node.name);
        return;
      case 'sign':
        tokens.push(node.op);
        emit(node.operand, UNARY);
        return;
      case 'binary': {
        const additive = node.op === '+' || node.op === '-';
        // Left-associative: the right operand must bind more strongly than the operator.
        emit(node.left, additive ? SUM : PRODUCT);
        tokens.push(node.op);
        emit(node.right, additive ? PRODUCT : UNARY);
        return;
      }
      case 'power':
        // power := primary '^' unary: right-associative, and -2^2 is -(2^2).
        emit(node.base, PRIMARY);
        tokens.push('^');
        emit(node.exponent, UNARY);
        return;
      case 'call':
        tokens.push(node.name, '(');
        emit(node.argument, SUM);
        tokens.push(')');
        return;
    }
  };
  emit(expression, SUM);
  // Tokens never touch in a way that merges them (no number is followed by a name), so a gap is
  // always optional.
  return tokens.reduce((text, token) => text + (random !== undefined && random.next() < 0.15 ? ' ' : '') + token);
}

function generateExpression(
  random: SeededRandom,
  depth: number,
  accept: (value: number) => boolean,
  leafChance = LEAF_CHANCE,
): Expression {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const candidate = depth === 0 || random.next() < leafChance ? generateLeaf(random) : generateNode(random, depth - 1);
    const value = evaluateExpression(candidate);
    if (Number.isFinite(value) && Math.abs(value) <= MAX_MAGNITUDE && accept(value)) return candidate;
  }
  // One satisfies every acceptance rule below.
  return { kind: 'number', text: '1' };
}

function generateLeaf(random: SeededRandom): Expression {
  const kind = random.next();
  if (kind < 0.45) return { kind: 'number', text: String(random.int(0, 9)) };
  if (kind < 0.7) return { kind: 'number', text: String(random.int(10, 99)) };
  if (kind < 0.92) return { kind: 'number', text: `${random.int(0, 99)}.${random.int(0, 9)}` };
  return { kind: 'constant', name: random.pick(['pi', 'e'] as const) };
}

function generateNode(random: SeededRandom, depth: number): Expression {
  const kind = random.next();
  if (kind < 0.5) {
    const op = random.pick(['+', '-', '*', '/'] as const);
    const left = generateExpression(random, depth, any);
    const right = generateExpression(random, depth, op === '/' ? awayFromZero : any);
    return { kind: 'binary', op, left, right };
  }
  if (kind < 0.62) {
    const op = random.next() < 0.8 ? '-' : '+';
    return { kind: 'sign', op, operand: generateExpression(random, depth, any) };
  }
  if (kind < 0.8) {
    const base = generateExpression(random, depth, positive);
    const exponent: Expression = { kind: 'number', text: String(random.int(0, 3)) };
    // x^1^k is x only when ^ associates to the right.
    if (random.next() < 0.15) {
      return { kind: 'power', base, exponent: { kind: 'power', base: { kind: 'number', text: '1' }, exponent } };
    }
    return { kind: 'power', base, exponent };
  }
  const name = random.pick(FUNCTION_NAMES);
  const domain = name === 'sqrt' || name === 'ln' || name === 'log10' ? positive : name === 'exp' ? small : any;
  return { kind: 'call', name, argument: generateExpression(random, depth, domain) };
}
