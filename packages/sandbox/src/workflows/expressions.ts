import { data, Evaluator, Lexer, Parser, type Expr } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import {
  isBasicExpression,
  isBoolean,
  isLiteral,
  isMapping,
  isNumber,
  isSequence,
  isString,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { WorkflowExpressionError } from './errors.js';

/*
 * `${{ }}` evaluated with GitHub's own expression language (@actions/expressions: its lexer, parser,
 * evaluator and functions — format, toJSON, fromJSON, contains, startsWith, …), over the contexts a
 * workflow may read at that point. The status functions (success(), always(), failure(), cancelled())
 * are the runner's, not the language's: they answer from the state of the job or of the run.
 */

/** The contexts GitHub knows; one the runner does not fill (matrix, strategy) reads as null. */
const CONTEXTS = [
  'github',
  'inputs',
  'vars',
  'needs',
  'steps',
  'env',
  'secrets',
  'runner',
  'job',
  'matrix',
  'strategy',
];

/** Plain JSON-like values: what the runner keeps its contexts in. */
export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** Whether the job (for a step's `if:`) or the jobs it needs (for a job's `if:`) have failed so far. */
export interface Status {
  failed: boolean;
  /** A job's `needs` that ended skipped: success() is false then, as on GitHub. */
  skipped?: boolean;
}

export interface Scope {
  contexts: Record<string, Plain>;
  status: Status;
  /** Where the expression is written, e.g. `migrate.yml: job cutover, step 4, with.environment`. */
  where: string;
}

function statusFunctions(status: Status): Map<string, FunctionDefinition> {
  const fn = (name: string, value: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) },
  ];
  return new Map([
    fn('success', () => !status.failed && !status.skipped),
    fn('failure', () => status.failed),
    fn('always', () => true),
    // Nothing is cancelled here: a run goes to its end.
    fn('cancelled', () => false),
  ]);
}

function toData(value: Plain | undefined): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

function toPlain(value: data.ExpressionData): Plain {
  return JSON.parse(JSON.stringify(value, data.replacer)) as Plain;
}

function parse(expression: string, where: string, functions: Map<string, FunctionDefinition>): Expr {
  try {
    const { tokens } = new Lexer(expression).lex();
    return new Parser(tokens, CONTEXTS, [...functions.values()]).parse();
  } catch (error) {
    throw new WorkflowExpressionError(where, expression, (error as Error).message);
  }
}

/** The value of one expression (without its `${{ }}`). */
export function evaluateExpression(expression: string, scope: Scope): data.ExpressionData {
  const functions = statusFunctions(scope.status);
  const tree = parse(expression, scope.where, functions);
  const context = new data.Dictionary(
    ...CONTEXTS.map((key) => ({ key, value: toData(scope.contexts[key]) })),
  );
  try {
    return new Evaluator(tree, context, functions).evaluate();
  } catch (error) {
    throw new WorkflowExpressionError(scope.where, expression, (error as Error).message);
  }
}

/** An `if:`: true or false by GitHub's truthiness ('' , 0, null and false are false). */
export function evaluateCondition(expression: string, scope: Scope): boolean {
  return truthy(evaluateExpression(expression, scope));
}

/** A template token of the workflow (a literal, a `${{ }}`, a mapping, a sequence), fully evaluated. */
export function evaluateToken(token: TemplateToken, scope: Scope): Plain {
  if (isBasicExpression(token)) return toPlain(evaluateExpression(token.expression, scope));
  if (isString(token)) return token.value;
  if (isBoolean(token)) return token.value;
  if (isNumber(token)) return token.value;
  if (isLiteral(token)) return null;
  if (isSequence(token)) return [...token].map((item) => evaluateToken(item, scope));
  if (isMapping(token)) {
    const out: Record<string, Plain> = {};
    for (const { key, value } of token) {
      const name = String(evaluateToken(key, scope));
      out[name] = evaluateToken(value, { ...scope, where: `${scope.where}.${name}` });
    }
    return out;
  }
  throw new WorkflowExpressionError(scope.where, token.toString(), 'an expression the runner cannot read');
}

/** A value as GitHub passes it to a `with:` or an `env:`: a string (true → 'true', objects as JSON). */
export function asString(value: Plain): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A mapping token (`with:`, `env:`, `outputs:`) evaluated to strings; absent → {}. */
export function evaluateStrings(token: TemplateToken | undefined, scope: Scope): Record<string, string> {
  if (!token) return {};
  const value = evaluateToken(token, scope);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WorkflowExpressionError(scope.where, token.toString(), 'must evaluate to a mapping');
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asString(v)]));
}
