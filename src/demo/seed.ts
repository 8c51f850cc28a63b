import { addDays } from "../dates.js";
import type { HistoryStore } from "../types.js";
import { demoMetrics } from "./model.js";

/** Fills `days` of past rows before `today`, as if the bot had run every day. */
export async function seedDemoHistory(store: HistoryStore, today: string, days: number): Promise<void> {
  for (let back = days; back >= 1; back--) {
    const date = addDays(today, -back);
    await store.upsert({ date, job: "daily", metrics: demoMetrics(date), failures: [] });
  }
}
