import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createWebhookClient } from "../../src/destinations/discord/webhook.js";
import { Secrets } from "../../src/log/secrets.js";
import { buildWeeklyReport } from "../../src/report/build-report.js";
import { DISCORD_LIMITS, embedSize, type DiscordMessage } from "../../src/destinations/discord/limits.js";
import { toDiscordMessages } from "../../src/destinations/discord/embeds.js";
import type { MetricDisplay } from "../../src/report/format.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { MemoryHistory, weeklyRows } from "../helpers/memory-history.js";

const DATE = "2024-06-10";

async function reportOf(count: number, label: (i: number) => string | undefined, failures = 0): Promise<DiscordMessage[]> {
  const names = Array.from({ length: count }, (_, i) => `metric_${String(i).padStart(3, "0")}`);
  const start = Object.fromEntries(names.map((n, i) => [n, 1000 + i * 37]));
  const step = Object.fromEntries(names.map((n, i) => [n, (i % 7) - 3]));
  const history = new MemoryHistory(weeklyRows(DATE, 8, start, step));
  const metrics = Object.fromEntries(names.map((n, i) => [n, 123456.78 + i]));
  const display: Record<string, MetricDisplay> = Object.fromEntries(names.map((n, i) => [n, { label: label(i) }]));
  const report = await buildWeeklyReport(
    {
      date: DATE,
      metrics,
      failures: Array.from({ length: failures }, (_, i) => ({ source: `source_${i}`, error: `HTTP 503: ${"upstream unavailable ".repeat(20)}` })),
    },
    history,
    { metrics: display, northStar: "metric_000" },
  );
  return toDiscordMessages(report, { username: "KPI" });
}

/** The field labels in the order Discord shows them (markdown escapes undone). */
const labels = (messages: { embeds?: { fields?: { name: string }[] }[] }[]) =>
  messages.flatMap((m) => (m.embeds ?? []).flatMap((e) => (e.fields ?? []).map((f) => f.name.replace(/\\(.)/g, "$1"))));

function assertWithinLimits(messages: DiscordMessage[]): void {
  for (const message of messages) {
    const embeds = message.embeds ?? [];
    expect(embeds.length).toBeGreaterThan(0);
    expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
    expect(embeds.reduce((sum, e) => sum + embedSize(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    for (const e of embeds) {
      expect((e.fields ?? []).length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
      expect((e.description ?? "").length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
      for (const f of e.fields ?? []) {
        expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
        expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
      }
    }
    expect(message.allowed_mentions).toEqual({ parse: [] });
  }
}

describe("splitting a report across embeds and messages", () => {
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(() => discord.close());

  /** Posts through the real client: the fake answers 400 for any broken limit. */
  async function post(messages: DiscordMessage[]): Promise<void> {
    discord.messages.length = 0;
    const client = createWebhookClient(discord.webhookUrl, { destination: "discord", secrets: new Secrets(), maxRetries: 0 });
    for (const message of messages) await client.execute(message);
    expect(discord.messages).toHaveLength(messages.length);
  }

  it("fits 5 metrics in one embed", async () => {
    const messages = await reportOf(5, () => undefined);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.embeds).toHaveLength(1);
    expect(labels(messages)).toEqual(["metric_001", "metric_002", "metric_003", "metric_004"]);
    await post(messages);
  });

  it("splits 60 metrics across embeds of at most 25 fields, in order", async () => {
    const messages = await reportOf(60, () => undefined);
    assertWithinLimits(messages);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.embeds?.map((e) => e.fields?.length)).toEqual([25, 25, 9]);
    await post(messages);
    expect(labels(discord.messages)).toEqual(Array.from({ length: 59 }, (_, i) => `metric_${String(i + 1).padStart(3, "0")}`));
  });

  it("splits 60 metrics with long labels across messages, in order", async () => {
    const messages = await reportOf(60, (i) => `${String(i).padStart(3, "0")} ${"long label ".repeat(18)}`);
    assertWithinLimits(messages);
    expect(messages.length).toBeGreaterThan(1);
    await post(messages);
    const posted = labels(discord.messages);
    expect(posted).toHaveLength(59);
    expect(posted.map((l) => l.slice(0, 3))).toEqual(Array.from({ length: 59 }, (_, i) => String(i + 1).padStart(3, "0")));
  });

  it("keeps 300 metrics and 40 long failures within every limit", async () => {
    const messages = await reportOf(300, (i) => `${i} ${"x".repeat(190)}`, 40);
    assertWithinLimits(messages);
    await post(messages);
    const last = discord.messages.at(-1)?.embeds.at(-1);
    expect(String(last?.description)).toContain("**source\\_39**");
  });

  it("cuts a label too long for a field name", async () => {
    const messages = await reportOf(2, () => "y".repeat(400));
    expect(labels(messages)[0]).toBe(`${"y".repeat(255)}…`);
    await post(messages);
  });
});
