import { afterEach, describe, expect, it } from "@jest/globals";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createSource, sourceSchema } from "../../src/sources/registry.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";
import { failureOf, sourceContext } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => server?.close());

/** Real response shapes, trimmed to a few fields besides the ones read. */
const GITHUB_REPO = {
  id: 314197645,
  full_name: "zenml-io/zenml",
  private: false,
  stargazers_count: 4321,
  watchers_count: 4321,
  forks_count: 456,
  subscribers_count: 78,
  open_issues_count: 90,
  network_count: 456,
};
const npmPoint = (downloads: number, pkg: string) => ({ downloads, start: "2024-05-01", end: "2024-05-07", package: pkg });
const PYPI_RECENT = { data: { last_day: 1500, last_month: 52000, last_week: 11000 }, package: "zenml", type: "recent_downloads" };
const DOCKER_REPO = {
  user: "library",
  name: "nginx",
  namespace: "library",
  repository_type: "image",
  status: 1,
  is_private: false,
  star_count: 20500,
  pull_count: 1000000000,
  last_updated: "2024-05-01T00:00:00Z",
};
const DISCORD_INVITE = {
  type: 0,
  code: "zenml",
  expires_at: null,
  guild: { id: "1", name: "ZenML", features: [], premium_subscription_count: 3 },
  channel: { id: "2", type: 0, name: "general" },
  approximate_member_count: 4321,
  approximate_presence_count: 567,
};

type Respond = (req: IncomingMessage, res: ServerResponse) => void;
const routes =
  (table: Record<string, unknown>): Respond =>
  (req, res) =>
    req.url !== undefined && req.url in table ? sendJson(res, 200, table[req.url]) : sendJson(res, 404, { message: "Not Found" });

async function serve(respond: Respond): Promise<TestServer> {
  server = await startServer((req, res) => respond(req, res));
  return server;
}

const build = (options: Record<string, unknown>) => createSource(sourceSchema.parse(options));

