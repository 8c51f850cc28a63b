import { describe, expect, it } from "@jest/globals";
import { buildWeeklyReport } from "../../src/report/build-report.js";
import { renderReportText } from "../../src/destinations/discord/render-text.js";
import type { HistoryRow } from "../../src/types.js";
import { MemoryHistory } from "../helpers/memory-history.js";

const DATE = "2024-06-10"; // 14 days earlier is 2024-05-27; the window reaches back to 2024-05-20.

const lineOf = (report: Awaited<ReturnType<typeof buildWeeklyReport>>, name: string) => [report.northStar, ...report.metrics].find((m) => m?.name === name);

describe("the comparison skips rows without the metric", () => {
  // A run where every source failed still leaves the day's (empty) row, and so do markReportSent and markAlerted.
  const withEmptyTarget: HistoryRow[] = [
    { date: "2024-05-25", metrics: { mrr: 1500, users: 100 } },
    { date: "2024-05-27", metrics: {}, reportSent: true, alerted: ["shop"] },
  ];

  it("compares with the latest row that has values when the exact date's row is empty", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { mrr: 1620, users: 90 } }, new MemoryHistory(withEmptyTarget), { northStar: "mrr" });
    expect(report.comparisonDate).toBe("2024-05-25");
    expect(report.northStar).toMatchObject({ previous: 1500, delta: 120, comparisonDate: "2024-05-25" });
    expect(lineOf(report, "users")).toMatchObject({ previous: 100, delta: -10 });
    const text = renderReportText(report);
    expect(text).toContain("Compared with 2024-05-25 (16 days earlier, the nearest row before 14 days).");
    expect(text).toContain("1,620 ▲ +120 (+8.0%)");
    expect(text).not.toContain("n/a");
  });

  it("does the same when the window is read apart from the sparklines", async () => {
    const rows = withEmptyTarget.map((r) => ({ ...r, date: r.date === "2024-05-27" ? "2024-04-11" : "2024-04-09" }));
    const history = new MemoryHistory(rows);
    const report = await buildWeeklyReport({ date: DATE, metrics: { mrr: 1620 } }, history, { compareDays: 60, sparklineWeeks: 4 });
    expect(history.calls.map((c) => c.method)).toEqual(["range", "range"]);
    expect(report.comparisonDate).toBe("2024-04-09");
    expect(lineOf(report, "mrr")).toMatchObject({ previous: 1500 });
  });

  it("compares each metric with the latest row that has it, and dates the ones that differ", async () => {
    const history = new MemoryHistory([
      { date: "2024-05-22", metrics: { mrr: 1400, users: 80 } },
      { date: "2024-05-27", metrics: { mrr: 1500 } }, // users' source failed that day
    ]);
    const report = await buildWeeklyReport({ date: DATE, metrics: { mrr: 1620, users: 90 } }, history, { northStar: "mrr" });
    expect(report.comparisonDate).toBe("2024-05-27");
    expect(lineOf(report, "mrr")).toMatchObject({ previous: 1500, comparisonDate: "2024-05-27" });
    expect(lineOf(report, "users")).toMatchObject({ previous: 80, delta: 10, comparisonDate: "2024-05-22" });
    const text = renderReportText(report);
    expect(text).toContain(
      "Compared with 2024-05-27 (14 days earlier). A metric missing there is compared with the latest earlier row that has it, dated below.",
    );
    expect(text).toContain("was 80 on 2024-05-22");
    expect(text).toMatch(/was 1,500(?! on)/);
  });

  it("says there is nothing to compare with when the window holds only empty rows", async () => {
    const history = new MemoryHistory([{ date: "2024-05-27", metrics: {}, reportSent: true }]);
    const report = await buildWeeklyReport({ date: DATE, metrics: { mrr: 1620 } }, history, {});
    expect(report.comparisonDate).toBeUndefined();
    expect(report.baseline).toBe(true);
  });
});

describe("which metrics get a line", () => {
  const history = () => new MemoryHistory([{ date: "2024-05-27", metrics: { mrr: 1500, users: 100, "Hand typed": 7, budget: 40 } }]);

  it("leaves out a number column someone added to the history by hand", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { mrr: 1620, users: 90 } }, history(), {});
    expect(report.metrics.map((m) => m.name)).toEqual(["mrr", "users"]);
    expect(renderReportText(report)).not.toContain("Hand typed");
  });

  it("shows the declared metrics of a source that failed today as missing", async () => {
    const report = await buildWeeklyReport(
      { date: DATE, metrics: { mrr: 1620 }, failures: [{ source: "app", error: "layout changed", metrics: ["users", "signups"] }] },
      history(),
      {},
    );
    expect(report.metrics.map((m) => m.name)).toEqual(["mrr", "signups", "users"]);
    expect(lineOf(report, "users")).toMatchObject({ value: undefined, previous: 100 });
    expect(renderReportText(report)).toContain("n/a (no value this run)\n  was 100");
  });

  it("keeps a metric listed in the report's options that has a comparison value", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { mrr: 1620 } }, history(), { metrics: { budget: { label: "Budget" }, absent: {} } });
    expect(report.metrics.map((m) => m.name)).toEqual(["budget", "mrr"]);
  });
});

describe("large numbers", () => {
  it("keeps every digit of values and changes", async () => {
    const history = new MemoryHistory([{ date: "2024-05-27", metrics: { bytes: 1234567890000, revenue: 987654321000 } }]);
    const report = await buildWeeklyReport({ date: DATE, metrics: { bytes: 1234567890123, revenue: 987654321987.65 } }, history, {
      metrics: { revenue: { format: "currency" } },
    });
    expect(lineOf(report, "bytes")).toMatchObject({ delta: 123 });
    const text = renderReportText(report);
    expect(text).toContain("1,234,567,890,123 ▲ +123 (±0.0%)");
    expect(text).toContain("$987,654,321,987.65 ▲ +$987.65 (±0.0%)");
  });
});
