import { addDays } from "../../src/dates.js";
import type { MetricLine, WeeklyReport } from "../../src/report/build-report.js";
import type { HistoryRow } from "../../src/types.js";

export const DATE = "2026-11-30";

export function line(name: string, over: Partial<MetricLine> = {}): MetricLine {
  return { name, label: name, format: "number", lowerIsBetter: false, verdict: "unknown", weekly: [], ...over };
}

export function report(over: Partial<WeeklyReport> = {}): WeeklyReport {
  return { date: DATE, compareDays: 14, comparisonDate: addDays(DATE, -14), baseline: false, currency: "USD", metrics: [], failures: [], ...over };
}

/** `days` rows ending the day before `DATE`, each metric's value from `value(name, dayIndex)`. */
export function rows(names: string[], days: number, value: (name: string, i: number) => number | undefined): HistoryRow[] {
  return Array.from({ length: days }, (_, i) => {
    const metrics: Record<string, number> = {};
    for (const name of names) {
      const v = value(name, i);
      if (v !== undefined) metrics[name] = v;
    }
    return { date: addDays(DATE, i - days), metrics };
  });
}
