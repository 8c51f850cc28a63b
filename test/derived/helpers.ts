import { addDays } from "../../src/dates.js";
import { evaluateDerived, type DerivedOutcome } from "../../src/derived/evaluate.js";
import { compileDerived, type DerivedDefinition } from "../../src/derived/program.js";
import type { Metrics } from "../../src/types.js";

export const TODAY = "2026-11-30";

/** Days ending today: `series[name]` lists values oldest first, the last one today; `undefined` leaves a day out. */
export function daysOf(series: Record<string, readonly (number | undefined)[]>, today = TODAY): Map<string, Metrics> {
  const days = new Map<string, Metrics>();
  for (const [name, values] of Object.entries(series)) {
    values.forEach((value, i) => {
      const date = addDays(today, i - (values.length - 1));
      if (value === undefined) return;
      days.set(date, { ...days.get(date), [name]: value });
    });
  }
  return days;
}

/** Compiles `definitions` (plain `expr` strings or full entries) and evaluates them on `today`. */
export function evaluate(definitions: Record<string, string | DerivedDefinition>, days: Map<string, Metrics>, today = TODAY): DerivedOutcome {
  const full = Object.fromEntries(Object.entries(definitions).map(([name, d]) => [name, typeof d === "string" ? { expr: d } : d]));
  return evaluateDerived(compileDerived(full), today, days);
}
