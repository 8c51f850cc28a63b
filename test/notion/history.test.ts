import { afterEach, describe, expect, it } from "@jest/globals";
import { addDays } from "../../src/dates.js";
import { createNotionDestination } from "../../src/destinations/notion/index.js";
import { Secrets } from "../../src/log/secrets.js";
import { FAST, context, setup, snapshot, type Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.close());

const TODAY = "2026-11-30";

describe("notion history store reads", () => {
  it("get returns the row of a date with its metrics, or undefined", async () => {
    h = await setup();
    h.fake.seedRows([{ date: "2026-11-16", metrics: { mrr: 4000, stars: 10 } }]);
    expect(await h.store.get("2026-11-16")).toEqual({ date: "2026-11-16", metrics: { mrr: 4000, stars: 10 } });
    expect(await h.store.get("2026-11-17")).toBeUndefined();
  });

  it("falls back from 14 days ago to the nearest earlier row within the window", async () => {
    h = await setup();
    h.fake.seedRows([
      { date: "2026-11-10", metrics: { mrr: 3800 } },
      { date: "2026-11-13", metrics: { mrr: 3900 } },
      { date: "2026-11-17", metrics: { mrr: 4100 } },
    ]);
    const compareDate = addDays(TODAY, -14);

    expect(await h.store.nearestOnOrBefore(compareDate, 7)).toMatchObject({ date: "2026-11-13", metrics: { mrr: 3900 } });
    expect(await h.store.nearestOnOrBefore(compareDate, 2)).toBeUndefined();
    expect(await h.store.nearestOnOrBefore("2026-11-17", 7)).toMatchObject({ date: "2026-11-17" });
    const query = h.fake.requests.filter((r) => r.route === "POST /v1/data_sources/:id/query")[0];
    expect(query?.body).toMatchObject({
      page_size: 1,
      filter: {
        and: [
          { property: "Date", date: { on_or_before: compareDate } },
          { property: "Date", date: { on_or_after: "2026-11-09" } },
        ],
      },
      sorts: [
        { property: "Date", direction: "descending" },
        { timestamp: "created_time", direction: "ascending" },
      ],
    });
  });

  it("pages through a range with start_cursor and stays within its dates", async () => {
    h = await setup();
    h.fake.seedDays(400, { end: TODAY, metrics: (i) => ({ mrr: i }) });
    const from = addDays(TODAY, -249);

    const rows = await h.store.range(from, TODAY);

    expect(rows).toHaveLength(250);
    expect(rows[0]).toMatchObject({ date: from, metrics: { mrr: 150 } });
    expect(rows.at(-1)).toMatchObject({ date: TODAY, metrics: { mrr: 399 } });
    expect(rows.map((r) => r.date)).toEqual([...rows.map((r) => r.date)].sort());
    const queries = h.fake.requests.filter((r) => r.route === "POST /v1/data_sources/:id/query").map((r) => r.body as { start_cursor?: string });
    expect(queries).toHaveLength(3);
    expect(queries[0]?.start_cursor).toBeUndefined();
    expect(queries[1]?.start_cursor).toEqual(expect.any(String));
    expect(queries[2]?.start_cursor).toEqual(expect.any(String));
  });

  it("returns one row per date in a range even when a race left a duplicate", async () => {
    h = await setup();
    h.fake.seedRows([
      { date: "2026-11-29", metrics: { mrr: 1 } },
      { date: "2026-11-30", metrics: { mrr: 2 } },
    ]);
    h.fake.seedDuplicate("2026-11-30", { mrr: 99 });
    expect(await h.store.range("2026-11-29", TODAY)).toEqual([
      { date: "2026-11-29", metrics: { mrr: 1 } },
      { date: "2026-11-30", metrics: { mrr: 2 } },
    ]);
  });

  it("finds nothing, without querying, before the date column exists", async () => {
    h = await setup();
    expect(await h.store.get(TODAY)).toBeUndefined();
    expect(await h.store.range("2026-01-01", TODAY)).toEqual([]);
    expect(await h.store.nearestOnOrBefore(TODAY, 7)).toBeUndefined();
    expect(h.fake.count("POST /v1/data_sources/:id/query")).toBe(0);
  });
});

describe("notion report and alert bookkeeping", () => {
  it("markReport and markAlerted round trip through their columns", async () => {
    h = await setup();
    await h.store.write(snapshot(TODAY, { mrr: 4200 }), context(h));
    await h.store.markReport(TODAY, { destination: "slack", progress: { sent: 0, parts: 2 } });
    await h.store.markReport(TODAY, { destination: "discord" });
    await h.store.markAlerted(TODAY, ["github"]);
    await h.store.markAlerted(TODAY, ["stripe", "github"]);

    expect(h.fake.rows()).toEqual([
      expect.objectContaining({ date: TODAY, metrics: { mrr: 4200 }, reportedTo: ["discord", "slack 0/2"], alerted: ["github", "stripe"] }),
    ]);
    const another = createNotionDestination(
      { type: "notion", token: h.fake.token, database: h.fake.databaseId, baseUrl: h.fake.url },
      { secrets: new Secrets(), ...FAST },
    );
    expect(await another.get(TODAY)).toEqual({
      date: TODAY,
      metrics: { mrr: 4200 },
      reportedTo: [{ destination: "discord" }, { destination: "slack", progress: { sent: 0, parts: 2 } }],
      alerted: ["github", "stripe"],
    });
  });

  it("mark* create the row when it does not exist yet, and never touch metrics", async () => {
    h = await setup();
    h.fake.seedRows([{ date: "2026-11-29", metrics: { mrr: 1 } }]);
    await h.store.markAlerted(TODAY, ["github"]);
    await h.store.markReport("2026-11-29", { destination: "discord" });

    expect(h.fake.rows()).toEqual([
      expect.objectContaining({ date: "2026-11-29", metrics: { mrr: 1 }, reportedTo: ["discord"] }),
      expect.objectContaining({ date: TODAY, title: TODAY, metrics: {}, alerted: ["github"], reportedTo: [] }),
    ]);
    expect(h.fake.count("POST /v1/pages")).toBe(1);
  });

  it("markAlerted unions with names another run already recorded", async () => {
    h = await setup();
    h.fake.seedRows([{ date: TODAY, metrics: { mrr: 1 }, alerted: ["github"], reportSent: false }]);
    await h.store.markAlerted(TODAY, ["npm"]);
    expect(h.fake.rows()[0]?.alerted).toEqual(["github", "npm"]);
  });
});
