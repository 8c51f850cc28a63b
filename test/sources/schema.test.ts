import { describe, expect, it } from "@jest/globals";
import * as z from "zod";
import { createSource, SOURCE_TYPES, sourceSchema, type SourceType } from "../../src/sources/registry.js";

/** Issues as `path: message`, the way the config loader reports them. */
function issues(input: unknown): string[] {
  const result = sourceSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

const html = (metrics: unknown, extra: Record<string, unknown> = {}) => ({ type: "html", name: "blog", url: "https://example.com/blog", metrics, ...extra });
const json = (metrics: unknown, extra: Record<string, unknown> = {}) => ({ type: "json", name: "api", url: "https://example.com/api", metrics, ...extra });
const login = { url: "https://example.com/login", form: "form", fields: { email: "a", password: "b" } };

describe("source schemas", () => {
  it.each([
    ["a missing selector", html({ POSTS: { extract: "count" } }), "metrics.POSTS.selector: Invalid input: expected string, received undefined"],
    ["extract: attribute without attribute", html({ X: { selector: "a", extract: "attribute" } }), "metrics.X.attribute: required with extract: attribute"],
    ["attribute without extract: attribute", html({ X: { selector: "a", attribute: "href" } }), "metrics.X.attribute: only applies to extract: attribute"],
    ["allowEmpty on a number", html({ X: { selector: "a", allowEmpty: true } }), "metrics.X.allowEmpty: only applies to extract: count"],
    ["a regex on a count", html({ X: { selector: "a", extract: "count", regex: "\\d" } }), "metrics.X.regex: does not apply to extract: count"],
    ["a broken regex", html({ X: { selector: "a", regex: "(\\d+" } }), "metrics.X.regex: is not a valid regular expression"],
    ["an unknown extract", html({ X: { selector: "a", extract: "sum" } }), 'metrics.X.extract: Invalid option: expected one of "number"|"count"|"attribute"'],
    ["a bad metric name", html({ "posts-count": { selector: "a" } }), "metrics.posts-count: Invalid key in record"],
    ["no metrics", html({}), "metrics: name at least one metric"],
    ["a non-http url", html({ X: { selector: "a" } }, { url: "ftp://example.com/x" }), "url: must be an absolute http(s) URL"],
    ["an unknown key", html({ X: { selector: "a" } }, { selectors: {} }), 'Unrecognized key: "selectors"'],
    [
      "a login without fields",
      html({ X: { selector: "a" } }, { login: { ...login, fields: {} } }),
      "login.fields: name at least one field, e.g. { email: ${USER}, password: ${PASS} }",
    ],
    ["a bad json path", json({ X: { path: "data..count" } }), 'metrics.X.path: invalid path: empty key at position 5 of "data..count"'],
    ["login.check on a json source", json({ X: { path: "a" } }, { login: { ...login, check: ".me" } }), "login.check: only applies to html sources"],
    ["an unknown method", json({ X: { path: "a" } }, { method: "DELETE" }), "method: Invalid option"],
    ["a repo without owner", { type: "github", name: "gh", repo: "zenml" }, 'repo: use "owner/name", e.g. zenml-io/zenml'],
    ["an unknown preset metric", { type: "github", name: "gh", repo: "a/b", metrics: { star: "STARS" } }, 'metrics: Unrecognized key: "star"'],
    [
      "a preset skipping everything",
      { type: "dockerhub", name: "d", repository: "nginx", metrics: { pulls: false, stars: false } },
      "metrics: every metric is skipped; keep at least one",
    ],
    [
      "a name giving invalid metric names",
      { type: "npm", name: "1st-npm", package: "x" },
      "name: gives the metric name 1ST_NPM_DOWNLOADS_DAY, which must start with a letter; rename it with metrics.downloads_day",
    ],
    ["a bad invite", { type: "discord-invite", name: "d", code: "https://example.com/x y" }, "code: use the invite code"],
    ["an unknown type", { type: "csv", name: "x" }, "type: Invalid discriminator value. Expected 'html' | 'json'"],
  ])("reports %s at its path", (_, input, expected) => {
    expect(issues(input).join("\n")).toContain(expected);
  });

  it("accepts a full html source with login and a full json source", () => {
    expect(
      issues(
        html(
          { X: { selector: "a", extract: "attribute", attribute: "href", regex: "(\\d+)" } },
          { login: { ...login, check: ".me" }, xml: false, timeoutMs: 5000 },
        ),
      ),
    ).toEqual([]);
    expect(
      issues(
        json({ X: { path: 'data["a.b"][0]' } }, { method: "POST", body: { q: 1 }, headers: { "x-key": "k" }, basicAuth: { username: "u", password: "p" } }),
      ),
    ).toEqual([]);
  });

  it("has a factory for every type, building sources without I/O", () => {
    const examples: Record<SourceType, Record<string, unknown>> = {
      html: html({ A: { selector: "a" } }),
      json: json({ A: { path: "a" } }),
      github: { type: "github", name: "gh", repo: "a/b" },
      npm: { type: "npm", name: "n", package: "x", metrics: { downloads_day: false, downloads_month: false } },
      pypi: { type: "pypi", name: "p", package: "x", metrics: { downloads_week: "PYPI_WEEK" } },
      dockerhub: { type: "dockerhub", name: "d", repository: "a/b" },
      "discord-invite": { type: "discord-invite", name: "myDiscord", code: "abc" },
      stripe: { type: "stripe", name: "stripe", apiKey: "sk_test_k" },
      posthog: { type: "posthog", name: "posthog", projectId: "1", apiKey: "k" },
      ga4: { type: "ga4", name: "website", propertyId: "properties/123" },
      plausible: { type: "plausible", name: "site", siteId: "example.com", apiKey: "k", metrics: { pageviews_30d: false } },
    };
    const names = Object.values(examples).map((options) => createSource(sourceSchema.parse(options)).metricNames);
    expect(names).toEqual([
      ["A"],
      ["A"],
      ["GH_STARS", "GH_FORKS", "GH_WATCHERS", "GH_OPEN_ISSUES"],
      ["N_DOWNLOADS_WEEK"],
      ["P_DOWNLOADS_DAY", "PYPI_WEEK", "P_DOWNLOADS_MONTH"],
      ["D_PULLS", "D_STARS"],
      ["MY_DISCORD_MEMBERS", "MY_DISCORD_ONLINE"],
      ["STRIPE_MRR", "STRIPE_ACTIVE_SUBSCRIPTIONS", "STRIPE_TRIALING", "STRIPE_NEW_SUBSCRIPTIONS_30D", "STRIPE_CANCELED_30D"],
      ["POSTHOG_DAU", "POSTHOG_WAU", "POSTHOG_MAU"],
      ["WEBSITE_ACTIVE_USERS_1D", "WEBSITE_ACTIVE_USERS_7D", "WEBSITE_ACTIVE_USERS_28D", "WEBSITE_SESSIONS_7D"],
      ["SITE_VISITORS_7D", "SITE_VISITORS_30D"],
    ]);
  });

  it("converts to a JSON Schema with the descriptions editors show", () => {
    const schema = JSON.stringify(z.toJSONSchema(sourceSchema, { io: "input" }));
    for (const type of SOURCE_TYPES) expect(schema).toContain(`"const":"${type}"`);
    expect(schema).toContain("CSS selector of the login form");
  });
});
