import { describe, expect, it } from "@jest/globals";
import { addDays } from "../../src/dates.js";
import { buildWeeklyReport } from "../../src/report/build-report.js";
import type { HistoryRow } from "../../src/types.js";
import { MemoryHistory } from "../helpers/memory-history.js";

const DATE = "2026-11-30";
/** 56 days ending on DATE (the block's two 28-day windows); `value(back)` for each, undefined leaves the day out. */
function rows(value: (back: number) => number | undefined): HistoryRow[] {
  return Array.from({ length: 56 }, (_, i) => 55 - i).flatMap((back) => {
    const v = value(back);
    return v === undefined ? [] : [{ date: addDays(DATE, -back), metrics: { SIGNUPS: v } }];
  });
}
async function block(history: HistoryRow[], aggregate?: "sum" | "avg" | "last", lowerIsBetter = false) {
  const today = history.find((r) => r.date === DATE)?.metrics ?? {};
  const report = await buildWeeklyReport({ date: DATE, metrics: today }, new MemoryHistory(history), {
    northStar: "SIGNUPS",
    northStarAggregate: aggregate,
    declared: { SIGNUPS: { lowerIsBetter } },
  });
  return report.northStarBlock;
}

describe("the North Star block of the report model", () => {
  it("sums the 7 and 28 days against the windows before them", async () => {
    // back 0..6: 10 a day; 7..13: 8 a day; 14..27: 5; 28..55: 4.
    const b = await block(
      rows((back) => (back < 7 ? 10 : back < 14 ? 8 : back < 28 ? 5 : 4)),
      "sum",
    );
    expect(b?.views).toEqual([
      expect.objectContaining({
        days: 7,
        from: "2026-11-24",
        to: DATE,
        previousFrom: "2026-11-17",
        previousTo: "2026-11-23",
        value: 70,
        previous: 56,
        delta: 14,
        percent: 25,
        direction: "up",
        verdict: "better",
      }),
      expect.objectContaining({
        days: 28,
        from: "2026-11-03",
        previousTo: "2026-11-02",
        value: 70 + 56 + 70,
        previous: 112,
        delta: 84,
        percent: 75,
        verdict: "better",
      }),
    ]);
    expect(b?.trend).toEqual({ kind: "rising", verdict: "better", text: "Rising: up on the 7 days (+25.0%) and up on the 28 days (+75.0%)." });
  });

  it("averages, and a fall of a lower-is-better metric is good news", async () => {
    // 7 days of 2 against 7 of 4; 7 of 2 and 21 of 4 (3.5) against 28 of 4.
    const b = await block(
      rows((back) => (back < 7 ? 2 : 4)),
      "avg",
      true,
    );
    expect(b?.views.map((v) => [v.value, v.previous, v.verdict])).toEqual([
      [2, 4, "better"],
      [3.5, 4, "better"],
    ]);
    expect(b?.trend.kind).toBe("falling");
    expect(b?.trend.verdict).toBe("better");
  });

  it("last takes the value on each window's last day, by default", async () => {
    const b = await block(rows((back) => 100 - back));
    expect(b?.aggregate).toBe("last");
    expect(b?.views.map((v) => [v.value, v.previous])).toEqual([
      [100, 93],
      [100, 72],
    ]);
  });

  it("a window short of a day has no value, with the reason; never a partial sum", async () => {
    const b = await block(
      rows((back) => (back === 9 ? undefined : 1)),
      "sum",
    );
    expect(b?.views[0]).toMatchObject({ value: 7, previous: undefined, verdict: "unknown", missing: "values on 6 of 7 days from 2026-11-17 to 2026-11-23" });
    expect(b?.views[1]).toMatchObject({ value: undefined, missing: "values on 27 of 28 days from 2026-11-03 to 2026-11-30" });
    expect(b?.trend).toEqual({ kind: "unknown", verdict: "unknown", text: "Not enough history yet to compare the 7-day or 28-day windows." });
  });

  it("mixed directions read as mixed", async () => {
    // 35 against 28 on the week; 35 + 28 + 14 = 77 against 560 on the 28 days.
    const b = await block(
      rows((back) => (back < 7 ? 5 : back < 14 ? 4 : back < 28 ? 1 : 20)),
      "sum",
    );
    expect(b?.trend).toMatchObject({ kind: "mixed", verdict: "unknown", text: "Mixed: up on the 7 days (+25.0%), down on the 28 days (-86.3%)." });
  });

  it("reads the 56 days in the report's one range read", async () => {
    const history = new MemoryHistory(rows(() => 1));
    await buildWeeklyReport({ date: DATE, metrics: { SIGNUPS: 1 } }, history, { northStar: "SIGNUPS", sparklineWeeks: 2 });
    expect(history.calls.filter((c) => c.method === "range")).toEqual([{ method: "range", args: [addDays(DATE, -55), DATE] }]);
  });
});
