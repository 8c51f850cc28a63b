import jsep from "jsep";

/** Functions over a window of N days ending on the evaluated day. */
export const WINDOW_FUNCTIONS = ["sum", "avg", "min", "max"] as const;
/** Functions against the value N days earlier. */
export const AGO_FUNCTIONS = ["ago", "change", "pct_change"] as const;
export type WindowFunction = (typeof WINDOW_FUNCTIONS)[number];
export type AgoFunction = (typeof AGO_FUNCTIONS)[number];
export type BinaryOperator = "+" | "-" | "*" | "/";

/** The longest window or look-back a function may take: a year and a day. */
export const MAX_DAYS = 366;
const MAX_DIGITS = 10;

/** A parsed derived-metric expression: only these nodes exist, so only these operations can run. */
export type Expr =
  | { kind: "number"; value: number }
  | { kind: "metric"; name: string }
  | { kind: "negate"; operand: Expr }
  | { kind: "binary"; op: BinaryOperator; left: Expr; right: Expr }
  | { kind: "window"; fn: WindowFunction; metric: string; days: number }
  | { kind: "ago"; fn: AgoFunction; metric: string; days: number }
  | { kind: "round"; operand: Expr; digits: number };

/** An expression that is not in the grammar; the message says what to write instead. */
export class ExpressionError extends Error {}

const FUNCTIONS = `${WINDOW_FUNCTIONS.join(", ")}, ${AGO_FUNCTIONS.join(", ")}, round`;
const BINARY = new Set<string>(["+", "-", "*", "/"]);

/**
 * Parses with jsep, then keeps only the whitelisted node types: arithmetic, numbers, metric names
 * and the known functions. Nothing in the text is ever run as code.
 */
export function parseExpression(text: string): Expr {
  let tree: jsep.Expression;
  try {
    tree = jsep(text);
  } catch (error) {
    throw new ExpressionError((error as Error).message.replace(/^./, (c) => c.toLowerCase()));
  }
  if (tree.type === "Compound") {
    const body = (tree as jsep.Compound).body;
    throw new ExpressionError(body.length ? "one expression expected; separate terms with an operator such as + or *" : "empty expression");
  }
  return convert(tree);
}

function convert(node: jsep.Expression): Expr {
  switch (node.type) {
    case "Literal": {
      const { value, raw } = node as jsep.Literal;
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new ExpressionError(`${raw} is not a number; only numbers, metric names and ${FUNCTIONS} are allowed`);
      return { kind: "number", value };
    }
    case "Identifier":
      return { kind: "metric", name: (node as jsep.Identifier).name };
    case "UnaryExpression": {
      const { operator, argument } = node as jsep.UnaryExpression;
      if (operator === "-") return { kind: "negate", operand: convert(argument) };
      if (operator === "+") return convert(argument);
      throw new ExpressionError(`operator "${operator}" is not allowed; use + - * / and parentheses`);
    }
    case "BinaryExpression": {
      const { operator, left, right } = node as jsep.BinaryExpression;
      if (!BINARY.has(operator)) throw new ExpressionError(`operator "${operator}" is not allowed; use + - * / and parentheses`);
      return { kind: "binary", op: operator as BinaryOperator, left: convert(left), right: convert(right) };
    }
    case "CallExpression":
      return convertCall(node as jsep.CallExpression);
    case "MemberExpression":
      throw new ExpressionError(`"${describe(node)}": properties are not allowed; metric names use letters, digits and _`);
    default:
      throw new ExpressionError(`${describe(node)} is not allowed; only numbers, metric names, + - * /, parentheses and ${FUNCTIONS}`);
  }
}

function convertCall(node: jsep.CallExpression): Expr {
  const callee = node.callee.type === "Identifier" ? (node.callee as jsep.Identifier).name : undefined;
  const args = node.arguments;
  if ((WINDOW_FUNCTIONS as readonly string[]).includes(callee ?? "") || (AGO_FUNCTIONS as readonly string[]).includes(callee ?? "")) {
    const fn = callee as WindowFunction | AgoFunction;
    const [metric, days] = args;
    if (args.length !== 2 || !metric || !days) throw new ExpressionError(`${fn}() takes 2 arguments, a metric name and a number of days: ${fn}(SIGNUPS, 7)`);
    if (metric.type !== "Identifier")
      throw new ExpressionError(`${fn}(): the first argument must be a metric name; declare the expression as a derived metric of its own and use its name`);
    const name = (metric as jsep.Identifier).name;
    const n = integerArgument(days, `${fn}(${name}, N)`, 1, MAX_DAYS, "days");
    return (WINDOW_FUNCTIONS as readonly string[]).includes(fn)
      ? { kind: "window", fn: fn as WindowFunction, metric: name, days: n }
      : { kind: "ago", fn: fn as AgoFunction, metric: name, days: n };
  }
  if (callee === "round") {
    const [operand, digits] = args;
    if (!operand || args.length > 2) throw new ExpressionError("round() takes 1 or 2 arguments: round(x) or round(x, digits)");
    return { kind: "round", operand: convert(operand), digits: digits ? integerArgument(digits, "round(x, digits)", 0, MAX_DIGITS, "digits") : 0 };
  }
  throw new ExpressionError(`unknown function ${callee ?? describe(node.callee)}(); use one of ${FUNCTIONS}`);
}

function integerArgument(node: jsep.Expression, where: string, min: number, max: number, what: string): number {
  const value = node.type === "Literal" ? (node as jsep.Literal).value : undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ExpressionError(`${where}: ${what} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function describe(node: jsep.Expression): string {
  switch (node.type) {
    case "Identifier":
      return (node as jsep.Identifier).name;
    case "Literal":
      return (node as jsep.Literal).raw;
    case "MemberExpression": {
      const m = node as jsep.MemberExpression;
      return m.computed ? `${describe(m.object)}[${describe(m.property)}]` : `${describe(m.object)}.${describe(m.property)}`;
    }
    case "ConditionalExpression":
      return "a ? b : c";
    case "ArrayExpression":
      return "[...]";
    case "ThisExpression":
      return "this";
    default:
      return node.type;
  }
}

/** The metric names an expression reads, each once, in order of appearance. */
export function referencedMetrics(expr: Expr): string[] {
  const names = new Set<string>();
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case "metric":
      case "window":
      case "ago":
        names.add(e.kind === "metric" ? e.name : e.metric);
        return;
      case "negate":
      case "round":
        return walk(e.operand);
      case "binary":
        walk(e.left);
        walk(e.right);
        return;
      case "number":
        return;
    }
  };
  walk(expr);
  return [...names];
}

const PRECEDENCE: Record<BinaryOperator, number> = { "+": 1, "-": 1, "*": 2, "/": 2 };

/** The expression written back as text, with the parentheses it needs: reasons quote it. */
export function printExpression(expr: Expr, parent = 0, rightSide = false): string {
  switch (expr.kind) {
    case "number":
      return String(expr.value);
    case "metric":
      return expr.name;
    case "window":
    case "ago":
      return `${expr.fn}(${expr.metric}, ${expr.days})`;
    case "round":
      return expr.digits ? `round(${printExpression(expr.operand)}, ${expr.digits})` : `round(${printExpression(expr.operand)})`;
    case "negate":
      return `-${printExpression(expr.operand, 3)}`;
    case "binary": {
      const own = PRECEDENCE[expr.op];
      const text = `${printExpression(expr.left, own)} ${expr.op} ${printExpression(expr.right, own, true)}`;
      return own < parent || (own === parent && rightSide) ? `(${text})` : text;
    }
  }
}
