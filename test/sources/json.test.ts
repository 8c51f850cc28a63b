import { afterEach, describe, expect, it } from "@jest/globals";
import { createJsonSource, jsonSourceSchema, type JsonSourceOptions } from "../../src/sources/json.js";
import { sendHtml, sendJson, startServer, type TestServer } from "../helpers/server.js";
import { failureOf, sourceContext } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => server?.close());

const DOC = {
  data: {
    items: [{ count: 17 }, { count: "1,234" }],
    total: " 42 ",
    "key with.dots": 3,
    label: "2024-05-01",
    version: "1.2.3",
    huge: "1e309",
    big: 2 ** 60,
    german: "1.234",
    none: null,
    nested: { a: 1 },
  },
  rate: "12%",
  size: "1.2k",
};

function source(url: string, metrics: Record<string, string>, extra: Partial<JsonSourceOptions> = {}) {
  const entries = Object.fromEntries(Object.entries(metrics).map(([name, path]) => [name, { path }]));
  return createJsonSource(jsonSourceSchema.parse({ type: "json", name: "api", url, metrics: entries, ...extra }));
}

async function serveJson(body: unknown = DOC): Promise<TestServer> {
  server = await startServer((_, res) => sendJson(res, 200, body));
  return server;
}

describe("json source", () => {
  it("reads dot, bracket and index paths, and numeric strings", async () => {
    const { url } = await serveJson();
    const api = source(`${url}/stats`, {
      FIRST: "data.items[0].count",
      SECOND: "data.items[1].count",
      LAST: "data.items[-1].count",
      TOTAL: "data.total",
      DOTTED: 'data["key with.dots"]',
      RATE: "rate",
      SIZE: "$.size",
    });
    expect(api.metricNames).toEqual(["FIRST", "SECOND", "LAST", "TOTAL", "DOTTED", "RATE", "SIZE"]);
    expect(await api.collect(sourceContext())).toEqual({ FIRST: 17, SECOND: 1234, LAST: 1234, TOTAL: 42, DOTTED: 3, RATE: 12, SIZE: 1200 });
  });

  it("reads an ambiguous string by the source's locale", async () => {
    const { url } = await serveJson();
    expect(await source(`${url}/stats`, { V: "data.german" }).collect(sourceContext())).toEqual({ V: 1.234 });
    expect(await source(`${url}/stats`, { V: "data.german" }, { locale: "de" }).collect(sourceContext())).toEqual({ V: 1234 });
  });

  it("refuses a locale that is not one", () => {
    const parsed = jsonSourceSchema.safeParse({ type: "json", name: "api", url: "http://x.test/", locale: "de_DE", metrics: { V: { path: "v" } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["locale"], message: expect.stringContaining("BCP 47") });
  });

  it.each([
    ["a missing path", "data.items[5].count", "path data.items[5].count is missing in the response of URL (data.items[5] is not there)"],
    ["a missing last key", "data.count", "path data.count is missing in the response of URL"],
    ["null", "data.none", "path data.none holds null, not a number (URL)"],
    ["an object", "data.nested", "path data.nested holds an object, not a number (URL)"],
    [
      "a string that is not wholly a number",
      "data.label",
      'path data.label holds "2024-05-01", which is not one number (see "Numbers as pages write them" in docs/sources.md) (URL)',
    ],
    [
      "a string that is not one number",
      "data.version",
      'path data.version holds "1.2.3", which is not one number (see "Numbers as pages write them" in docs/sources.md) (URL)',
    ],
    ["a string that is not finite", "data.huge", 'path data.huge holds "1e309", which is not a finite number (URL)'],
    [
      "a whole number past 2^53, already rounded by any JSON parser",
      "data.big",
      `path data.big holds "1152921504606847000", a whole number beyond 9,007,199,254,740,991, which can't be recorded exactly (JSON parsers and Notion round it) (URL)`,
    ],
  ])("fails on %s, never recording 0", async (_, path, expected) => {
    const { url } = await serveJson();
    const message = await failureOf(source(`${url}/stats?api_key=k-123456`, { VALUE: path }), sourceContext(), ["k-123456"]);
    expect(message).toBe(`[api] ${expected.replace("URL", `${url}/stats`)}`);
  });

  it.each([
    [
      "an HTML page",
      (res: Parameters<Parameters<typeof startServer>[0]>[1]) => sendHtml(res, 200, "<!doctype html><p>Maintenance</p>"),
      'text/html; charset=utf-8; it starts with "<!doctype html><p>Maintenance</p>"',
    ],
    ["empty", (res: Parameters<Parameters<typeof startServer>[0]>[1]) => res.end(), "no content-type; an empty body"],
  ])("fails clearly when the body is %s, not JSON", async (_, respond, detail) => {
    server = await startServer((_, res) => respond(res));
    const message = await failureOf(source(`${server.url}/stats`, { VALUE: "count" }), sourceContext());
    expect(message).toBe(`[api] the response of ${server.url}/stats is not JSON (${detail})`);
  });

  it("POSTs a JSON body with headers and basic auth, and keeps the password out of messages", async () => {
    server = await startServer((req, res) => {
      const authorized = req.headers.authorization === `Basic ${Buffer.from("bot:pa55-word").toString("base64")}`;
      if (!authorized) return sendJson(res, 401, { error: "unauthorized" });
      const query = JSON.parse(req.body) as { metric: string };
      sendJson(res, 200, { result: { [query.metric]: 99 } });
    });
    const options = {
      method: "POST",
      body: { metric: "signups" },
      headers: { "x-api-version": "2" },
      basicAuth: { username: "bot", password: "pa55-word" },
    } as const;
    expect(await source(`${server.url}/query`, { SIGNUPS: "result.signups" }, options).collect(sourceContext())).toEqual({ SIGNUPS: 99 });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: "POST", body: '{"metric":"signups"}' });
    expect(request?.headers).toMatchObject({ "content-type": "application/json", "x-api-version": "2" });

    const wrong = source(`${server.url}/query`, { SIGNUPS: "result.signups" }, { ...options, basicAuth: { username: "bot", password: "not-the-pa55" } });
    expect(await failureOf(wrong, sourceContext(), ["not-the-pa55"])).toBe(`[api] Request failed with status code 401: POST ${server.url}/query`);
  });

  describe("retries", () => {
    it("waits out a 429 with Retry-After, then succeeds", async () => {
      const arrivals: number[] = [];
      server = await startServer((_, res) => {
        arrivals.push(Date.now());
        if (arrivals.length === 1) return sendJson(res, 429, { message: "rate limited" }, { "retry-after": "1" });
        sendJson(res, 200, { count: 5 });
      });
      expect(await source(`${server.url}/stats`, { VALUE: "count" }).collect(sourceContext())).toEqual({ VALUE: 5 });
      expect(server.requests).toHaveLength(2);
      expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(950);
    });

    it("retries a 500, then succeeds", async () => {
      server = await startServer((_, res) => (server?.requests.length === 1 ? sendJson(res, 500, { error: "boom" }) : sendJson(res, 200, { count: 8 })));
      expect(await source(`${server.url}/stats`, { VALUE: "count" }).collect(sourceContext())).toEqual({ VALUE: 8 });
      expect(server.requests).toHaveLength(2);
    });

    it("gives up on a persistent 503 with the attempts in the message", async () => {
      server = await startServer((_, res) => sendJson(res, 503, { error: "down" }));
      const message = await failureOf(source(`${server.url}/stats`, { VALUE: "count" }), sourceContext());
      expect(message).toBe(`[api] Request failed with status code 503: GET ${server.url}/stats after 3 attempts`);
    });

    it("never retries a POST", async () => {
      server = await startServer((_, res) => sendJson(res, 500, { error: "boom" }));
      const message = await failureOf(source(`${server.url}/q`, { VALUE: "count" }, { method: "POST", body: "{}" }), sourceContext());
      expect(message).toContain("status code 500: POST");
      expect(server.requests).toHaveLength(1);
    });
  });
});
