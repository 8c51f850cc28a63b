import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { HistoryRow, HistoryStore, Metrics, Snapshot } from "../../src/types.js";

/** One history store under test, opened empty. */
export interface HistoryStoreFixture {
  store: HistoryStore;
  /** Another handle on the same data, as the next run or another process opens it (the store itself where the data lives in one object). */
  reopen(): HistoryStore;
  /** Writes rows as a history from before `Reported to` holds them: the legacy `Report sent` mark set. */
  seedLegacy(rows: { date: string; metrics: Metrics }[]): Promise<void>;
  close(): Promise<void>;
}

/** What only some stores promise; a test of a promise not made is listed as skipped. */
export interface HistoryStorePromises {
  /** Two handles (two processes) may write at once and nothing is lost: the file store's lock. */
  concurrentHandles?: boolean;
}

const snapshot = (date: string, metrics: Metrics): Snapshot => ({ date, job: "daily", metrics, failures: [] });
const row = (date: string, metrics: Metrics, extra: Partial<HistoryRow> = {}): HistoryRow => ({ date, metrics, ...extra });

/**
 * The contract every `HistoryStore` keeps (src/types.ts), run over each implementation, as
 * unstorage's `testDriver`: `describe("file store", () => testHistoryStore(open))`.
 * Rows are compared whole, so two stores that answer the same calls differently can't both pass.
 */