describe("presets", () => {
  it.each([
    [
      "github",
      { type: "github", name: "zenml-github", repo: "zenml-io/zenml" },
      routes({ "/repos/zenml-io/zenml": GITHUB_REPO }),
      { ZENML_GITHUB_STARS: 4321, ZENML_GITHUB_FORKS: 456, ZENML_GITHUB_WATCHERS: 78, ZENML_GITHUB_OPEN_ISSUES: 90 },
    ],
    [
      "npm, scoped",
      { type: "npm", name: "sdk-npm", package: "@acme/sdk" },
      routes({
        "/downloads/point/last-day/@acme/sdk": npmPoint(10, "@acme/sdk"),
        "/downloads/point/last-week/@acme/sdk": npmPoint(70, "@acme/sdk"),
        "/downloads/point/last-month/@acme/sdk": npmPoint(300, "@acme/sdk"),
      }),
      { SDK_NPM_DOWNLOADS_DAY: 10, SDK_NPM_DOWNLOADS_WEEK: 70, SDK_NPM_DOWNLOADS_MONTH: 300 },
    ],
    [
      "pypi, with the name normalised",
      { type: "pypi", name: "zenml-pypi", package: "ZenML" },
      routes({ "/api/packages/zenml/recent": PYPI_RECENT }),
      { ZENML_PYPI_DOWNLOADS_DAY: 1500, ZENML_PYPI_DOWNLOADS_WEEK: 11000, ZENML_PYPI_DOWNLOADS_MONTH: 52000 },
    ],
    [
      "dockerhub, a bare name meaning library/",
      { type: "dockerhub", name: "nginx", repository: "nginx" },
      routes({ "/v2/repositories/library/nginx/": DOCKER_REPO }),
      { NGINX_PULLS: 1000000000, NGINX_STARS: 20500 },
    ],
    [
      "discord-invite, from a link",
      { type: "discord-invite", name: "community", code: "https://discord.gg/zenml" },
      routes({ "/invites/zenml?with_counts=true": DISCORD_INVITE }),
      { COMMUNITY_MEMBERS: 4321, COMMUNITY_ONLINE: 567 },
    ],
  ])("%s reads the real response shape under default names", async (_, options, respond, expected) => {
    const { url } = await serve(respond);
    const source = build({ ...options, baseUrl: url });
    expect(source.metricNames).toEqual(Object.keys(expected));
    expect(await source.collect(sourceContext())).toEqual(expected);
  });

  it("github sends the API version headers and the token, and keeps the token out of messages", async () => {
    const s = await serve((req, res) =>
      req.headers.authorization === "Bearer ghp_secretToken123"
        ? sendJson(res, 200, GITHUB_REPO)
        : sendJson(res, 401, { message: "Bad credentials", status: "401" }),
    );
    const context = sourceContext();
    await build({ type: "github", name: "gh", repo: "zenml-io/zenml", token: "ghp_secretToken123", baseUrl: s.url }).collect(context);
    expect(s.requests[0]?.headers).toMatchObject({ accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" });
    expect(context.secrets.list()).toContain("ghp_secretToken123");

    const message = await failureOf(
      build({ type: "github", name: "gh", repo: "zenml-io/zenml", token: "ghp_wrongToken456", baseUrl: s.url }),
      sourceContext(),
      ["ghp_wrongToken456"],
    );
    expect(message).toBe(`[gh] Request failed with status code 401: GET ${s.url}/repos/zenml-io/zenml (the token is invalid or expired)`);
  });

  it.each([
    ["github", { type: "github", repo: "acme/private" }, "/repos/acme/private", "repository acme/private not found; a private repository needs a token"],
    ["npm", { type: "npm", package: "left-padd" }, "/downloads/point/last-day/left-padd", "package left-padd not found on npm"],
    ["pypi", { type: "pypi", package: "nope" }, "/api/packages/nope/recent", "project nope not found on pypistats.org"],
    ["dockerhub", { type: "dockerhub", repository: "acme/gone" }, "/v2/repositories/acme/gone/", "repository acme/gone not found on Docker Hub"],
    ["discord-invite", { type: "discord-invite", code: "expired1" }, "/invites/expired1", "invite expired1 is unknown or has expired"],
  ])("%s explains a 404", async (_, options, path, hint) => {
    const s = await serve((req, res) =>
      sendJson(res, 404, req.url?.startsWith("/invites") ? { message: "Unknown Invite", code: 10006 } : { error: "not found" }),
    );
    const message = await failureOf(build({ ...options, name: "x", baseUrl: s.url }), sourceContext());
    expect(message).toBe(`[x] Request failed with status code 404: GET ${s.url}${path} (${hint})`);
  });

  it("renames metrics and skips the ones set to false, without fetching what no metric needs", async () => {
    const s = await serve(routes({ "/downloads/point/last-week/zenml": npmPoint(70, "zenml"), "/downloads/point/last-month/zenml": npmPoint(300, "zenml") }));
    const source = build({ type: "npm", name: "zenml-npm", package: "zenml", baseUrl: s.url, metrics: { downloads_week: "NPM_WEEKLY", downloads_day: false } });
    expect(source.metricNames).toEqual(["NPM_WEEKLY", "ZENML_NPM_DOWNLOADS_MONTH"]);
    expect(await source.collect(sourceContext())).toEqual({ NPM_WEEKLY: 70, ZENML_NPM_DOWNLOADS_MONTH: 300 });
    expect(s.requests.map((r) => r.path).sort()).toEqual(["/downloads/point/last-month/zenml", "/downloads/point/last-week/zenml"]);
  });

  it("waits out Discord's 429 with Retry-After, then reads the invite", async () => {
    const s = await serve((_, res) =>
      s.requests.length === 1
        ? sendJson(res, 429, { message: "You are being rate limited.", retry_after: 0.5, global: false }, { "retry-after": "1", "x-ratelimit-scope": "shared" })
        : sendJson(res, 200, DISCORD_INVITE),
    );
    expect(await build({ type: "discord-invite", name: "discord", code: "zenml", baseUrl: s.url }).collect(sourceContext())).toEqual({
      DISCORD_MEMBERS: 4321,
      DISCORD_ONLINE: 567,
    });
    expect(s.requests).toHaveLength(2);
  });

  it("reads a string count with the one number parser, whole and by the source's locale", async () => {
    const s = await serve(routes({ "/repos/a/b": { ...GITHUB_REPO, stargazers_count: "12\u00a0345", forks_count: "1.234", subscribers_count: "1.2.3" } }));
    const github = (locale?: string) => build({ type: "github", name: "gh", repo: "a/b", baseUrl: s.url, locale, metrics: { watchers: false } });
    expect(await github("de").collect(sourceContext())).toMatchObject({ GH_STARS: 12345, GH_FORKS: 1234 });
    expect(await github().collect(sourceContext())).toMatchObject({ GH_STARS: 12345, GH_FORKS: 1.234 });
    const withWatchers = build({ type: "github", name: "gh", repo: "a/b", baseUrl: s.url });
    expect(await failureOf(withWatchers, sourceContext())).toMatch(/^\[gh\] path subscribers_count holds "1\.2\.3", which is not one number/);
  });

  it("fails, never records 0, when the API changes its response shape", async () => {
    const s = await serve(routes({ "/repos/a/b": { ...GITHUB_REPO, stargazers_count: undefined } }));
    expect(await failureOf(build({ type: "github", name: "gh", repo: "a/b", baseUrl: s.url }), sourceContext())).toBe(
      `[gh] path stargazers_count is missing in the response of ${s.url}/repos/a/b`,
    );
  });
});
