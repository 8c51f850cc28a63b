import { afterEach, describe, expect, it } from "@jest/globals";
import { createSource, SOURCE_TYPES, sourceSchema, type SourceType } from "../../src/sources/registry.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";
import { failureOf, sourceContext } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => server?.close());

/** A body that depends on the request, for sources that ask several questions of one endpoint. */
type Answer = (request: { body: string }) => unknown;

/** One config per type, pointed at `url`, and a body that holds every metric it reads as 7 (a count may be 1). */
const CASES: Record<SourceType, (url: string) => { options: Record<string, unknown>; body: unknown; answer?: Answer; html?: boolean }> = {
  html: (url) => ({
    options: { url: `${url}/p`, metrics: { A: { selector: "b" }, B: { selector: "i", extract: "count" } } },
    body: "<b>7</b><i>x</i>",
    html: true,
  }),
  json: (url) => ({ options: { url: `${url}/j`, metrics: { A: { path: "a" } } }, body: { a: 7 } }),
  github: (baseUrl) => ({ options: { baseUrl, repo: "a/b" }, body: { stargazers_count: 7, forks_count: 7, subscribers_count: 7, open_issues_count: 7 } }),
  npm: (baseUrl) => ({ options: { baseUrl, package: "x" }, body: { downloads: 7, start: "2024-01-01", end: "2024-01-07", package: "x" } }),
  pypi: (baseUrl) => ({
    options: { baseUrl, package: "x" },
    body: { data: { last_day: 7, last_week: 7, last_month: 7 }, package: "x", type: "recent_downloads" },
  }),
  dockerhub: (baseUrl) => ({ options: { baseUrl, repository: "a/b" }, body: { pull_count: 7, star_count: 7 } }),
  "discord-invite": (baseUrl) => ({ options: { baseUrl, code: "abc" }, body: { approximate_member_count: 7, approximate_presence_count: 7 } }),
  stripe: (baseUrl) => ({
    options: { baseUrl, apiKey: "sk_test_k" },
    body: {
      object: "list",
      has_more: false,
      data: [
        {
          id: "sub_a",
          status: "active",
          currency: "usd",
          created: 1_715_000_000,
          discounts: [],
          items: { data: [{ id: "si_a", quantity: 1, discounts: [], price: { id: "p", unit_amount: 700, recurring: { interval: "month" } } }] },
        },
        { id: "sub_b", status: "trialing", currency: "usd", created: 1_700_000_000, discounts: [], items: { data: [] } },
        { id: "sub_c", status: "canceled", currency: "usd", created: 1_700_000_000, ended_at: 1_715_000_000, discounts: [], items: { data: [] } },
      ],
    },
  }),
  posthog: (host) => ({ options: { host, projectId: "1", apiKey: "phx_k" }, body: { columns: ["dau", "wau", "mau"], results: [[7, 7, 7]] } }),
  ga4: (baseUrl) => ({
    options: { baseUrl, propertyId: "properties/1", accessToken: "ya29.token" },
    body: {
      dimensionHeaders: [{ name: "dateRange" }],
      metricHeaders: [{ name: "activeUsers" }, { name: "sessions" }],
      rows: ["last_1_day", "last_7_days", "last_28_days"].map((value) => ({ dimensionValues: [{ value }], metricValues: [{ value: "7" }, { value: "7" }] })),
    },
  }),
  plausible: (baseUrl) => ({
    options: { baseUrl, siteId: "example.com", apiKey: "key1" },
    body: undefined,
    answer: (req) => ({ results: [{ metrics: (JSON.parse(req.body) as { metrics: string[] }).metrics.map(() => 7), dimensions: [] }] }),
  }),
};

async function serve(body: unknown, html = false, answer?: Answer): Promise<string> {
  server = await startServer((req, res) => {
    if (answer) return sendJson(res, 200, answer(req));
    if (!html) return sendJson(res, 200, body);
    res.writeHead(200, { "content-type": "text/html" });
    res.end(body as string);
  });
  return server.url;
}

it("has a case for every source type the schema accepts", () => {
  expect(Object.keys(CASES).sort()).toEqual([...SOURCE_TYPES].sort());
  expect(SOURCE_TYPES.length).toBe(sourceSchema.options.length);
});

describe.each(SOURCE_TYPES)("every source type: %s", (type) => {
  const build = (url: string) => createSource(sourceSchema.parse({ type, name: "s", ...CASES[type](url).options }));

  it("returns exactly the metrics it declares", async () => {
    const { body, html, answer } = CASES[type]("");
    const source = build(await serve(body, html, answer));
    const metrics = await source.collect(sourceContext());
    expect(source.metricNames?.length).toBeGreaterThan(0);
    expect(Object.keys(metrics).sort()).toEqual([...(source.metricNames ?? [])].sort());
    expect(Object.values(metrics).every((value) => value === 7 || value === 1)).toBe(true);
  });

  it("fails, and never answers 0, when the response holds none of its numbers", async () => {
    const message = await failureOf(build(await serve({})), sourceContext());
    expect(message).toMatch(/^\[s\] /);
  });
});
