import { addDays } from "../dates.js";
import type { Metrics } from "../types.js";
import { printExpression, type Expr } from "./expression.js";
import type { DerivedMetric, DerivedProgram } from "./program.js";

/** What evaluating every derived metric on one day gives. */
export interface DerivedOutcome {
  /** The derived metrics that could be computed. */
  values: Metrics;
  /**
   * Those that could not, each with a reason naming the input, the day or the zero. `beforeHistory`:
   * only days before an input's first stored value were missing (a new deployment or a new source).
   */
  missing: { name: string; reason: string; beforeHistory?: true }[];
  /** Windows that stood on fewer than all of their days, by metric: `avg over 25 of 28 days`. */
  notes: Record<string, string>;
}

/** Values by date: the history rows, with today's row as this run will leave it. */
export type DailyValues = ReadonlyMap<string, Metrics>;

/** Thrown inside the evaluator only, and caught there: a value that can't be computed, with why. */
class Missing extends Error {
  constructor(
    readonly reason: string,
    /** Every missing value was of a day before its metric's first stored one. */
    readonly beforeHistory = false,
  ) {
    super(reason);
  }
}

/** Dates listed in a reason before "and N more". */
const LISTED_DATES = 5;

/**
 * Every derived metric of `program` on `date`, from `days` (the history, calendar day by calendar
 * day). Exact, never guessed: a missing input, a zero divisor or a result that is not finite makes
 * the metric missing with its reason; nothing is ever written as 0 or NaN. A derived metric used
 * by another is recomputed on the past days it is needed, from its own inputs.
 */
export function evaluateDerived(program: DerivedProgram, date: string, days: DailyValues): DerivedOutcome {
  const evaluator = new Evaluator(program, date, days);
  const outcome: DerivedOutcome = { values: {}, missing: [], notes: {} };
  for (const metric of program.metrics) {
    evaluator.notes = [];
    try {
      outcome.values[metric.name] = evaluator.value(metric.name, date);
      if (evaluator.notes.length) outcome.notes[metric.name] = evaluator.notes.join("; ");
    } catch (error) {
      if (!(error instanceof Missing)) throw error;
      outcome.missing.push({ name: metric.name, reason: error.reason, ...(error.beforeHistory ? { beforeHistory: true as const } : {}) });
    }
  }
  return outcome;
}

class Evaluator {
  private readonly memo = new Map<string, number | Missing>();
  private readonly shifted = new Map<string, string>();
  private readonly firstDays = new Map<string, string | null>();
  notes: string[] = [];

  constructor(
    private readonly program: DerivedProgram,
    private readonly today: string,
    private readonly days: DailyValues,
  ) {}

  /** A metric's value on `day`, source or derived; throws `Missing`. */
  value(name: string, day: string): number {
    const derived = this.program.byName.get(name);
    if (!derived) {
      const row = this.days.get(day);
      const value = row && Object.hasOwn(row, name) ? row[name] : undefined;
      if (typeof value !== "number" || !Number.isFinite(value)) {
        const first = this.firstDay(name);
        throw new Missing(`${name} missing on ${day}`, first !== null && day < first);
      }
      return value;
    }
    const key = `${name}\n${day}`;
    const known = this.memo.get(key);
    if (known instanceof Missing) throw known;
    if (known !== undefined) return known;
    try {
      const value = this.compute(derived, day);
      this.memo.set(key, value);
      return value;
    } catch (error) {
      if (error instanceof Missing) this.memo.set(key, error);
      throw error;
    }
  }

  private compute(metric: DerivedMetric, day: string): number {
    const value = this.expr(metric.ast, day, metric);
    if (!Number.isFinite(value)) throw new Missing(`the result is not finite${this.on(day)}`);
    // Float noise (0.1 + 0.2) goes at 15 significant digits; a whole number has none, and is kept
    // as it is, since 15 digits would change one above 10^15.
    const tidy = Number.isInteger(value) ? value : Number(value.toPrecision(15));
    return tidy === 0 ? 0 : tidy;
  }

  private expr(e: Expr, day: string, metric: DerivedMetric): number {
    switch (e.kind) {
      case "number":
        return e.value;
      case "metric":
        return this.value(e.name, day);
      case "negate":
        return -this.expr(e.operand, day, metric);
      case "round":
        return roundTo(this.expr(e.operand, day, metric), e.digits);
      case "binary":
        return this.binary(e, day, metric);
      case "window":
        return this.window(e, day, metric);
      case "ago":
        return this.ago(e, day);
    }
  }

