import { afterEach, describe, expect, it } from "@jest/globals";
import { createSource, sourceSchema } from "../../src/sources/registry.js";
import { startFakePlausible, type FakePlausible, type FakePlausibleOptions } from "../fakes/plausible-server.js";
import { sendJson, startServer } from "../helpers/server.js";
import { failureOf, sourceContext } from "../sources/helpers.js";

const KEY = "plausibleKey_0123456789abcdef";
/** The run is 2024-05-15: 7 days from 05-09, 30 days from 04-16. */
const PAGEVIEWS = [
  { date: "2024-05-15", visitor: "a" },
  { date: "2024-05-15", visitor: "a" },
  { date: "2024-05-09", visitor: "b" },
  { date: "2024-05-08", visitor: "c" },
  { date: "2024-04-16", visitor: "c" },
  { date: "2024-04-16", visitor: "d" },
  { date: "2024-04-15", visitor: "e" },
  { date: "2024-05-16", visitor: "f" },
];

let fake: FakePlausible | undefined;
afterEach(async () => fake?.close());

async function start(options: Partial<FakePlausibleOptions> = {}): Promise<FakePlausible> {
  fake = await startFakePlausible({ keys: { [KEY]: ["example.com"] }, pageviews: PAGEVIEWS, today: "2024-05-20", ...options });
  return fake;
}
const build = (options: Record<string, unknown>) =>
  createSource(sourceSchema.parse({ type: "plausible", name: "plausible", siteId: "example.com", apiKey: KEY, ...options }));

describe("plausible", () => {
  it("counts visitors over 7 and 30 days and pageviews over 30 days ending on the run date", async () => {
    const { url, requests } = await start();
    const source = build({ baseUrl: url });
    expect(source.metricNames).toEqual(["PLAUSIBLE_VISITORS_7D", "PLAUSIBLE_VISITORS_30D", "PLAUSIBLE_PAGEVIEWS_30D"]);
    expect(await source.collect(sourceContext("2024-05-15"))).toEqual({ PLAUSIBLE_VISITORS_7D: 2, PLAUSIBLE_VISITORS_30D: 4, PLAUSIBLE_PAGEVIEWS_30D: 6 });
    const bodies = requests.map((r) => JSON.parse(r.body) as unknown).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(bodies).toEqual([
      { site_id: "example.com", metrics: ["visitors", "pageviews"], date_range: ["2024-04-16", "2024-05-15"] },
      { site_id: "example.com", metrics: ["visitors"], date_range: ["2024-05-09", "2024-05-15"] },
    ]);
    expect(requests.every((r) => r.headers.authorization === `Bearer ${KEY}` && r.path === "/api/v2/query")).toBe(true);
  });

  it("asks only for what is kept", async () => {
    const { url, requests } = await start();
    const source = build({ name: "site", baseUrl: url, metrics: { visitors_7d: false, visitors_30d: false } });
    expect(await source.collect(sourceContext("2024-05-15"))).toEqual({ SITE_PAGEVIEWS_30D: 6 });
    expect(requests.map((r) => JSON.parse(r.body).metrics)).toEqual([["pageviews"]]);
  });

  it.each([
    ["a key without access to the site", { keys: { [KEY]: ["other.com"] } }, 401, "the API key is invalid or cannot read site example.com"],
    ["an account without the Stats API", { noStatsApi: true }, 402, "the account has no Stats API access (a Business plan feature) or the site is locked"],
  ])("explains %s, and never shows the key", async (_, options, status, hint) => {
    const { url } = await start(options);
    const message = await failureOf(build({ baseUrl: url }), sourceContext(), [KEY]);
    expect(message).toBe(`[plausible] Request failed with status code ${status}: POST ${url}/api/v2/query (${hint})`);
  });

  it("retries the hourly limit's 429, then fails naming the limit", async () => {
    const { url, requests } = await start({ hourlyLimit: 0 });
    const message = await failureOf(build({ baseUrl: url, metrics: { visitors_7d: false } }), sourceContext());
    expect(message).toBe(
      `[plausible] Request failed with status code 429: POST ${url}/api/v2/query after 3 attempts (rate limited: a key may make 600 requests an hour)`,
    );
    expect(requests).toHaveLength(3);
  });

  it("quotes Plausible's reason for a 400, never the key a server echoes", async () => {
    // Plausible's 400 names what it refused in `error`; this server also echoes the key, as a hostile one would.
    const server = await startServer((req, res) =>
      sendJson(res, 400, { error: `#/date_range: Invalid date range "all-time" (${String(req.headers.authorization)})` }),
    );
    try {
      const message = await failureOf(build({ baseUrl: server.url }), sourceContext(), [KEY]);
      expect(message).toContain(`(Plausible refused the query: "#/date_range: Invalid date range "all-time" (Bearer [redacted])")`);
      expect(message).not.toContain(KEY);
    } finally {
      await server.close();
    }
  });

  it("explains a 404 from a baseUrl with no Stats API", async () => {
    const { url } = await start();
    const message = await failureOf(build({ baseUrl: `${url}/nothing-here` }), sourceContext());
    expect(message).toBe(
      `[plausible] Request failed with status code 404: POST ${url}/nothing-here/api/v2/query (no Stats API v2 at ${url}/nothing-here; check baseUrl)`,
    );
  });
});
