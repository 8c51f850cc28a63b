import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { buildPipeline } from "../../src/build.js";
import { loadConfig } from "../../src/config/load.js";
import { addDays } from "../../src/dates.js";
import { silentLogger } from "../../src/log/logger.js";
import { startFakeNotion, type FakeNotion } from "../fakes/notion-server.js";
import { startFakeDiscord } from "../fakes/discord-server.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";
import { derivedSourcesYaml, prepareDerivedDatabase, seeded, TEN_DERIVED_NAMES, TODAY_VALUES } from "../fakes/derived-config.js";

const TODAY = "2026-11-30";
const DAYS = 3000;
const TUNING = { destinations: { notion: { minIntervalMs: 0, backoffMs: 1, maxBackoffMs: 5, timeoutMs: 10_000 } } };

let site: TestServer;
let notion: FakeNotion;
beforeEach(async () => {
  site = await startServer((_req, res) => sendJson(res, 200, TODAY_VALUES));
  notion = await startFakeNotion();
});
afterEach(async () => {
  await Promise.all([site.close(), notion.close()]);
});

async function pipeline(discordWebhookUrl?: string) {
  const yaml = `${derivedSourcesYaml(`${site.url}/stats`)}destinations:
  - type: notion
    token: \${NOTION_TOKEN}
    database: ${notion.databaseId}
    baseUrl: ${notion.url}
${discordWebhookUrl ? `  - type: discord\n    webhookUrl: ${discordWebhookUrl}\n` : ""}`;
  return buildPipeline(loadConfig(yaml, { NOTION_TOKEN: notion.token }), { logger: silentLogger(), customSources: [], tuning: TUNING });
}

/** Seeded day `back` days before today (yesterday is 1). */
const before = (back: number) => seeded(DAYS - back);

describe("derived metrics with the Notion store, 3,000 rows of history", () => {
  it("a daily run with ten derived metrics over up to 90 days makes 5 requests, one more than without, and stores the values", async () => {
    prepareDerivedDatabase(notion, DAYS, TODAY);
    const result = await (await pipeline()).process("daily", { date: TODAY });

    expect(result.ok).toBe(true);
    expect(result.snapshot.failures).toEqual([]);
    expect(notion.counts()).toEqual({
      "GET /v1/databases/:id": 1,
      "GET /v1/data_sources/:id": 1,
      // The one history read (today and the 90 days before), then today's row.
      "POST /v1/data_sources/:id/query": 2,
      "POST /v1/pages": 1,
    });
    const queries = notion.requests.filter((r) => r.route === "POST /v1/data_sources/:id/query").map((r) => JSON.stringify(r.body));
    expect(queries[0]).toContain(`"on_or_after":"${addDays(TODAY, -90)}"`);

    // Worked out from the seeded rows without the evaluator.
    const mrr = [TODAY_VALUES.MRR, ...[1, 2, 3, 4, 5, 6].map((b) => before(b).MRR)];
    const signups7 = TODAY_VALUES.SIGNUPS + [1, 2, 3, 4, 5, 6].reduce((sum, b) => sum + before(b).SIGNUPS, 0);
    const ratios = [TODAY_VALUES.MRR / TODAY_VALUES.USERS, ...[1, 2, 3, 4, 5, 6].map((b) => before(b).MRR / before(b).USERS)];
    const row = notion.rows().find((r) => r.date === TODAY);
    expect(Object.keys(row?.metrics ?? {}).sort()).toEqual(["MRR", "SIGNUPS", "USERS", ...TEN_DERIVED_NAMES].sort());
    expect(row?.metrics).toMatchObject({
      USERS_MAX_90D: before(1).USERS,
      USERS_MIN_90D: TODAY_VALUES.USERS,
      SIGNUPS_7D: signups7,
      USERS_CHANGE_90D: TODAY_VALUES.USERS - before(90).USERS,
    });
    expect(row?.metrics.RATIO).toBeCloseTo(TODAY_VALUES.MRR / TODAY_VALUES.USERS, 10);
    expect(row?.metrics.MRR_AVG_7D).toBeCloseTo(mrr.reduce((a, b) => a + b, 0) / 7, 10);
    expect(row?.metrics.MRR_GROWTH_30D).toBeCloseTo(((TODAY_VALUES.MRR - before(30).MRR) / before(30).MRR) * 100, 10);
    expect(row?.metrics.RATIO_AVG_7D).toBeCloseTo(ratios.reduce((a, b) => a + b, 0) / 7, 10);
  });

  it("a weekly-report run costs no more than without derived metrics: the report reads from the derived metrics' read", async () => {
    prepareDerivedDatabase(notion, DAYS, TODAY);
    const discord = await startFakeDiscord();
    try {
      const result = await (await pipeline(discord.webhookUrl)).process("weekly-report", { date: TODAY });
      expect(result.ok).toBe(true);
      expect(discord.messages.length).toBeGreaterThan(0);
      const fields = (discord.messages[0]?.embeds[0] as { fields?: { name: string; value: string }[] } | undefined)?.fields ?? [];
      expect(fields.find((f) => f.name === "SIGNUPS\\_7D")?.value).toMatch(/^\*\*20\*\* /);
    } finally {
      await discord.close();
    }
    // Schema (2), the history read, today's row lookup and create, the claim before posting and the
    // complete mark: 7, as bench/notion-cost.ts's weekly run without derived metrics.
    expect(notion.requestCount).toBe(7);
    expect(notion.count("POST /v1/data_sources/:id/query")).toBe(2);
    expect(notion.rows().find((r) => r.date === TODAY)).toMatchObject({ reportedTo: ["discord"] });
  });

  it("the first run adds the ten columns in one schema update; a rerun of the date finds its row in the history read", async () => {
    notion.seedDays(DAYS, { end: addDays(TODAY, -1), metrics: seeded });
    const first = await pipeline();
    await first.process("daily", { date: TODAY });
    expect(notion.count("PATCH /v1/data_sources/:id")).toBe(1);
    expect(Object.keys(notion.columns())).toEqual(expect.arrayContaining(TEN_DERIVED_NAMES));

    notion.resetCounts();
    await first.process("daily", { date: TODAY });
    // Schema, the history read (which holds today's row), the update: no lookup of the date.
    expect(notion.counts()).toEqual({
      "GET /v1/databases/:id": 1,
      "GET /v1/data_sources/:id": 1,
      "POST /v1/data_sources/:id/query": 1,
      "PATCH /v1/pages/:id": 1,
    });
    expect(notion.rows().filter((r) => r.date === TODAY && !r.trashed)).toHaveLength(1);
  });

  it("a failing history read leaves the windowed metrics missing with the reason, and computes the ratio", async () => {
    prepareDerivedDatabase(notion, 10, TODAY);
    notion.failNext(1, 400, { method: "POST", path: "/v1/data_sources/:id/query" });
    const result = await (await pipeline()).process("daily", { date: TODAY });
    expect(result.snapshot.metrics.RATIO).toBeCloseTo(TODAY_VALUES.MRR / TODAY_VALUES.USERS, 10);
    expect(result.snapshot.metrics).not.toHaveProperty("MRR_AVG_7D");
    const failure = result.snapshot.failures.find((f) => f.source === "MRR_AVG_7D (derived)");
    expect(failure?.error).toMatch(/^needs 6 day\(s\) of history, but history could not be read \(/);
    expect(notion.token.length).toBeGreaterThan(10);
    expect(JSON.stringify(result.snapshot.failures)).not.toContain(notion.token);
  });
});
