import { describe, expect, it } from "@jest/globals";
import { ConfigError } from "../../src/errors.js";
import { Secrets } from "../../src/log/secrets.js";
import { Pipeline, type ProgressEvent } from "../../src/pipeline.js";
import type { Destination, Snapshot, Source } from "../../src/types.js";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileHistory } from "../../src/destinations/file.js";

const source = (name: string, metrics: Record<string, number>, delayMs = 0): Source => ({
  name,
  metricNames: Object.keys(metrics),
  collect: () => new Promise((resolve) => setTimeout(() => resolve(metrics), delayMs).unref()),
});
/** A source that doesn't declare `metricNames`, as TypeScript sources may. */
const undeclared = (name: string, metrics: Record<string, number>, delayMs = 0): Source => ({ ...source(name, metrics, delayMs), metricNames: undefined });
const failing = (name: string, message: string): Source => ({ name, collect: async () => Promise.reject(new Error(message)) });
const recorder = (name: string, seen: Snapshot[], fail?: string): Destination => ({
  name,
  write: async (snapshot) => {
    if (fail) throw new Error(fail);
    seen.push(snapshot);
  },
});
/** Sources that record how many of them ran at once. */
function trackedSources() {
  let running = 0;
  let peak = 0;
  const one = (i: number): Source => ({
    name: `s${i}`,
    collect: async () => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return { [`M${i}`]: i };
    },
  });
  return { make: (n: number) => Array.from({ length: n }, (_, i) => one(i)), peak: () => peak };
}
const fixedNow = () => new Date("2026-11-29T23:30:00Z");

