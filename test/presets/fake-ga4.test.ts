import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { startFakeGa4, type FakeGa4 } from "../fakes/ga4-server.js";

/** The fake itself against the reference (ga4-plausible.md, GA4 part). */
describe("the fake GA4 Data API", () => {
  let fake: FakeGa4;
  const report = (body: unknown, token = "t1", property = "42") =>
    fetch(`${fake.url}/v1beta/properties/${property}:runReport`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    fake = await startFakeGa4({
      tokens: { t1: ["42"] },
      sessions: [
        { date: "2024-05-14", user: "a" },
        { date: "2024-05-15", user: "a" },
      ],
      today: "2024-05-15",
    });
  });
  afterEach(() => fake.close());

  it("answers one range without a dateRange dimension, values as strings", async () => {
    const response = await report({ dateRanges: [{ startDate: "7daysAgo", endDate: "today" }], metrics: [{ name: "activeUsers" }, { name: "sessions" }] });
    expect(await response.json()).toEqual({
      dimensionHeaders: [],
      metricHeaders: [
        { name: "activeUsers", type: "TYPE_INTEGER" },
        { name: "sessions", type: "TYPE_INTEGER" },
      ],
      rows: [{ metricValues: [{ value: "1" }, { value: "2" }] }],
      rowCount: 1,
      metadata: { currencyCode: "USD", timeZone: "Etc/GMT" },
      kind: "analyticsData#runReport",
    });
  });

  it("names rows by range with several ranges, and drops all-zero rows unless keepEmptyRows", async () => {
    const ranges = [
      { startDate: "today", endDate: "today", name: "now" },
      { startDate: "2020-01-01", endDate: "2020-01-02" },
    ];
    const dropped = (await (await report({ dateRanges: ranges, metrics: [{ name: "sessions" }] })).json()) as { rows: unknown[]; dimensionHeaders: unknown };
    expect(dropped.dimensionHeaders).toEqual([{ name: "dateRange" }]);
    expect(dropped.rows).toEqual([{ dimensionValues: [{ value: "now" }], metricValues: [{ value: "1" }] }]);
    const kept = (await (await report({ dateRanges: ranges, metrics: [{ name: "sessions" }], keepEmptyRows: true })).json()) as { rows: unknown[] };
    expect(kept.rows).toContainEqual({ dimensionValues: [{ value: "date_range_1" }], metricValues: [{ value: "0" }] });
  });

  it("uses Google's error shape", async () => {
    const unauthenticated = await report({}, "nope");
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
    expect(await (await report({}, "t1", "7")).json()).toMatchObject({ error: { code: 403, status: "PERMISSION_DENIED" } });
    const tooMany = await report({ dateRanges: Array.from({ length: 5 }, () => ({ startDate: "today", endDate: "today" })), metrics: [{ name: "sessions" }] });
    expect([tooMany.status, ((await tooMany.json()) as { error: { status: string } }).error.status]).toEqual([400, "INVALID_ARGUMENT"]);
    fake.exhaustNext();
    expect(await (await report({})).json()).toMatchObject({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } });
  });
});
