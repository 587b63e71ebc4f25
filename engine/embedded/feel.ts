/**
 * FEEL for the embedded engine (feelin): Zeebe writes expressions as `=<FEEL>`; anything else is
 * a static value. Also the bpmn-elements expression handler that routes `=` expressions to FEEL,
 * so sequence-flow conditions and timer definitions written for Zeebe evaluate unchanged.
 */
import { evaluate, SyntaxError as FeelSyntaxError } from 'feelin';

export type Vars = Record<string, unknown>;

export function isFeel(expression: unknown): expression is string {
  return typeof expression === 'string' && expression.trimStart().startsWith('=');
}

/** feelin returns FeelDuration / FeelDateTime … objects: turn them into ISO strings. */
function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name ?? '';
    if (name.startsWith('Feel')) return String(value);
    if (name === 'Object') {
      const out: Vars = {};
      for (const [k, v] of Object.entries(value as Vars)) out[k] = toPlain(v);
      return out;
    }
  }
  return value;
}

/** Evaluates `=FEEL` against the variables, or returns a static value as it is. */
export function evaluateExpression(expression: string, variables: Vars): unknown {
  if (!isFeel(expression)) return expression;
  const source = expression.trimStart().slice(1);
  return toPlain(evaluate(source, variables).value);
}

/** Returns the syntax error message of a `=FEEL` expression, or null when it parses. */
export function feelSyntaxError(expression: string): string | null {
  if (!isFeel(expression)) return null;
  try {
    evaluate(expression.trimStart().slice(1), {});
    return null;
  } catch (error) {
    if (error instanceof FeelSyntaxError || (error as Error).name === 'SyntaxError') return (error as Error).message;
    return null; // a runtime error on empty variables is not a syntax problem
  }
}

/** A list of strings from a Zeebe assignment attribute: static `a, b` or FEEL giving a list or a string. */
export function evaluateList(expression: string | undefined, variables: Vars): string[] {
  if (!expression) return [];
  const value = isFeel(expression) ? evaluateExpression(expression, variables) : expression;
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(String);
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The expressions handler handed to bpmn-engine (replacing its `${...}` syntax, which Zeebe
 * diagrams do not use). The process variables live in
 * `environment.variables.pv` (the rest of `environment.variables` belongs to bpmn-engine).
 */
export const feelExpressions = {
  resolveExpression(expression: string, context: { environment?: { variables?: Vars } }): unknown {
    if (!isFeel(expression)) return expression; // Zeebe: anything not starting with '=' is a static value
    const pv = (context.environment?.variables?.pv ?? {}) as Vars;
    return evaluateExpression(expression, pv);
  },
  isExpression: isFeel,
  hasExpression: isFeel,
};
