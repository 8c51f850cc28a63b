import { describe, expect, it } from "@jest/globals";
import { daysOf, evaluate, TODAY } from "./helpers.js";

// Seven days ending on TODAY (2026-11-30): 2026-11-24 … 2026-11-30.
const week = daysOf({ SIGNUPS: [10, 20, 30, 40, 50, 60, 70], DAU: [5, 5, 5, 5, 5, 5, 30], MAU: [100, 100, 100, 100, 100, 100, 120] });

const value = (expr: string, days = week) => {
  const outcome = evaluate({ X: expr }, days);
  if (outcome.missing.length) throw new Error(`X is missing: ${outcome.missing[0]?.reason}`);
  return outcome.values.X;
};
const reason = (expr: string, days = week) => evaluate({ X: expr }, days).missing.find((m) => m.name === "X")?.reason;

describe("derived metrics: arithmetic", () => {
  it.each([
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["10 - 4 - 3", 3],
    ["8 / 4 / 2", 1],
    ["2 * -3", -6],
    ["-DAU + 1", -29],
    ["+DAU", 30],
    ["DAU / MAU * 100", 25],
    ["DAU / (MAU * 100)", 0.0025],
    ["0.1 + 0.2", 0.3],
    ["1e3 / 8", 125],
  ])("%s = %p", (expr, expected) => {
    expect(value(expr)).toBe(expected);
  });
});

describe("derived metrics: functions", () => {
  it.each([
    ["sum(SIGNUPS, 7)", 280],
    ["sum(SIGNUPS, 1)", 70],
    ["avg(SIGNUPS, 4)", 55],
    ["min(SIGNUPS, 3)", 50],
    ["max(DAU, 7)", 30],
    ["ago(SIGNUPS, 6)", 10],
    ["change(SIGNUPS, 2)", 20],
    ["pct_change(MAU, 1)", 20],
    ["pct_change(SIGNUPS, 6)", 600],
    ["round(10 / 3, 2)", 3.33],
    ["round(1.005, 2)", 1.01],
    ["round(2.5)", 3],
    ["round(-2.5)", -3],
    ["round(sum(SIGNUPS, 7) / 7)", 40],
    ["sum(SIGNUPS, 7) - avg(SIGNUPS, 7) * 7", 0],
  ])("%s = %p", (expr, expected) => {
    expect(value(expr)).toBe(expected);
  });

  it("pct_change is against |previous|, as the report's changes are", () => {
    expect(value("pct_change(LOSS, 1)", daysOf({ LOSS: [-100, -50] }))).toBe(50);
  });
});

describe("derived metrics: exact, never guessed", () => {
  it("a division by a metric that is 0 names the metric", () => {
    const outcome = evaluate({ STICKINESS: "DAU / MONTHLY_ACTIVE_USERS * 100" }, daysOf({ DAU: [3], MONTHLY_ACTIVE_USERS: [0] }));
    expect(outcome.values).toEqual({});
    expect(outcome.missing).toEqual([{ name: "STICKINESS", reason: "MONTHLY_ACTIVE_USERS is 0" }]);
  });

  it("a division by an expression that is 0 quotes it", () => {
    expect(reason("DAU / (MAU - 120)")).toBe("MAU - 120 is 0");
  });

  it("a missing input today names it and the day", () => {
    expect(reason("DAU / CHURN")).toBe(`CHURN missing on ${TODAY}`);
  });

  it("a window with missing days lists them", () => {
    const days = daysOf({ SIGNUPS: [1, 2, 3, 4, undefined, undefined, 7] });
    expect(reason("sum(SIGNUPS, 7)", days)).toBe("SIGNUPS missing on 2026-11-28, 2026-11-29");
    // A shorter window that skips the gap is fine.
    expect(value("sum(SIGNUPS, 1)", days)).toBe(7);
  });

  it("a long list of missing days is cut after five", () => {
    expect(reason("sum(SIGNUPS, 30)")).toBe("SIGNUPS missing on 2026-11-01, 2026-11-02, 2026-11-03, 2026-11-04, 2026-11-05 and 18 more");
  });

  it("ago, change and pct_change need the exact day N days earlier", () => {
    const days = daysOf({ MRR: [100, undefined, 120] });
    expect(reason("ago(MRR, 1)", days)).toBe("MRR missing on 2026-11-29");
    expect(reason("change(MRR, 1)", days)).toBe("MRR missing on 2026-11-29");
    expect(value("change(MRR, 2)", days)).toBe(20);
    expect(reason("pct_change(MRR, 2)", daysOf({ MRR: [0, 5, 120] }))).toBe("MRR is 0 on 2026-11-28");
  });

  it("a result that is not finite is missing, never Infinity", () => {
    expect(reason("1e308 * 10")).toBe("the result is not finite");
  });

  it("minCoverage lets a window stand on part of its days, and says so", () => {
    const signups = Array.from({ length: 28 }, (_, i) => (i === 3 || i === 9 || i === 15 ? undefined : 10 + i));
    const days = daysOf({ SIGNUPS: signups });
    const outcome = evaluate({ AVG_28: { expr: "avg(SIGNUPS, 28)", minCoverage: 0.85 }, FULL: "avg(SIGNUPS, 28)" }, days);
    const present = signups.filter((v): v is number => v !== undefined);
    expect(outcome.values.AVG_28).toBeCloseTo(present.reduce((a, b) => a + b, 0) / 25, 12);
    expect(outcome.notes).toEqual({ AVG_28: "avg over 25 of 28 days" });
    expect(outcome.missing.map((m) => m.name)).toEqual(["FULL"]);
  });

  it("minCoverage below the days present is refused with the count", () => {
    const days = daysOf({ SIGNUPS: [1, undefined, undefined, 4] });
    const outcome = evaluate({ S: { expr: "sum(SIGNUPS, 4)", minCoverage: 0.75 } }, days);
    expect(outcome.missing).toEqual([{ name: "S", reason: "SIGNUPS missing on 2026-11-28, 2026-11-29; 2 of 4 days have a value, minCoverage 0.75 needs 3" }]);
  });
});

