import { afterEach, describe, expect, it } from "@jest/globals";
import { startFakeNotion, type FakeNotion } from "../fakes/notion-server.js";

/** The fake must be no kinder than Notion, or the client's tests prove nothing. */

let fake: FakeNotion;
afterEach(() => fake.close());

function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${fake.token}`, "notion-version": "2025-09-03" };
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${fake.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const retypeMrr = (type: string) => send("PATCH", `/v1/data_sources/${fake.dataSourceId}`, { properties: { mrr: { [type]: {} } } });

describe("the fake Notion behaves as Notion does", () => {
  it("answers 429 again to a request sent before Retry-After has passed", async () => {
    fake = await startFakeNotion();
    fake.failNext(1, 429, { retryAfter: 2 });
    const first = await send("GET", `/v1/databases/${fake.databaseId}`);
    const early = await send("GET", `/v1/data_sources/${fake.dataSourceId}`);
    expect([first.status, first.headers.get("retry-after")]).toEqual([429, "2"]);
    expect(early.status).toBe(429);
    expect(await early.json()).toMatchObject({ object: "error", status: 429, code: "rate_limited" });
    expect(Number(early.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 429]);
  });

  it("sends a Retry-After with every 429, as Notion does", async () => {
    fake = await startFakeNotion();
    fake.failNext(1, 429);
    const response = await send("GET", `/v1/databases/${fake.databaseId}`);
    expect([response.status, response.headers.get("retry-after")]).toEqual([429, "1"]);
  });

  it("gives every column of a data source its own property id, as Notion does, so no write lands in another column's cell", async () => {
    fake = await startFakeNotion();
    // 4 random hex characters gave two of 600 columns the same id almost surely (a CI run once lost
    // a row's mrr to its "Reported to" column).
    const names = Array.from({ length: 600 }, (_, i) => `metric_${i}`);
    for (const name of names) fake.addColumn(name, "number");
    const source = (await (await send("GET", `/v1/data_sources/${fake.dataSourceId}`)).json()) as { properties: Record<string, { id: string }> };
    const ids = Object.values(source.properties).map((p) => p.id);
    expect(ids.length).toBe(names.length + 1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("changes a column's type when an update names it with another type key, converting its values", async () => {
    fake = await startFakeNotion();
    fake.seedRows([{ date: "2026-11-29", metrics: { mrr: 42 } }]);
    const response = await retypeMrr("rich_text");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ properties: { mrr: { name: "mrr", type: "rich_text" } } });
    expect(fake.columns()).toMatchObject({ mrr: "rich_text" });
    expect(fake.rows()[0]?.metrics).toEqual({});

    expect((await retypeMrr("number")).status).toBe(200);
    expect(fake.columns()).toMatchObject({ mrr: "number" });
    expect(fake.rows()[0]?.metrics).toEqual({ mrr: 42 });
  });

  it("refuses to change the title column's type", async () => {
    fake = await startFakeNotion({ columns: { Name: "title", mrr: "number" } });
    const response = await send("PATCH", `/v1/data_sources/${fake.dataSourceId}`, { properties: { Name: { rich_text: {} } } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "validation_error" });
    expect((await retypeMrr("title")).status).toBe(400);
    expect(fake.columns()).toEqual({ Name: "title", mrr: "number" });
  });
});