describe("Pipeline", () => {
  it("fans sources in to one dated snapshot and out to every destination", async () => {
    const a: Snapshot[] = [];
    const b: Snapshot[] = [];
    const pipeline = new Pipeline({
      sources: [source("one", { B: 2 }), source("two", { A: 1 })],
      destinations: [recorder("a", a), recorder("b", b)],
      now: fixedNow,
    });
    const result = await pipeline.process("daily");
    expect(result.ok).toBe(true);
    expect(a).toEqual([{ date: "2026-11-29", job: "daily", metrics: { A: 1, B: 2 }, failures: [] }]);
    expect(b).toEqual(a);
  });

  it("never dates a run after today in its zone: a future date (a message's, a library caller's) writes nothing", async () => {
    const seen: Snapshot[] = [];
    const pipeline = new Pipeline({ sources: [source("one", { A: 1 })], destinations: [recorder("a", seen)], now: fixedNow, timezone: "Asia/Tokyo" });
    // Already 2026-11-30 in Tokyo, while still the 29th in UTC.
    expect(pipeline.runDate("2026-11-30")).toBe("2026-11-30");
    await expect(pipeline.process("daily", { date: "2026-12-01" })).rejects.toThrow(
      new ConfigError(["date: 2026-12-01 is after today (2026-11-30 in Asia/Tokyo); a run is never dated in the future"]),
    );
    expect(seen).toEqual([]);
  });

  it("dates the run in the configured time zone, and --date overrides it", async () => {
    const pipeline = new Pipeline({ sources: [], destinations: [], now: fixedNow, timezone: "Asia/Tokyo" });
    expect((await pipeline.collect("daily")).date).toBe("2026-11-30");
    expect((await pipeline.collect("daily", { date: "2026-01-15" })).date).toBe("2026-01-15");
    await expect(pipeline.collect("daily", { date: "2026-02-30" })).rejects.toThrow(/not a date/);
  });

  it("tells each source the run date and its time zone, so periods end on the day the row is for", async () => {
    const seen: string[] = [];
    const dated: Source = { name: "dated", collect: async ({ date, timezone }) => (seen.push(`${date} ${timezone}`), { D: 1 }) };
    const pipeline = new Pipeline({ sources: [dated], destinations: [], now: fixedNow, timezone: "Asia/Tokyo" });
    await pipeline.collect("daily");
    await pipeline.collect("daily", { date: "2026-01-15" });
    expect(seen).toEqual(["2026-11-30 Asia/Tokyo", "2026-01-15 Asia/Tokyo"]);
  });

  it("a failing source never stops the others; its metrics are absent, not 0", async () => {
    const pipeline = new Pipeline({ sources: [failing("broken", "page changed"), source("ok", { A: 5 })], destinations: [] });
    const snapshot = await pipeline.collect("daily");
    expect(snapshot.metrics).toEqual({ A: 5 });
    expect(snapshot.failures).toEqual([{ source: "broken", error: "page changed" }]);
  });

  it("a source slower than its timeout fails alone", async () => {
    const slow: Source = { ...source("slow", { S: 1 }, 5_000), timeoutMs: 50 };
    const snapshot = await new Pipeline({ sources: [slow, source("fast", { F: 1 })], destinations: [] }).collect("daily");
    expect(snapshot.metrics).toEqual({ F: 1 });
    expect(snapshot.failures[0]).toEqual({ source: "slow", error: "timed out after 50 ms", metrics: ["S"] });
  });

  it("rejects non-numeric metric values from a custom source", async () => {
    const bad: Source = { name: "bad", collect: async () => ({ X: Number.NaN }) };
    const snapshot = await new Pipeline({ sources: [bad], destinations: [] }).collect("daily");
    expect(snapshot.failures[0]?.error).toMatch(/X is not a finite number/);
  });

  it("runs at most `concurrency` sources at once", async () => {
    const tracked = trackedSources();
    const snapshot = await new Pipeline({ sources: tracked.make(10), destinations: [], concurrency: 3 }).collect("daily");
    expect(Object.keys(snapshot.metrics)).toHaveLength(10);
    expect(tracked.peak()).toBe(3);
  });

  it("runs 8 sources at once by default, and applies the pipeline-wide source timeout", async () => {
    const tracked = trackedSources();
    await new Pipeline({ sources: tracked.make(20), destinations: [] }).collect("daily");
    expect(tracked.peak()).toBe(8);
    const slow = source("slow", { S: 1 }, 5_000);
    const snapshot = await new Pipeline({ sources: [slow], destinations: [], sourceTimeoutMs: 50 }).collect("daily");
    expect(snapshot.failures).toEqual([{ source: "slow", error: "timed out after 50 ms", metrics: ["S"] }]);
  });

  it("a failing destination doesn't block another, and the result says which failed", async () => {
    const seen: Snapshot[] = [];
    const pipeline = new Pipeline({ sources: [source("s", { A: 1 })], destinations: [recorder("down", [], "503 from upstream"), recorder("up", seen)] });
    const result = await pipeline.process("daily");
    expect(result.ok).toBe(false);
    expect(seen).toHaveLength(1);
    expect(result.destinations.map(({ destination, ok, error }) => ({ destination, ok, error }))).toEqual([
      { destination: "down", ok: false, error: "503 from upstream" },
      { destination: "up", ok: true, error: undefined },
    ]);
  });

  it("only writes to destinations subscribed to the job", async () => {
    const weekly: Snapshot[] = [];
    const pipeline = new Pipeline({ sources: [], destinations: [{ ...recorder("weekly", weekly), jobs: ["weekly-report"] }] });
    await pipeline.process("daily");
    expect(weekly).toHaveLength(0);
    await pipeline.process("weekly-report");
    expect(weekly).toHaveLength(1);
  });

  it("writes the history store before the destinations that read it", async () => {
    const history = new FileHistory({ type: "file", path: join(await mkdtemp(join(tmpdir(), "kpi-p-")), "h.csv") });
    let seenByReader: unknown;
    const reader: Destination = { name: "reader", write: async (snapshot, ctx) => void (seenByReader = await ctx.history?.get(snapshot.date)) };
    const result = await new Pipeline({ sources: [source("s", { A: 9 })], destinations: [reader, history], now: fixedNow }).process("daily");
    expect(result.ok).toBe(true);
    expect(seenByReader).toMatchObject({ date: "2026-11-29", metrics: { A: 9 } });
  });

  it("writes every history store before the other destinations, not only the default one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kpi-p-"));
    const main = new FileHistory({ type: "file", name: "main", path: join(dir, "main.csv") });
    const other = new FileHistory({ type: "file", name: "other", path: join(dir, "other.csv") });
    let seenInOther: unknown;
    // Like a discord destination whose `history` names the second store.
    const reader: Destination = { name: "reader", write: async (snapshot) => void (seenInOther = await other.get(snapshot.date)) };
    const result = await new Pipeline({ sources: [source("s", { A: 9 })], destinations: [reader, main, other], now: fixedNow }).process("daily");
    expect(result.ok).toBe(true);
    expect(seenInOther).toMatchObject({ date: "2026-11-29", metrics: { A: 9 } });
  });

  it("dry run collects but writes nothing", async () => {
    const seen: Snapshot[] = [];
    const result = await new Pipeline({ sources: [source("s", { A: 1 })], destinations: [recorder("d", seen)] }).process("daily", { dryRun: true });
    expect(result.snapshot.metrics).toEqual({ A: 1 });
    expect(seen).toHaveLength(0);
  });

  it("--only runs the named sources and rejects unknown names", async () => {
    const pipeline = new Pipeline({ sources: [source("a", { A: 1 }), source("b", { B: 1 })], destinations: [] });
    expect((await pipeline.collect("daily", { only: ["b"] })).metrics).toEqual({ B: 1 });
    await expect(pipeline.collect("daily", { only: ["c"] })).rejects.toThrow(/no source named "c"/);
  });

  it("refuses the same metric name from two sources", () => {
    expect(() => new Pipeline({ sources: [source("a", { X: 1 }), source("b", { X: 2 })], destinations: [] })).toThrow(ConfigError);
  });

  it("redacts secrets from failure reasons", async () => {
    const secrets = new Secrets().add("hunter22");
    const snapshot = await new Pipeline({ sources: [failing("s", "login with hunter22 failed")], destinations: [], secrets }).collect("daily");
    expect(snapshot.failures[0]?.error).toBe("login with [redacted] failed");
  });

  describe("metric names are unique at run time too", () => {
    it.each([
      ["the first finishes first", 0, 200],
      ["the first finishes last", 200, 0],
    ])("the later of two sources returning the same name fails, naming both (%s)", async (_, delayA, delayB) => {
      const events: ProgressEvent[] = [];
      const sources = [undeclared("a", { USERS: 1, A: 1 }, delayA), undeclared("b", { USERS: 2, B: 2 }, delayB)];
      const snapshot = await new Pipeline({ sources, destinations: [], onProgress: (e) => events.push(e) }).collect("daily");
      expect(snapshot.metrics).toEqual({ A: 1, USERS: 1 });
      expect(snapshot.failures).toEqual([{ source: "b", error: expect.stringMatching(/^USERS is also produced by source "a"; .*"b"/) }]);
      expect(events.filter((e) => "source" in e && e.source === "b").at(-1)).toMatchObject({ type: "source-failed", source: "b" });
    });

    it("a name returned beyond a source's metricNames belongs to the source that declares it", async () => {
      const extra: Source = { ...source("a", { A: 1 }), collect: async () => ({ A: 1, B: 9 }) };
      const snapshot = await new Pipeline({ sources: [extra, source("b", { B: 2 }, 50)], destinations: [] }).collect("daily");
      expect(snapshot.metrics).toEqual({ B: 2 });
      expect(snapshot.failures).toEqual([{ source: "a", error: expect.stringMatching(/^B is also produced by source "b"; /) }]);
    });

    it("a source left out claims none of its names", async () => {
      const sources = [undeclared("a", { X: 1 }), undeclared("b", { X: 2, Y: 2 }), undeclared("c", { Y: 3 })];
      const snapshot = await new Pipeline({ sources, destinations: [] }).collect("daily");
      expect(snapshot.metrics).toEqual({ X: 1, Y: 3 });
      expect(snapshot.failures.map((f) => f.source)).toEqual(["b"]);
    });
  });
});
