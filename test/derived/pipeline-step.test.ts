import { describe, expect, it } from "@jest/globals";
import { addDays } from "../../src/dates.js";
import { compileDerived } from "../../src/derived/program.js";
import { Pipeline } from "../../src/pipeline.js";
import type { HistoryRow, Source } from "../../src/types.js";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { summarizeRun } from "../../src/run-summary.js";
import { formatSnapshotTable } from "../../src/snapshot-table.js";
import { MemoryHistory } from "../helpers/memory-history.js";

const source = (metrics: Record<string, number>): Source => ({ name: "app", metricNames: Object.keys(metrics), collect: async () => metrics });
const daily = (end: string, days: number, metrics: (back: number) => Record<string, number>): HistoryRow[] =>
  Array.from({ length: days }, (_, i) => days - i).map((back) => ({ date: addDays(end, -back + 1), metrics: metrics(back) }));

describe("the derived step of the pipeline", () => {
  it("reads history once, for the longest look-back, before any destination writes", async () => {
    const history = new MemoryHistory(daily("2026-11-29", 100, () => ({ M: 1 })));
    const pipeline = new Pipeline({
      sources: [source({ M: 2 })],
      destinations: [history],
      derived: compileDerived({ W: { expr: "sum(M, 7)" }, G: { expr: "change(M, 90)" }, R: { expr: "M / 2" } }),
      now: () => new Date("2026-11-30T12:00:00Z"),
    });
    const result = await pipeline.process("daily");
    expect(result.snapshot.metrics).toEqual({ G: 1, M: 2, R: 1, W: 8 });
    expect(history.calls.map((c) => [c.method, ...c.args.filter((a) => typeof a === "string")])).toEqual([["range", "2026-09-01", "2026-11-30"], ["upsert"]]);
    expect(history.rows.get("2026-11-30")?.metrics).toEqual({ G: 1, M: 2, R: 1, W: 8 });
  });

  it("on a new deployment, a window reaching back before the history is not computed yet: no failure, no alert, said at INFO and in the run's last line", async () => {
    const history = new MemoryHistory(daily("2026-11-29", 2, () => ({ M: 1 })));
    const records: LogRecord[] = [];
    const pipeline = new Pipeline({
      sources: [source({ M: 2 })],
      destinations: [history],
      derived: compileDerived({ WEEK: { expr: "sum(M, 7)" }, TODAY_HALF: { expr: "M / 2" } }),
      now: () => new Date("2026-11-30T12:00:00Z"),
      logger: createLogger({ secrets: new Secrets(), sink: (r) => records.push(r) }),
    });
    const result = await pipeline.process("daily");
    expect(result.snapshot.metrics).toEqual({ M: 2, TODAY_HALF: 1 });
    expect(result.snapshot.failures).toEqual([]);
    expect(result.snapshot.derivedPending).toEqual(["WEEK"]);
    expect(history.rows.get("2026-11-30")?.metrics).toEqual({ M: 2, TODAY_HALF: 1 });
    expect(records.filter((r) => r.severity !== "INFO")).toEqual([]);
    expect(records.map((r) => r.message)).toContain(
      "derived metric WEEK not computed yet: the history does not reach back far enough (M missing on 2026-11-24, 2026-11-25, 2026-11-26, 2026-11-27)",
    );
    const summary = summarizeRun(result, 0);
    expect([summary.level, summary.message]).toEqual([
      "info",
      "daily 2026-11-30 done: 1 metric collected, 0 sources failed, 1 of 2 derived metrics computed (waiting for history: WEEK), 1/1 destinations written",
    ]);
    expect(summary.fields.derivedPending).toEqual(["WEEK"]);
    // A terminal shows only warnings: the dry run's table says it instead.
    expect(formatSnapshotTable(result.snapshot)).toContain(
      "Derived metrics not computed yet, the history does not reach back far enough (not a failure):\n  … WEEK\n",
    );
  });

  it("without derived metrics a run reads no history", async () => {
    const history = new MemoryHistory();
    await new Pipeline({ sources: [source({ M: 2 })], destinations: [history] }).process("daily", { date: "2026-11-30" });
    expect(history.calls.map((c) => c.method)).toEqual(["upsert"]);
  });

  it("windows are calendar days in the configured zone, across a change to summer time", async () => {
    // 22:30 UTC on March 29 is 00:30 on March 30 in Berlin, the night after clocks went forward.
    const history = new MemoryHistory(daily("2026-03-29", 10, (back) => ({ M: back })));
    const pipeline = new Pipeline({
      sources: [source({ M: 0 })],
      destinations: [history],
      timezone: "Europe/Berlin",
      derived: compileDerived({ WEEK: { expr: "sum(M, 7)" }, FIRST: { expr: "ago(M, 6)" } }),
      now: () => new Date("2026-03-29T22:30:00Z"),
    });
    const result = await pipeline.process("daily");
    expect(result.snapshot.date).toBe("2026-03-30");
    // March 24 … 30: 6 + 5 + 4 + 3 + 2 + 1 + 0.
    expect(result.snapshot.metrics).toMatchObject({ WEEK: 21, FIRST: 6 });
  });

  it("without a history store, metrics on today alone are computed and the others say why they are missing", async () => {
    const pipeline = new Pipeline({
      sources: [source({ M: 4 })],
      destinations: [],
      derived: compileDerived({ HALF: { expr: "M / 2" }, WEEK: { expr: "sum(M, 7)" } }),
    });
    const result = await pipeline.process("daily", { date: "2026-11-30" });
    expect(result.snapshot.metrics).toEqual({ HALF: 2, M: 4 });
    expect(result.snapshot.failures).toEqual([
      {
        source: "WEEK (derived)",
        error: "needs 6 day(s) of history, but there is no history store to read past days from; add a notion or file destination",
        metrics: ["WEEK"],
        derived: true,
      },
    ]);
  });

  it("a dry run computes them and writes nothing", async () => {
    const history = new MemoryHistory(daily("2026-11-29", 6, () => ({ M: 1 })));
    const pipeline = new Pipeline({ sources: [source({ M: 3 })], destinations: [history], derived: compileDerived({ WEEK: { expr: "sum(M, 7)" } }) });
    const result = await pipeline.process("daily", { date: "2026-11-30", dryRun: true });
    expect(result.snapshot.metrics).toEqual({ M: 3, WEEK: 9 });
    expect(history.calls.map((c) => c.method)).toEqual(["range"]);
  });

  it("a source that failed makes its derived metrics missing, each reported beside the source", async () => {
    const failing: Source = { name: "billing", metricNames: ["MRR"], collect: async () => Promise.reject(new Error("503")) };
    const pipeline = new Pipeline({ sources: [source({ USERS: 10 }), failing], destinations: [], derived: compileDerived({ ARPU: { expr: "MRR / USERS" } }) });
    const result = await pipeline.process("daily", { date: "2026-11-30" });
    expect(result.snapshot.metrics).toEqual({ USERS: 10 });
    expect(result.snapshot.failures.map((f) => [f.source, f.error])).toEqual([
      ["ARPU (derived)", "MRR missing on 2026-11-30"],
      ["billing", "503"],
    ]);
  });
});
