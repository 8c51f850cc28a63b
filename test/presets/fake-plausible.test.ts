import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { startFakePlausible, type FakePlausible } from "../fakes/plausible-server.js";

/** The fake itself against the reference (ga4-plausible.md, Plausible part). */
describe("the fake Plausible", () => {
  let fake: FakePlausible;
  const query = (body: unknown, key = "k1") =>
    fetch(`${fake.url}/api/v2/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    fake = await startFakePlausible({
      keys: { k1: ["dummy.site"] },
      pageviews: [
        { date: "2024-09-05", visitor: "a" },
        { date: "2024-09-06", visitor: "a" },
      ],
      today: "2024-09-10",
    });
  });
  afterEach(() => fake.close());

  it("answers an aggregate query in the documented shape, metrics in the order asked", async () => {
    const response = await query({ site_id: "dummy.site", metrics: ["pageviews", "visitors"], date_range: "7d" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      results: [{ metrics: [2, 1], dimensions: [] }],
      meta: {},
      query: {
        site_id: "dummy.site",
        metrics: ["pageviews", "visitors"],
        date_range: ["2024-09-04T00:00:00+00:00", "2024-09-10T23:59:59+00:00"],
        filters: [],
        dimensions: [],
        order_by: [["pageviews", "desc"]],
        include: {},
      },
    });
  });

  it("gives the documented error messages", async () => {
    const missing = await query({ metrics: ["visitors"], date_range: "7d" });
    expect([missing.status, await missing.json()]).toEqual([
      400,
      { error: "Missing site ID. Please provide the required site_id parameter with your request." },
    ]);
    const wrongKey = await query({ site_id: "dummy.site", metrics: ["visitors"], date_range: "7d" }, "nope");
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toEqual({
      error: "Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested.",
    });
    const badMetric = await query({ site_id: "dummy.site", metrics: ["revenue_per_visitor"], date_range: "7d" });
    expect(badMetric.status).toBe(400);
    const noKey = await fetch(`${fake.url}/api/v2/query`, { method: "POST", body: "{}" });
    expect(await noKey.json()).toEqual({ error: "Missing API key. Please use a valid Plausible API key as a Bearer Token." });
  });
});