  private binary(e: Extract<Expr, { kind: "binary" }>, day: string, metric: DerivedMetric): number {
    const left = this.expr(e.left, day, metric);
    const right = this.expr(e.right, day, metric);
    switch (e.op) {
      case "+":
        return left + right;
      case "-":
        return left - right;
      case "*":
        return left * right;
      case "/":
        if (right === 0) throw new Missing(`${printExpression(e.right)} is 0${this.on(day)}`);
        return left / right;
    }
  }

  private window(e: Extract<Expr, { kind: "window" }>, day: string, metric: DerivedMetric): number {
    const values: number[] = [];
    const missingDays: string[] = [];
    let firstReason: string | undefined;
    let beforeHistory = true;
    for (let back = e.days - 1; back >= 0; back--) {
      const d = this.shift(day, back);
      try {
        values.push(this.value(e.metric, d));
      } catch (error) {
        if (!(error instanceof Missing)) throw error;
        missingDays.push(d);
        firstReason ??= error.reason;
        beforeHistory &&= error.beforeHistory;
      }
    }
    const coverage = metric.minCoverage ?? 1;
    const needed = Math.max(1, Math.ceil(coverage * e.days - 1e-9));
    if (values.length < needed) {
      const inner = this.program.byName.has(e.metric) && firstReason ? ` (${firstReason})` : "";
      const short = coverage < 1 ? `; ${values.length} of ${e.days} days have a value, minCoverage ${coverage} needs ${needed}` : "";
      throw new Missing(`${e.metric} missing on ${listDates(missingDays)}${inner}${short}`, beforeHistory);
    }
    if (missingDays.length && day === this.today) this.notes.push(`${e.fn} over ${values.length} of ${e.days} days`);
    switch (e.fn) {
      case "sum":
        return sum(values);
      case "avg":
        return sum(values) / values.length;
      case "min":
        return Math.min(...values);
      case "max":
        return Math.max(...values);
    }
  }

  private ago(e: Extract<Expr, { kind: "ago" }>, day: string): number {
    const then = this.shift(day, e.days);
    let previous: number;
    try {
      previous = this.value(e.metric, then);
    } catch (error) {
      if (!(error instanceof Missing) || !this.program.byName.has(e.metric)) throw error;
      throw new Missing(`${e.metric} missing on ${then} (${error.reason})`, error.beforeHistory);
    }
    if (e.fn === "ago") return previous;
    const current = this.value(e.metric, day);
    if (e.fn === "change") return current - previous;
    if (previous === 0) throw new Missing(`${e.metric} is 0 on ${then}`);
    // Against |previous|, as the report's changes are, so a loss shrinking from -100 to -50 reads +50%.
    return ((current - previous) / Math.abs(previous)) * 100;
  }

  /** The first day a source metric has a value in `days`; null when it has none. */
  private firstDay(name: string): string | null {
    let first = this.firstDays.get(name);
    if (first === undefined) {
      first = null;
      for (const [day, row] of this.days) {
        const value = Object.hasOwn(row, name) ? row[name] : undefined;
        if (typeof value === "number" && Number.isFinite(value) && (first === null || day < first)) first = day;
      }
      this.firstDays.set(name, first);
    }
    return first;
  }

  /** `days` before `day`; cached, as every window walks the same dates. */
  private shift(day: string, days: number): string {
    if (days === 0) return day;
    const key = `${day}\n${days}`;
    let date = this.shifted.get(key);
    if (date === undefined) this.shifted.set(key, (date = addDays(day, -days)));
    return date;
  }

  private on(day: string): string {
    return day === this.today ? "" : ` on ${day}`;
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** Half away from zero, on the decimal digits as written: round(1.005, 2) is 1.01. */
function roundTo(value: number, digits: number): number {
  if (/e/i.test(String(value))) return Math.round(value * 10 ** digits) / 10 ** digits;
  const shifted = Math.round(Number(`${Math.abs(value)}e${digits}`));
  return Math.sign(value) * Number(`${shifted}e-${digits}`);
}

function listDates(dates: readonly string[]): string {
  if (dates.length <= LISTED_DATES) return dates.join(", ");
  return `${dates.slice(0, LISTED_DATES).join(", ")} and ${dates.length - LISTED_DATES} more`;
}
