import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { PNG } from "pngjs";
import { createDiscordDestination } from "../../src/destinations/discord/destination.js";
import type { DiscordOptions } from "../../src/destinations/discord/options.js";
import { addDays } from "../../src/dates.js";
import type { LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { MemoryHistory } from "../helpers/memory-history.js";
import { REPORT_DATE, reportContext, reportSnapshot } from "../helpers/report-context.js";

const FILE = `kpi-report-${REPORT_DATE}.png`;
const days = (n: number) => Array.from({ length: n }, (_, i) => ({ date: addDays(REPORT_DATE, i - n), metrics: { mrr: 900 + i * 2, users: 40 + (i % 5) } }));

describe("the weekly report's chart in Discord", () => {
  let discord: FakeDiscord;
  let history: MemoryHistory;
  let logs: LogRecord[];
  const secrets = new Secrets();
  beforeEach(async () => {
    discord = await startFakeDiscord();
    history = new MemoryHistory(days(100));
    logs = [];
  });
  afterEach(() => discord.close());

  const send = (options: Partial<DiscordOptions> = {}) =>
    createDiscordDestination({ type: "discord", webhookUrl: discord.webhookUrl, ...options }, { secrets, backoffMs: 5 }).write(
      reportSnapshot(),
      reportContext(secrets, logs, history),
    );

  it("uploads a PNG with the first message, shows it in the embed and describes the North Star's trend", async () => {
    await send();
    expect(discord.messages).toHaveLength(1);
    const [message] = discord.messages;
    expect(message?.embeds[0]?.image).toEqual({ url: `attachment://${FILE}` });
    expect(message?.attachments).toHaveLength(1);
    const [file] = message?.attachments ?? [];
    expect(file).toMatchObject({ filename: FILE, content_type: "image/png" });
    expect(file?.size).toBeLessThanOrEqual(1024 * 1024);
    expect(file?.description).toMatch(/^mrr rose from 934 to 1,100 over the 12 weeks to 2024-06-10; \+28 \(\+2\.6%\) since 2024-05-27\./);
    const png = PNG.sync.read(file?.data ?? Buffer.alloc(0));
    expect([png.width, png.height]).toEqual([1200, 800]);
    expect(discord.errors).toEqual([]);
    expect((await history.get(REPORT_DATE))?.reportedTo).toEqual([{ destination: "discord" }]);
  });

  it("reads the 12 weeks once, before the report's own read, which the chart's span covers", async () => {
    await send();
    const ranges = history.calls.filter((c) => c.method === "range").map((c) => c.args);
    expect(ranges[0]).toEqual([addDays(REPORT_DATE, -83), REPORT_DATE]);
    for (const [from, to] of ranges.slice(1) as [string, string][]) expect(from >= addDays(REPORT_DATE, -83) && to <= REPORT_DATE).toBe(true);
  });

  it("draws nothing and reads no 12 weeks with chart: false", async () => {
    await send({ chart: false });
    expect(discord.messages[0]?.attachments).toEqual([]);
    expect(discord.messages[0]?.embeds[0]?.image).toBeUndefined();
    expect(history.calls.filter((c) => c.method === "range").map((c) => c.args[0])).not.toContain(addDays(REPORT_DATE, -83));
  });

  it("posts the text report when the chart can't be drawn, and warns", async () => {
    // The chart's 12-week read fails; the report's own, shorter read works.
    const range = history.range.bind(history);
    history.range = async (from, to) => {
      if (from === addDays(REPORT_DATE, -83)) throw new Error("chart read refused");
      return range(from, to);
    };
    await send();
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0]?.attachments).toEqual([]);
    expect(discord.messages[0]?.embeds[0]?.image).toBeUndefined();
    expect(logs.filter((l) => l.severity === "WARNING").map((l) => l.message)).toEqual([
      `the weekly report of ${REPORT_DATE} goes without its chart: chart read refused`,
    ]);
    expect((await history.get(REPORT_DATE))?.reportedTo).toEqual([{ destination: "discord" }]);
  });

  it("keeps the chart on the first of split messages only", async () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`metric_${i}_${"x".repeat(150)}`, i]));
    const destination = createDiscordDestination({ type: "discord", webhookUrl: discord.webhookUrl }, { secrets, backoffMs: 1 });
    await destination.write(reportSnapshot({ metrics: { mrr: 1100, ...many } }), reportContext(secrets, logs, history));
    expect(discord.messages.length).toBeGreaterThan(1);
    expect(discord.messages.map((m) => m.attachments.length)).toEqual([1, ...Array(discord.messages.length - 1).fill(0)]);
    expect(discord.errors).toEqual([]);
  });
});