describe("derived metrics: using other derived metrics", () => {
  it("a derived input is computed first, whatever the declaration order", () => {
    const outcome = evaluate({ PERCENT: "RATIO * 100", RATIO: "DAU / MAU" }, week);
    expect(outcome.values).toEqual({ RATIO: 0.25, PERCENT: 25 });
  });

  it("a window over a derived metric recomputes it on each past day", () => {
    // DAU / MAU on the seven days: 0.05 six times, then 30 / 120 = 0.25.
    expect(evaluate({ RATIO: "DAU / MAU", AVG: "avg(RATIO, 7)" }, week).values.AVG).toBeCloseTo((6 * 0.05 + 0.25) / 7, 12);
  });

  it("a derived input missing on a past day names it, the day and why", () => {
    const days = daysOf({ DAU: [5, 5, 30], MAU: [100, 0, 120] });
    const outcome = evaluate({ RATIO: "DAU / MAU", S: "sum(RATIO, 3)", WAS: "ago(RATIO, 1)" }, days);
    expect(outcome.values.RATIO).toBe(0.25);
    expect(outcome.missing).toEqual([
      { name: "S", reason: "RATIO missing on 2026-11-29 (MAU is 0 on 2026-11-29)" },
      { name: "WAS", reason: "RATIO missing on 2026-11-29 (MAU is 0 on 2026-11-29)" },
    ]);
  });

  it("a metric missing today makes everything built on it missing", () => {
    const outcome = evaluate({ RATIO: "DAU / MAU", PERCENT: "RATIO * 100" }, daysOf({ DAU: [5], MAU: [0] }));
    expect(outcome.values).toEqual({});
    expect(outcome.missing.map((m) => [m.name, m.reason])).toEqual([
      ["RATIO", "MAU is 0"],
      ["PERCENT", "MAU is 0"],
    ]);
  });
});

describe("derived metrics: JavaScript builtin names are just metrics nobody has", () => {
  it.each(["constructor", "toString", "hasOwnProperty", "valueOf"])("%s reads as missing, not as a function of Object.prototype", (name) => {
    expect(reason(`${name} + 1`)).toBe(`${name} missing on ${TODAY}`);
    expect(reason(`sum(${name}, 2)`)).toBe(`${name} missing on 2026-11-29, ${TODAY}`);
  });
});

describe("derived metrics: a history that does not reach back far enough yet", () => {
  const before = (expr: string, days: Map<string, Record<string, number>>) => evaluate({ X: expr }, days).missing.find((m) => m.name === "X");

  it("is told apart from a gap: only days before an input's first stored value were missing", () => {
    // A new deployment: three days of SIGNUPS.
    const young = daysOf({ SIGNUPS: [10, 20, 30] });
    for (const expr of ["avg(SIGNUPS, 7)", "pct_change(SIGNUPS, 7)", "ago(SIGNUPS, 5)", "sum(SIGNUPS, 7) / 2"]) {
      expect({ expr, missing: before(expr, young) }).toEqual({ expr, missing: expect.objectContaining({ beforeHistory: true }) });
    }
    // Within the history that there is, it is computed.
    expect(evaluate({ X: "sum(SIGNUPS, 3)" }, young).values).toEqual({ X: 60 });
  });

  it("a day missing after the first stored value, today's value missing, or an input never stored is a plain miss", () => {
    const gap = daysOf({ SIGNUPS: [5, undefined, undefined, 10, 20, 30, 40] });
    const todayMissing = daysOf({ SIGNUPS: [10, 20, 30, undefined], DAU: [1, 1, 1, 1] });
    for (const [expr, days] of [
      ["avg(SIGNUPS, 7)", gap],
      ["ago(SIGNUPS, 4)", gap],
      ["change(SIGNUPS, 1)", todayMissing],
      ["sum(NEVER, 3)", todayMissing],
      ["DAU / 0", todayMissing],
    ] as const) {
      const missing = before(expr, days);
      expect({ expr, missing }).toEqual({ expr, missing: expect.objectContaining({ name: "X" }) });
      expect({ expr, beforeHistory: missing?.beforeHistory }).toEqual({ expr, beforeHistory: undefined });
    }
  });

  it("a derived input on a day before its inputs' history passes the flag on", () => {
    const young = daysOf({ DAU: [5, 5, 5], MAU: [100, 100, 100] });
    const outcome = evaluate({ RATIO: "DAU / MAU", X: "pct_change(RATIO, 7)" }, young);
    expect(outcome.values).toEqual({ RATIO: 0.05 });
    expect(outcome.missing).toEqual([{ name: "X", reason: expect.stringContaining("RATIO missing on 2026-11-23"), beforeHistory: true }]);
  });
});
