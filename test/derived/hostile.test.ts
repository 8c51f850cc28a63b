import { describe, expect, it } from "@jest/globals";
import { loadConfig } from "../../src/config/load.js";
import { addDays } from "../../src/dates.js";
import { compileDerived, derivedIssues } from "../../src/derived/program.js";
import { Pipeline } from "../../src/pipeline.js";
import type { HistoryRow, Source } from "../../src/types.js";
import { MemoryHistory } from "../helpers/memory-history.js";
import { daysOf, evaluate, TODAY } from "./helpers.js";

const KNOWN = new Set(["MRR", "SIGNUPS"]);
const issuesOf = (expr: string) => derivedIssues({ X: { expr } }, KNOWN);

describe("derived metrics: hostile expressions are refused before anything runs", () => {
  it.each([
    ["constructor(1)", "unknown function constructor()"],
    ["__proto__(MRR, 7)", "unknown function __proto__()"],
    ["toString(MRR, 7)", "unknown function toString()"],
    ["MRR.x", '"MRR.x": properties are not allowed'],
    ["MRR[0]", '"MRR[0]": properties are not allowed'],
    ["this.MRR", '"this.MRR": properties are not allowed'],
    ["'MRR'", "'MRR' is not a number"],
    ["sum('MRR', 7)", "sum(): the first argument must be a metric name"],
    ["sum(MRR, '7')", "sum(MRR, N): days must be a whole number"],
    ["round(MRR, -1)", "round(x, digits): digits must be a whole number from 0 to 10"],
  ])("%s", (expr, message) => {
    const found = issuesOf(expr);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });

  it("__proto__ and constructor as metric names read as missing metrics, never as the object's own", () => {
    expect(evaluate({ X: "__proto__ + 1" }, daysOf({ MRR: [1] })).missing).toEqual([{ name: "X", reason: `__proto__ missing on ${TODAY}` }]);
    expect(issuesOf("__proto__ * 2")).toEqual([expect.stringContaining('unknown metric "__proto__"')]);
  });

  it("a cycle through three derived metrics is named once, as the chain", () => {
    expect(derivedIssues({ A: { expr: "B * 2" }, B: { expr: "ago(C, 1)" }, C: { expr: "avg(A, 7)" } }, KNOWN)).toEqual([
      "derived.A.expr: A depends on itself: A → B → C → A; break the cycle",
    ]);
  });

  it("derived metrics named like Object.prototype members are ordinary names", () => {
    const outcome = evaluate({ constructor: "MRR * 2", toString: "constructor + 1", valueOf: "sum(toString, 2)" }, daysOf({ MRR: [1, 2] }));
    expect(outcome.values).toEqual({ constructor: 4, toString: 5, valueOf: 8 });
    expect(outcome.missing).toEqual([]);
  });

  it("a derived metric named __proto__ is refused by the config, never set as a prototype", () => {
    const yaml = `sources:\n  - { name: app, type: json, url: "http://127.0.0.1:1/x", metrics: { MRR: "$.mrr" } }\nderived:\n  __proto__: { expr: "MRR * 2" }\n`;
    expect(() => loadConfig(yaml, {})).toThrow(/__proto__/);
  });

  it.each([
    ["date", "the date column of the file store"],
    ["Date", "the date column of the notion store"],
    ["alerted", "a column every history store keeps"],
  ])("a derived metric named %s, a history store's own column, is refused", (name, owner) => {
    const yaml = `sources:\n  - { name: app, type: json, url: "http://127.0.0.1:1/x", metrics: { MRR: { path: mrr } } }\nderived:\n  ${name}: { expr: "MRR * 2" }\n`;
    expect(() => loadConfig(yaml, {})).toThrow(`derived.${name}: the metric name "${name}" is ${owner}`);
  });

  it("a whole number above 10^15 comes out exactly as it went in, not cut to 15 digits", () => {
    const big = 1_234_567_890_123_456;
    expect(evaluate({ SAME: "M * 1", SUM: "sum(M, 2)" }, daysOf({ M: [big, big] })).values).toEqual({ SAME: big, SUM: 2 * big });
  });

  it("pct_change from 0 is missing with its reason; from 0 to 0 too", () => {
    expect(evaluate({ G: "pct_change(MRR, 1)" }, daysOf({ MRR: [0, 10] })).missing).toEqual([{ name: "G", reason: "MRR is 0 on 2026-11-29" }]);
    expect(evaluate({ G: "pct_change(MRR, 1)" }, daysOf({ MRR: [0, 0] })).missing).toEqual([{ name: "G", reason: "MRR is 0 on 2026-11-29" }]);
  });
});

describe("derived metrics: a 90-day window across both changes of clock", () => {
  const source = (metrics: Record<string, number>): Source => ({ name: "app", metricNames: Object.keys(metrics), collect: async () => metrics });

  it("counts exactly 90 calendar days in the zone, whatever the length of the days in between", async () => {
    // Run on 2026-12-01 at 00:30 in New York (05:30 UTC); the 90 days reach back to 2026-09-03, across 2026-11-01 (clocks back).
    const today = "2026-12-01";
    const rows: HistoryRow[] = Array.from({ length: 120 }, (_, i) => ({ date: addDays(today, -120 + i), metrics: { M: 1 } }));
    const history = new MemoryHistory(rows);
    const pipeline = new Pipeline({
      sources: [source({ M: 1 })],
      destinations: [history],
      timezone: "America/New_York",
      derived: compileDerived({ Q: { expr: "sum(M, 90)" }, FIRST: { expr: "ago(M, 89)" }, BEFORE: { expr: "change(M, 90)" } }),
      now: () => new Date("2026-12-01T05:30:00Z"),
    });
    const result = await pipeline.process("daily");
    expect(result.snapshot.date).toBe(today);
    expect(result.snapshot.metrics).toMatchObject({ Q: 90, FIRST: 1, BEFORE: 0 });
    // One day missing inside the window, on the day the clocks went back, is named by its date.
    history.rows.delete("2026-11-01");
    const again = await pipeline.process("daily");
    expect(again.snapshot.failures.find((f) => f.source === "Q (derived)")?.error).toBe("M missing on 2026-11-01");
  });
});
