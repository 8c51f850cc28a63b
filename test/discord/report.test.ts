import { describe, expect, it } from "@jest/globals";
import { buildWeeklyReport } from "../../src/report/build-report.js";
import { COLORS, reportColor } from "../../src/destinations/discord/embeds.js";
import { renderReportText } from "../../src/destinations/discord/render-text.js";
import { MemoryHistory } from "../helpers/memory-history.js";

const DATE = "2024-06-10";

function historyWith(metrics: Record<string, number>, date = "2024-05-27"): MemoryHistory {
  return new MemoryHistory([{ date, metrics }]);
}

describe("buildWeeklyReport: changes", () => {
  it("computes deltas, percentages and arrows, and a colour from the north star", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { mrr: 1620, users: 90, churn: 5 } }, historyWith({ mrr: 1500, users: 100, churn: 5 }), {
      northStar: "mrr",
    });
    expect(report.northStar).toMatchObject({ name: "mrr", value: 1620, previous: 1500, delta: 120, percent: 8, direction: "up", verdict: "better" });
    expect(report.metrics.map((m) => [m.name, m.delta, m.direction, m.verdict])).toEqual([
      ["churn", 0, "same", "same"],
      ["users", -10, "down", "worse"],
    ]);
    expect(reportColor(report)).toBe(COLORS.better);
    const text = renderReportText(report);
    expect(text).toContain("mrr: $1,620".replace("$", "")); // the default format is a plain number
    expect(text).toContain("1,620 ▲ +120 (+8.0%)");
    expect(text).toContain("90 ▼ -10 (-10.0%)");
    expect(text).toContain("5 = ±0 (±0.0%)");
  });

  it("inverts the verdict and the colour for lowerIsBetter", async () => {
    const history = historyWith({ churn: 4, cost: 100 });
    const options = { northStar: "churn", metrics: { churn: { lowerIsBetter: true, format: "percent" as const }, cost: { lowerIsBetter: true } } };
    const down = await buildWeeklyReport({ date: DATE, metrics: { churn: 3, cost: 120 } }, history, options);
    expect(down.northStar).toMatchObject({ direction: "down", verdict: "better" });
    expect(down.metrics[0]).toMatchObject({ name: "cost", direction: "up", verdict: "worse" });
    expect(reportColor(down)).toBe(COLORS.better);
    expect(renderReportText(down)).toContain("3% ▼ -1 pp (-25.0%)");
    const up = await buildWeeklyReport({ date: DATE, metrics: { churn: 5 } }, history, options);
    expect(reportColor(up)).toBe(COLORS.worse);
    const same = await buildWeeklyReport({ date: DATE, metrics: { churn: 4 } }, history, options);
    expect(reportColor(same)).toBe(COLORS.neutral);
  });

  it("reads float noise as no change", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { a: 0.1 + 0.2 } }, historyWith({ a: 0.3 }), {});
    expect(report.metrics[0]).toMatchObject({ delta: 0, direction: "same" });
  });

  it("measures a change from a negative value against its magnitude", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { profit: -50 } }, historyWith({ profit: -100 }), {});
    expect(report.metrics[0]).toMatchObject({ delta: 50, percent: 50, verdict: "better" });
  });

  it("writes n/a for a zero or missing baseline, never Infinity or NaN", async () => {
    const report = await buildWeeklyReport(
      // `removed` belongs to a source that failed this run.
      { date: DATE, metrics: { fromZero: 12, added: 7, gone: 0 }, failures: [{ source: "old", error: "down", metrics: ["removed"] }] },
      historyWith({ fromZero: 0, gone: 3, removed: 4 }),
      {},
    );
    const byName = Object.fromEntries(report.metrics.map((m) => [m.name, m]));
    expect(byName.fromZero).toMatchObject({ delta: 12, percent: undefined });
    expect([byName.added?.previous, byName.added?.delta, byName.added?.percent]).toEqual([undefined, undefined, undefined]);
    expect(byName.removed).toMatchObject({ value: undefined, previous: 4 });
    const text = renderReportText(report);
    expect(text).not.toMatch(/Infinity|NaN/);
    expect(text).toContain("12 ▲ +12 (n/a)");
    expect(text).toContain("7 (change n/a)\n  was n/a");
    expect(text).toContain("n/a (no value this run)\n  was 4");
    expect(text).toContain("0 ▼ -3 (-100.0%)");
  });

  it("lists configured metrics first in their order, then the rest by name, with labels", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { b: 1, a: 2, z: 3, y: 4 } }, new MemoryHistory(), {
      metrics: { z: { label: "Zeta" }, y: {} },
    });
    expect(report.metrics.map((m) => m.label)).toEqual(["Zeta", "y", "a", "b"]);
  });
});

