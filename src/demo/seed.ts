import { addDays } from "../dates.js";
import { evaluateDerived } from "../derived/evaluate.js";
import type { DerivedProgram } from "../derived/program.js";
import type { HistoryStore, Metrics } from "../types.js";
import { demoMetrics } from "./model.js";

/**
 * Fills `days` of past rows before `today`, as if the bot had run every day: the sources' numbers,
 * and the derived metrics of `program` as the daily run would have computed them.
 */
export async function seedDemoHistory(store: HistoryStore, today: string, days: number, program?: DerivedProgram): Promise<void> {
  const rows = new Map<string, Metrics>();
  for (let back = days; back >= 1; back--) {
    const date = addDays(today, -back);
    rows.set(date, demoMetrics(date));
    const derived = program ? evaluateDerived(program, date, rows).values : {};
    await store.upsert({ date, job: "daily", metrics: { ...demoMetrics(date), ...derived }, failures: [] });
  }
}
