import { describe, expect, it } from "@jest/globals";
import { addDays } from "../../src/dates.js";
import { buildWeeklyReport } from "../../src/report/build-report.js";
import { MemoryHistory } from "../helpers/memory-history.js";

const rows = (end: string, days: number) => Array.from({ length: days }, (_, i) => ({ date: addDays(end, -i), metrics: { USERS: 1000 - i } }));

describe("the weekly report's history reads", () => {
  it("answers the comparison from the sparkline range: one read in all", async () => {
    const history = new MemoryHistory(rows("2026-11-29", 60));
    const report = await buildWeeklyReport({ date: "2026-11-30", metrics: { USERS: 1100 } }, history);
    expect(history.calls.map((c) => c.method)).toEqual(["range"]);
    expect(report.comparisonDate).toBe("2026-11-16");
    expect(report.metrics[0]).toMatchObject({ previous: 987, delta: 113 });
  });

  it("falls back to the nearest earlier row within 7 days, from the range too", async () => {
    const history = new MemoryHistory(rows("2026-11-29", 60).filter((r) => r.date > "2026-11-16" || r.date < "2026-11-13"));
    const report = await buildWeeklyReport({ date: "2026-11-30", metrics: { USERS: 1100 } }, history);
    expect(report.comparisonDate).toBe("2026-11-12");
  });

  it("reads the comparison window apart when it reaches before the sparklines", async () => {
    const history = new MemoryHistory(rows("2026-11-29", 120));
    const report = await buildWeeklyReport({ date: "2026-11-30", metrics: { USERS: 1100 } }, history, { compareDays: 60, sparklineWeeks: 4 });
    expect(history.calls.map((c) => [c.method, ...c.args])).toEqual([
      ["range", "2026-11-03", "2026-11-30"],
      ["range", "2026-09-24", "2026-10-01"],
    ]);
    expect(report.comparisonDate).toBe("2026-10-01");
  });
});
