import { afterEach, describe, expect, it } from "@jest/globals";
import { createSource, SOURCE_TYPES, sourceSchema, type SourceType } from "../../src/sources/registry.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";
import { failureOf, sourceContext } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => server?.close());

/** One config per type, pointed at `url`, and a body that holds every metric it reads as 7. */
const CASES: Record<SourceType, (url: string) => { options: Record<string, unknown>; body: unknown; html?: boolean }> = {
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
};

async function serve(body: unknown, html = false): Promise<string> {
  server = await startServer((_, res) => {
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
    const { body, html } = CASES[type]("");
    const source = build(await serve(body, html));
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