describe("buildWeeklyReport: which row it compares with", () => {
  it("uses the row of exactly compareDays ago", async () => {
    const history = new MemoryHistory([
      { date: "2024-05-27", metrics: { a: 1 } },
      { date: "2024-05-26", metrics: { a: 2 } },
    ]);
    const report = await buildWeeklyReport({ date: DATE, metrics: { a: 3 } }, history, {});
    expect(report.comparisonDate).toBe("2024-05-27");
    expect(renderReportText(report)).toContain("Compared with 2024-05-27 (14 days earlier).");
  });

  it("falls back to the nearest earlier row within 7 more days, and says which", async () => {
    const history = new MemoryHistory([
      { date: "2024-05-18", metrics: { a: 1 } }, // 23 days: too old
      { date: "2024-05-22", metrics: { a: 2 } },
      { date: "2024-05-29", metrics: { a: 5 } }, // later than the target: never used
    ]);
    const report = await buildWeeklyReport({ date: DATE, metrics: { a: 3 } }, history, {});
    expect(report.comparisonDate).toBe("2024-05-22");
    expect(report.metrics[0]).toMatchObject({ previous: 2, delta: 1 });
    expect(renderReportText(report)).toContain("Compared with 2024-05-22 (19 days earlier, the nearest row before 14 days).");
  });

  it("honours compareDays", async () => {
    const history = new MemoryHistory([{ date: "2024-06-03", metrics: { a: 2 } }]);
    const report = await buildWeeklyReport({ date: DATE, metrics: { a: 3 } }, history, { compareDays: 7 });
    expect(report.comparisonDate).toBe("2024-06-03");
  });

  it("says the first report is a baseline", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { a: 3 } }, new MemoryHistory([{ date: DATE, metrics: { a: 3 } }]), {});
    expect(report.baseline).toBe(true);
    expect(renderReportText(report)).toContain("this report is the baseline");
  });

  it("says so when there is history but no row to compare with", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { a: 3 } }, historyWith({ a: 1 }, "2024-06-05"), {});
    expect(report.baseline).toBe(false);
    expect(report.comparisonDate).toBeUndefined();
    expect(renderReportText(report)).toContain("No row from the 14 to 21 days before to compare with.");
  });
});

describe("buildWeeklyReport: sparklines", () => {
  it("draws the last 8 weekly values from one range() call", async () => {
    const rows = Array.from({ length: 50 }, (_, i) => {
      const date = new Date(Date.UTC(2024, 3, 22 + i)).toISOString().slice(0, 10);
      return { date, metrics: { a: i } };
    });
    const history = new MemoryHistory(rows);
    const report = await buildWeeklyReport({ date: DATE, metrics: { a: 100 } }, history, {});
    expect(history.calls.filter((c) => c.method === "range")).toHaveLength(1);
    // 2024-04-22 + 49 days = 2024-06-10; weekly points at -49, -42, ... -7 days, then today.
    expect(report.metrics[0]?.weekly).toEqual([0, 7, 14, 21, 28, 35, 42, 100]);
    expect(renderReportText(report)).toContain("was 35 · ▁▁▂▂▃▃▄█");
  });
});
