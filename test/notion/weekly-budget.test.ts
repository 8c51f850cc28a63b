import { afterEach, describe, expect, it } from "@jest/globals";
import { createDiscordDestination } from "../../src/destinations/discord/destination.js";
import { addDays } from "../../src/dates.js";
import { Pipeline } from "../../src/pipeline.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { setup, type Harness } from "./harness.js";

let h: Harness;
let discord: FakeDiscord;
afterEach(async () => {
  await h.close();
  await discord.close();
});

const TODAY = "2026-11-30";
const metrics = (i: number) => ({ mrr: 1000 + i, stars: i });

describe("notion request budget of a whole weekly run", () => {
  it.each([10, 1000, 3000])("the real report (upsert, comparison, sparklines, claim, Reported to) costs at most 7 requests with %i rows", async (days) => {
    h = await setup();
    discord = await startFakeDiscord();
    h.fake.seedDays(days, { end: addDays(TODAY, -1), metrics });
    // The columns `notion init` creates; a database without them pays one schema update, once.
    h.fake.addColumn("Reported to", "rich_text");
    h.fake.addColumn("Alerted", "rich_text");
    const report = createDiscordDestination({ type: "discord", webhookUrl: discord.webhookUrl }, { secrets: h.secrets, backoffMs: 1 });
    const pipeline = new Pipeline({
      sources: [{ name: "s", collect: async () => metrics(days) }],
      destinations: [h.store, report],
      secrets: h.secrets,
    });

    const result = await pipeline.process("weekly-report", { date: TODAY });
    expect(result.ok).toBe(true);
    expect(discord.messages).toHaveLength(1);
    if (days >= 14) expect(JSON.stringify(discord.messages)).toContain(addDays(TODAY, -14));
    expect(h.fake.rows().find((r) => r.date === TODAY)).toMatchObject({ reportedTo: ["discord"], metrics: metrics(days) });
    // Schema (2), the day's row (1), upsert (1), the sparkline range (1), the claim before posting (1), the complete mark (1).
    expect(h.fake.requestCount).toBeLessThanOrEqual(7);
    expect(h.fake.count("PATCH /v1/data_sources/:id")).toBe(0);
  });

  it("stays within 7 when a source failed: the report records the alert in the same write", async () => {
    h = await setup();
    discord = await startFakeDiscord();
    h.fake.seedDays(30, { end: addDays(TODAY, -1), metrics });
    h.fake.addColumn("Reported to", "rich_text");
    h.fake.addColumn("Alerted", "rich_text");
    const report = createDiscordDestination({ type: "discord", webhookUrl: discord.webhookUrl }, { secrets: h.secrets, backoffMs: 1 });
    const pipeline = new Pipeline({
      sources: [
        { name: "s", collect: async () => metrics(30) },
        { name: "broken", collect: async () => Promise.reject(new Error("layout changed")) },
      ],
      destinations: [h.store, report],
      secrets: h.secrets,
    });
    expect((await pipeline.process("weekly-report", { date: TODAY })).ok).toBe(true);
    expect(discord.messages).toHaveLength(1);
    expect(JSON.stringify(discord.messages)).toContain("layout changed");
    expect(h.fake.rows().find((r) => r.date === TODAY)).toMatchObject({ reportedTo: ["discord"], alerted: ["broken"] });
    // Schema (2), the day's row (1), upsert (1), the sparkline range (1), the claim before posting (1), the complete mark (1).
    expect(h.fake.requestCount).toBeLessThanOrEqual(7);
  });
});

describe("a warm instance's next run", () => {
  it("reads Notion afresh even when the store is not subscribed to the job", async () => {
    h = await setup({}, { jobs: ["daily"] });
    discord = await startFakeDiscord();
    h.fake.seedDays(20, { end: TODAY, metrics });
    let seen: unknown;
    const reader = {
      name: "reader",
      write: async (_s: unknown, ctx: { history?: { get(d: string): Promise<unknown> } }) => void (seen = await ctx.history?.get(TODAY)),
    };
    const pipeline = new Pipeline({
      sources: [{ name: "s", collect: async () => metrics(1) }],
      destinations: [h.store, reader],
      history: h.store,
      secrets: h.secrets,
    });
    await pipeline.process("weekly-report", { date: TODAY });
    expect(seen).toMatchObject({ metrics: metrics(19) });
    // The row may have changed in Notion since: the next run must ask again, not reuse the last run's answer.
    const queriesBefore = h.fake.count("POST /v1/data_sources/:id/query");
    await pipeline.process("weekly-report", { date: TODAY });
    expect(h.fake.count("POST /v1/data_sources/:id/query")).toBe(queriesBefore + 1);
  });
});
