import { afterEach, describe, expect, it } from "@jest/globals";
import { createNotionDestination, notionInit } from "../../src/destinations/notion/index.js";
import { ConfigError, DestinationError } from "../../src/errors.js";
import { silentLogger } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { startFakeNotion, type FakeNotion } from "../fakes/notion-server.js";
import { FAST, snapshot } from "./harness.js";

let fake: FakeNotion;
afterEach(() => fake.close());

const deps = () => ({ secrets: new Secrets(), ...FAST });

describe("kpi-collector notion init", () => {
  it("creates a database that a daily run can use without touching its schema", async () => {
    fake = await startFakeNotion();
    const parentUrl = `https://www.notion.so/acme/Metrics-${fake.parentPageId.replace(/-/g, "")}`;

    const result = await notionInit({ token: fake.token, parent: parentUrl, metrics: ["mrr", "stars"], baseUrl: fake.url, title: "Acme KPIs" }, deps());

    expect(result.databaseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.url).toContain("notion.so");
    expect(fake.columns(result.databaseId)).toEqual({
      Day: "title",
      Date: "date",
      mrr: "number",
      stars: "number",
      Alerted: "rich_text",
      "Reported to": "rich_text",
    });
    expect(fake.requests[0]?.body).toMatchObject({
      parent: { type: "page_id", page_id: fake.parentPageId },
      title: [{ text: { content: "Acme KPIs" } }],
      initial_data_source: { properties: { Date: { date: {} }, mrr: { number: { format: "number" } } } },
    });

    fake.resetCounts();
    const store = createNotionDestination({ type: "notion", token: fake.token, database: result.databaseId, baseUrl: fake.url }, deps());
    await store.write(snapshot("2026-11-30", { mrr: 1, stars: 2 }), { logger: silentLogger(), secrets: new Secrets(), now: () => new Date() });
    await store.markReport("2026-11-30", { destination: "discord" });
    expect(fake.count("PATCH /v1/data_sources/:id")).toBe(0);
    expect(fake.requestCount).toBe(5);
    expect(fake.rows(result.databaseId)).toEqual([
      expect.objectContaining({ date: "2026-11-30", title: "2026-11-30", metrics: { mrr: 1, stars: 2 }, reportedTo: ["discord"] }),
    ]);
  });

  it("explains how to share a parent page the integration cannot see", async () => {
    fake = await startFakeNotion();
    const error = await notionInit({ token: fake.token, parent: "0123456789abcdef0123456789abcdef", metrics: [], baseUrl: fake.url }, deps()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as Error).message).toContain("parent page not found or not shared with the integration");
    expect((error as Error).message).toContain("••• menu > Connections");
  });

  it("says the token is invalid without showing it", async () => {
    fake = await startFakeNotion();
    const error = await notionInit({ token: "ntn_not_the_right_one_42", parent: fake.parentPageId, metrics: [], baseUrl: fake.url }, deps()).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain("Notion token invalid");
    expect((error as Error).message).not.toContain("ntn_not_the_right_one_42");
  });

  it("a create that timed out is not retried, and the error does not claim it was", async () => {
    fake = await startFakeNotion();
    fake.delayNext(2500, { method: "POST", path: "/v1/databases" });
    const options = { token: fake.token, parent: fake.parentPageId, metrics: ["mrr"], baseUrl: fake.url };
    const error = await notionInit(options, { ...deps(), timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as Error).message).toMatch(/^\[notion\] notion init failed: timed out or connection lost/);
    expect((error as Error).message).toContain("look in the parent page");
    expect(fake.count("POST /v1/databases")).toBe(1);
  });

  it("refuses a parent that is no id and metrics that clash with its own columns", async () => {
    fake = await startFakeNotion();
    await expect(notionInit({ token: fake.token, parent: "my page", metrics: [], baseUrl: fake.url }, deps())).rejects.toThrow(ConfigError);
    await expect(notionInit({ token: fake.token, parent: fake.parentPageId, metrics: ["Date"], baseUrl: fake.url }, deps())).rejects.toThrow(/Date clash/);
    expect(fake.requestCount).toBe(0);
  });
});
