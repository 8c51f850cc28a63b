import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { startFakePosthog, type FakePosthog } from "../fakes/posthog-server.js";

/** The fake itself against the reference (posthog-query.md). */
describe("the fake PostHog", () => {
  let fake: FakePosthog;
  const post = (body: unknown, key = "phx_k", project = "1") =>
    fetch(`${fake.url}/api/projects/${project}/query/`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const hogql = (query: string, values: Record<string, unknown> = {}) => ({ query: { kind: "HogQLQuery", query, values } });

  beforeEach(async () => {
    fake = await startFakePosthog({
      keys: { phx_k: { scopes: ["query:read"], projects: ["1"] }, phx_noscope: { scopes: [], projects: ["1"] } },
      evaluate: (query, values) => ({ columns: ["echo"], types: [["echo", "String"]], results: [[JSON.stringify({ query, values })]] }),
    });
  });
  afterEach(() => fake.close());

  it("answers the documented response shape, with the values beside the query", async () => {
    const response = await post(hogql("SELECT {x}", { x: 1 }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ columns: ["echo"], hasMore: false, limit: 100, offset: 0, is_cached: false });
    expect(JSON.parse((body.results as string[][])[0]![0]!)).toEqual({ query: "SELECT {x}", values: { x: 1 } });
  });

  it("rejects what HogQL's parser rejects: a string that never closes, a placeholder with no value", async () => {
    const spliced = await post(hogql("SELECT count() FROM events WHERE event = 'it's'"));
    expect(spliced.status).toBe(400);
    expect(await spliced.json()).toMatchObject({ type: "validation_error" });
    expect((await post(hogql("SELECT {missing}"))).status).toBe(400);
    expect((await post(hogql("SELECT '{not a placeholder}'"))).status).toBe(200);
  });

  it("uses the DRF error shapes for a bad key, a missing scope and throttling", async () => {
    const bad = await post(hogql("SELECT 1"), "phx_nope");
    expect([bad.status, await bad.json()]).toEqual([
      401,
      { type: "authentication_error", code: "authentication_failed", detail: "Incorrect authentication credentials.", attr: null },
    ]);
    const noScope = await post(hogql("SELECT 1"), "phx_noscope");
    expect(noScope.status).toBe(403);
    expect(await noScope.json()).toMatchObject({ code: "permission_denied", detail: "API key missing required scope 'query:read'" });
    fake.throttleNext();
    const throttled = await post(hogql("SELECT 1"));
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toMatchObject({ type: "throttled_error", code: "throttled" });
    expect((await post(hogql("SELECT 1"))).status).toBe(200);
  });
});
