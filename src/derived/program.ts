import { ConfigError } from "../errors.js";
import { didYouMean } from "../did-you-mean.js";
import type { MetricDisplay } from "../report/format.js";
import { ExpressionError, parseExpression, referencedMetrics, type Expr } from "./expression.js";

/** One entry of the config's `derived:` map, keyed by the metric's name. */
export interface DerivedDefinition extends MetricDisplay {
  /** The formula, e.g. `DAILY_ACTIVE_USERS / MONTHLY_ACTIVE_USERS * 100` or `sum(SIGNUPS, 7)`. */
  expr: string;
  /**
   * The fraction of a window's days that must have a value (0 < f ≤ 1). A window short of
   * every day says so in the report: `avg over 25 of 28 days`. @default 1 (every day)
   */
  minCoverage?: number;
}

/** A derived metric ready to evaluate. */
export interface DerivedMetric extends DerivedDefinition {
  name: string;
  ast: Expr;
  /** The metrics it reads, source or derived. */
  inputs: string[];
  /** Days before the evaluated day it reads, through derived inputs too. */
  lookbackDays: number;
}

/** Every derived metric of a config, inputs before the metrics that use them. */
export interface DerivedProgram {
  metrics: DerivedMetric[];
  byName: Map<string, DerivedMetric>;
  /** The longest look-back of any of them: the one history read covers this many days before today. */
  lookbackDays: number;
  /** How each reads in reports, as declared. */
  display: Record<string, MetricDisplay>;
}

/**
 * Checks the `derived:` map: each expression parses, no name is both a source's metric and derived,
 * every name read exists (when `known` lists every source metric), and no metric depends on itself.
 * One issue per problem, each naming its config path.
 */
export function derivedIssues(definitions: Readonly<Record<string, DerivedDefinition>>, known?: ReadonlySet<string>): string[] {
  return analyse(definitions, known).issues;
}

/** The program of a valid `derived:` map; a ConfigError listing every problem otherwise. */
export function compileDerived(definitions: Readonly<Record<string, DerivedDefinition>>, known?: ReadonlySet<string>): DerivedProgram {
  const { issues, program } = analyse(definitions, known);
  if (issues.length || !program) throw new ConfigError(issues);
  return program;
}

function analyse(definitions: Readonly<Record<string, DerivedDefinition>>, known?: ReadonlySet<string>): { issues: string[]; program?: DerivedProgram } {
  const issues: string[] = [];
  const parsed = new Map<string, { definition: DerivedDefinition; ast: Expr; inputs: string[] }>();
  for (const [name, definition] of Object.entries(definitions)) {
    if (known?.has(name)) issues.push(`derived.${name}: a source already produces ${name}; rename the derived metric`);
    try {
      const ast = parseExpression(definition.expr);
      parsed.set(name, { definition, ast, inputs: referencedMetrics(ast) });
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      issues.push(`derived.${name}.expr: ${error.message} (in "${definition.expr}")`);
    }
  }
  if (known) {
    const candidates = [...known, ...Object.keys(definitions)];
    for (const [name, { inputs }] of parsed) {
      for (const input of inputs) {
        if (!known.has(input) && !Object.hasOwn(definitions, input)) {
          issues.push(
            `derived.${name}.expr: unknown metric "${input}"${didYouMean(input, candidates) || "; use a metric of a source or another derived metric"}`,
          );
        }
      }
    }
  }
  const order = topologicalOrder(parsed, issues);
  if (issues.length || parsed.size !== Object.keys(definitions).length) return { issues };
  const metrics: DerivedMetric[] = [];
  const byName = new Map<string, DerivedMetric>();
  for (const name of order) {
    const { definition, ast, inputs } = parsed.get(name) as { definition: DerivedDefinition; ast: Expr; inputs: string[] };
    const metric: DerivedMetric = { ...definition, name, ast, inputs, lookbackDays: lookback(ast, byName) };
    metrics.push(metric);
    byName.set(name, metric);
  }
  return { issues, program: { metrics, byName, lookbackDays: Math.max(0, ...metrics.map((m) => m.lookbackDays)), display: derivedDisplay(definitions) } };
}

/** Inputs first. A cycle is an issue naming its chain, `A → B → A`, once whatever metric it is entered by. */
function topologicalOrder(parsed: Map<string, { inputs: string[] }>, issues: string[]): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const reported = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    const seen = state.get(name);
    if (seen === "done") return;
    if (seen === "visiting") {
      const chain = [...path.slice(path.indexOf(name)), name];
      const key = [...new Set(chain)].sort().join(" ");
      if (!reported.has(key)) {
        reported.add(key);
        issues.push(`derived.${name}.expr: ${name} depends on itself: ${chain.join(" → ")}; break the cycle`);
      }
      return;
    }
    state.set(name, "visiting");
    for (const input of parsed.get(name)?.inputs ?? []) if (parsed.has(input)) visit(input, [...path, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of parsed.keys()) visit(name, []);
  return order;
}

function lookback(expr: Expr, derived: ReadonlyMap<string, DerivedMetric>): number {
  const inner = (name: string) => derived.get(name)?.lookbackDays ?? 0;
  switch (expr.kind) {
    case "number":
      return 0;
    case "metric":
      return inner(expr.name);
    case "window":
      return expr.days - 1 + inner(expr.metric);
    case "ago":
      return expr.days + inner(expr.metric);
    case "negate":
    case "round":
      return lookback(expr.operand, derived);
    case "binary":
      return Math.max(lookback(expr.left, derived), lookback(expr.right, derived));
  }
}

/** How each derived metric reads in reports, from where it is declared. */
export function derivedDisplay(definitions: Readonly<Record<string, DerivedDefinition>> | undefined): Record<string, MetricDisplay> {
  const display: Record<string, MetricDisplay> = {};
  for (const [name, { label, format, lowerIsBetter }] of Object.entries(definitions ?? {})) {
    display[name] = { ...(label ? { label } : {}), ...(format ? { format } : {}), ...(lowerIsBetter !== undefined ? { lowerIsBetter } : {}) };
  }
  return display;
}
