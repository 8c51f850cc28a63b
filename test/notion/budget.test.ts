import { afterEach, describe, expect, it } from "@jest/globals";
import { addDays } from "../../src/dates.js";
import { context, setup, snapshot, type Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.close());

const TODAY = "2026-11-30";
const metrics = (i: number) => ({ mrr: 1000 + i, stars: i, signups: i % 7 });

describe("notion request budget", () => {
  it.each([3, 3000])("a daily run costs at most 4 requests with %i rows of history", async (days) => {
    h = await setup();
    h.fake.seedDays(days, { end: addDays(TODAY, -1), metrics });
    h.fake.seedRows([{ date: "2000-01-01", reportedTo: [], alerted: [] }]);

    await h.store.write(snapshot(TODAY, metrics(days)), context(h));
    expect(h.fake.requestCount).toBe(4);
    expect(h.fake.counts()).toEqual({
      "GET /v1/databases/:id": 1,
      "GET /v1/data_sources/:id": 1,
      "POST /v1/data_sources/:id/query": 1,
      "POST /v1/pages": 1,
    });

    h.fake.resetCounts();
    await h.store.write(snapshot(TODAY, metrics(days + 1)), context(h));
    expect(h.fake.requestCount).toBe(4);
    expect(h.fake.count("PATCH /v1/pages/:id")).toBe(1);
  });

  it("costs 5 requests when columns are missing, with 3,000 rows of history", async () => {
    h = await setup();
    h.fake.seedDays(3000, { end: addDays(TODAY, -1), metrics });

    await h.store.write(snapshot(TODAY, { ...metrics(3000), newMetric: 1 }), context(h));
    expect(h.fake.requestCount).toBe(5);
    expect(h.fake.count("PATCH /v1/data_sources/:id")).toBe(1);
    expect(h.fake.rows().filter((r) => r.date === TODAY)).toEqual([expect.objectContaining({ metrics: { ...metrics(3000), newMetric: 1 } })]);
  });

  it("a weekly run (upsert, 8 weeks of sparkline reads, markReport) costs at most 6 requests", async () => {
    h = await setup();
    h.fake.seedDays(3000, { end: addDays(TODAY, -1), metrics });
    h.fake.seedRows([{ date: "2000-01-01", reportedTo: [], alerted: [] }]);

    await h.store.write(snapshot(TODAY, metrics(3000), [], "weekly-report"), context(h));
    const rows = await h.store.range(addDays(TODAY, -56), TODAY);
    await h.store.markReport(TODAY, { destination: "discord" });

    expect(rows).toHaveLength(57);
    expect(h.fake.requestCount).toBeLessThanOrEqual(6);
    expect(h.fake.count("GET /v1/databases/:id")).toBe(1);
    expect(h.fake.count("GET /v1/data_sources/:id")).toBe(1);
    expect(h.fake.rows().find((r) => r.date === TODAY)).toMatchObject({ reportedTo: ["discord"] });
  });

  it("reads after the run's write reuse the schema: one request each", async () => {
    h = await setup();
    h.fake.seedDays(30, { end: addDays(TODAY, -1), metrics });
    await h.store.write(snapshot(TODAY, metrics(30)), context(h));
    h.fake.resetCounts();

    await h.store.get(addDays(TODAY, -14));
    await h.store.nearestOnOrBefore(addDays(TODAY, -14), 7);
    await h.store.range(addDays(TODAY, -7), TODAY);
    expect(h.fake.requestCount).toBe(3);
    expect(h.fake.count("POST /v1/data_sources/:id/query")).toBe(3);
  });

  it("never walks the whole table: every query is bounded by dates", async () => {
    h = await setup();
    h.fake.seedDays(3000, { end: addDays(TODAY, -1), metrics });
    await h.store.write(snapshot(TODAY, metrics(3000)), context(h));
    await h.store.nearestOnOrBefore(addDays(TODAY, -14), 7);
    await h.store.range(addDays(TODAY, -56), TODAY);
    const queries = h.fake.requests.filter((r) => r.route === "POST /v1/data_sources/:id/query");
    expect(queries.length).toBeGreaterThanOrEqual(3);
    for (const query of queries) {
      const filter = JSON.stringify((query.body as { filter: unknown }).filter);
      // Either one date, or a range bounded on both sides.
      expect(filter.includes('"equals"') || (filter.includes('"on_or_after"') && filter.includes('"on_or_before"'))).toBe(true);
    }
  });
});