export function testHistoryStore(open: () => Promise<HistoryStoreFixture>, promises: HistoryStorePromises = {}): void {
  const concurrentHandles = promises.concurrentHandles ? it : it.skip;
  let fixture: HistoryStoreFixture;
  let store: HistoryStore;
  const reopen = () => fixture.reopen();
  beforeEach(async () => {
    fixture = await open();
    store = fixture.store;
  });
  afterEach(async () => fixture.close());

  describe("reads", () => {
    it("finds nothing in an empty store", async () => {
      expect(await store.get("2024-05-06")).toBeUndefined();
      expect(await store.range("2024-01-01", "2024-12-31")).toEqual([]);
      expect(await store.nearestOnOrBefore("2024-05-06", 30)).toBeUndefined();
    });

    it("range: both ends included, oldest first, empty when from is after to", async () => {
      for (const date of ["2024-05-03", "2024-05-01", "2024-05-05", "2024-05-02"]) await store.upsert(snapshot(date, { users: Number(date.slice(-1)) }));
      expect(await store.range("2024-05-01", "2024-05-03")).toEqual([
        row("2024-05-01", { users: 1 }),
        row("2024-05-02", { users: 2 }),
        row("2024-05-03", { users: 3 }),
      ]);
      expect(await store.range("2024-05-02", "2024-05-02")).toEqual([row("2024-05-02", { users: 2 })]);
      expect(await store.range("2024-05-04", "2024-05-04")).toEqual([]);
      expect(await store.range("2024-05-03", "2024-05-01")).toEqual([]);
    });

    it("nearestOnOrBefore: the latest row on or before the date, the window's first day included, never a later row", async () => {
      for (const date of ["2024-04-26", "2024-05-03", "2024-05-07"]) await store.upsert(snapshot(date, { users: Number(date.slice(-2)) }));
      expect(await store.nearestOnOrBefore("2024-05-06", 7)).toEqual(row("2024-05-03", { users: 3 }));
      expect(await store.nearestOnOrBefore("2024-05-03", 0)).toEqual(row("2024-05-03", { users: 3 }));
      expect(await store.nearestOnOrBefore("2024-05-02", 6)).toEqual(row("2024-04-26", { users: 26 }));
      expect(await store.nearestOnOrBefore("2024-05-02", 5)).toBeUndefined();
      expect(await store.nearestOnOrBefore("2024-05-06", 2)).toBeUndefined();
    });

    it("hands out copies: changing a row read does not change the store", async () => {
      await store.upsert(snapshot("2024-05-06", { users: 1 }));
      await store.markAlerted("2024-05-06", ["github"]);
      const read = (await store.get("2024-05-06")) as HistoryRow;
      read.metrics.users = 999;
      read.alerted?.push("npm");
      expect(await store.get("2024-05-06")).toEqual(row("2024-05-06", { users: 1 }, { alerted: ["github"] }));
    });
  });

  describe("upsert", () => {
    it("inserts, then updates one row per date: metrics absent from the snapshot keep their values", async () => {
      await store.upsert(snapshot("2024-05-06", { users: 1, mrr: 2 }));
      await store.upsert(snapshot("2024-05-06", { mrr: 3, stars: 0 }));
      expect(await store.get("2024-05-06")).toEqual(row("2024-05-06", { users: 1, mrr: 3, stars: 0 }));
      expect(await store.range("2024-05-01", "2024-05-31")).toHaveLength(1);
    });

    it("keeps every number exactly: zero, negatives, fractions, large and small", async () => {
      const metrics = { zero: 0, negative: -3, fraction: 1234.5, inexact: 0.1 + 0.2, large: 1e21, small: 5e-7 };
      await store.upsert(snapshot("2024-05-06", metrics));
      expect(await store.get("2024-05-06")).toEqual(row("2024-05-06", metrics));
    });

    it("a metric added later is absent, never 0, from the rows written before it", async () => {
      await store.upsert(snapshot("2024-05-05", { users: 1 }));
      await store.upsert(snapshot("2024-05-06", { users: 2, stars: 5 }));
      expect(await store.get("2024-05-05")).toEqual(row("2024-05-05", { users: 1 }));
      expect(await store.range("2024-05-05", "2024-05-06")).toEqual([row("2024-05-05", { users: 1 }), row("2024-05-06", { users: 2, stars: 5 })]);
      expect(await store.nearestOnOrBefore("2024-05-05", 0)).toEqual(row("2024-05-05", { users: 1 }));
    });
  });

  describe("report and alert marks", () => {
    it("markReport creates the row when needed, replaces its destination's mark and keeps the others', sorted", async () => {
      await store.markReport("2024-05-06", { destination: "slack", progress: { sent: 1, parts: 3 } });
      expect(await store.get("2024-05-06")).toEqual(row("2024-05-06", {}, { reportedTo: [{ destination: "slack", progress: { sent: 1, parts: 3 } }] }));
      await store.markReport("2024-05-06", { destination: "discord" }, ["github"]);
      await store.markReport("2024-05-06", { destination: "slack" });
      expect(await store.get("2024-05-06")).toEqual(
        row("2024-05-06", {}, { reportedTo: [{ destination: "discord" }, { destination: "slack" }], alerted: ["github"] }),
      );
    });

    it("marks and metrics leave each other alone", async () => {
      await store.upsert(snapshot("2024-05-06", { users: 1 }));
      await store.markReport("2024-05-06", { destination: "discord", progress: { sent: 0, parts: 2 } });
      await store.markAlerted("2024-05-06", ["npm"]);
      await store.upsert(snapshot("2024-05-06", { stars: 4 }));
      expect(await store.get("2024-05-06")).toEqual(
        row("2024-05-06", { users: 1, stars: 4 }, { reportedTo: [{ destination: "discord", progress: { sent: 0, parts: 2 } }], alerted: ["npm"] }),
      );
    });

    it("markAlerted adds sources once each, sorted", async () => {
      await store.markAlerted("2024-05-06", ["npm", "github"]);
      await store.markAlerted("2024-05-06", ["github", "dockerhub"]);
      expect(await store.get("2024-05-06")).toEqual(row("2024-05-06", {}, { alerted: ["dockerhub", "github", "npm"] }));
    });

    it("reads the legacy Report sent mark, and keeps it through later writes", async () => {
      await fixture.seedLegacy([{ date: "2024-04-29", metrics: { users: 1 } }]);
      expect(await store.get("2024-04-29")).toEqual(row("2024-04-29", { users: 1 }, { reportSent: true }));
      await store.upsert(snapshot("2024-05-06", { users: 2 }));
      await store.markReport("2024-04-29", { destination: "slack" });
      const again = reopen();
      expect(await again.get("2024-04-29")).toEqual(row("2024-04-29", { users: 1 }, { reportSent: true, reportedTo: [{ destination: "slack" }] }));
      expect(await again.get("2024-05-06")).toEqual(row("2024-05-06", { users: 2 }));
    });
  });

  describe("concurrent writers", () => {
    const date = "2024-05-06";
    const everything: HistoryRow = row(
      date,
      { users: 1, stars: 2 },
      { reportedTo: [{ destination: "discord" }, { destination: "slack", progress: { sent: 1, parts: 2 } }], alerted: ["github", "npm"] },
    );
    const writes = (a: HistoryStore, b: HistoryStore) => [
      a.upsert(snapshot(date, { users: 1 })),
      b.upsert(snapshot(date, { stars: 2 })),
      a.markReport(date, { destination: "discord" }),
      b.markReport(date, { destination: "slack", progress: { sent: 1, parts: 2 } }, ["npm"]),
      a.markAlerted(date, ["github"]),
      b.upsert(snapshot("2024-05-07", { users: 3 })),
    ];

    it("on one handle: every write lands, on one row per date", async () => {
      await Promise.all(writes(store, store));
      const reader = reopen();
      expect(await reader.get(date)).toEqual(everything);
      expect(await reader.range("2024-05-01", "2024-05-31")).toEqual([everything, row("2024-05-07", { users: 3 })]);
    });

    concurrentHandles("on two handles (two processes): every write lands", async () => {
      const other = reopen();
      await Promise.all(writes(store, other));
      expect(await reopen().range("2024-05-01", "2024-05-31")).toEqual([everything, row("2024-05-07", { users: 3 })]);
    });

    it("another handle (the next run) reads what this one wrote", async () => {
      await store.upsert(snapshot(date, { users: 1 }));
      await store.markReport(date, { destination: "discord" }, ["npm"]);
      expect(await reopen().get(date)).toEqual(row(date, { users: 1 }, { reportedTo: [{ destination: "discord" }], alerted: ["npm"] }));
    });
  });
}
