import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { createDiscordDestination, type DiscordDeps } from "../../src/destinations/discord/destination.js";
import type { DiscordOptions } from "../../src/destinations/discord/options.js";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { Pipeline } from "../../src/pipeline.js";
import type { DestinationContext } from "../../src/types.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { MemoryHistory } from "../helpers/memory-history.js";
import { rejection, REPORT_DATE, reportContext, reportSnapshot } from "../helpers/report-context.js";

const DATE = REPORT_DATE;

describe("discord destination", () => {
  let discord: FakeDiscord;
  let history: MemoryHistory;
  let logs: LogRecord[];
  let secrets: Secrets;

  beforeEach(async () => {
    discord = await startFakeDiscord();
    history = new MemoryHistory([{ date: "2024-05-27", metrics: { mrr: 1000, users: 50 } }]);
    logs = [];
    secrets = new Secrets();
  });
  afterEach(() => discord.close());

  const destination = (options: Partial<DiscordOptions> = {}, deps: Partial<DiscordDeps> = {}) =>
    createDiscordDestination({ type: "discord", webhookUrl: discord.webhookUrl, ...options }, { secrets, backoffMs: 5, ...deps });
  const context = (over: Partial<DestinationContext> = {}) => reportContext(secrets, logs, history, over);
  const snapshot = reportSnapshot;

  it("posts the weekly report, without mentions, and records it", async () => {
    await destination({ username: "KPI bot" }).write(snapshot(), context());
    expect(discord.messages).toHaveLength(1);
    const [message] = discord.messages;
    expect(message?.body).toMatchObject({ username: "KPI bot", allowed_mentions: { parse: [] } });
    expect(message?.embeds[0]).toMatchObject({ title: `Weekly KPI report — ${DATE}`, color: 0x57f287 });
    expect(String(message?.embeds[0]?.description)).toContain("⭐ **mrr**: **1,100** ▲ +100 (+10.0%)");
    expect((await history.get(DATE))?.reportedTo).toEqual([{ destination: "discord" }]);
  });

  it("shows a failed source's declared metrics as missing, but no column added to history by hand", async () => {
    await history.upsert({ date: "2024-05-27", job: "daily", metrics: { "Typed by hand": 3 }, failures: [] });
    const failures = [{ source: "app", error: "layout changed", metrics: ["users"] }];
    await destination().write(snapshot({ metrics: { mrr: 1100 }, failures }), context());
    const text = JSON.stringify(discord.messages[0]?.embeds);
    expect(text).toContain("n/a** (no value this run)\\nwas 50");
    expect(text).not.toContain("Typed by hand");
  });

  it("sends one report when the weekly job is delivered twice", async () => {
    const discordDestination = destination();
    await discordDestination.write(snapshot(), context());
    await discordDestination.write(snapshot(), context());
    expect(discord.messages).toHaveLength(1);
    expect(logs.map((l) => l.message)).toContain(`weekly report of ${DATE} was already posted to discord; skipping`);
  });

  it("posts nothing when history can't be read, so a redelivery can't post twice", async () => {
    history.failReads = new Error("notion is down");
    const error = await rejection(destination().write(snapshot(), context()));
    expect(error.code).toBe("history_unreadable");
    expect(error.message).toBe(`[discord] can't read history for ${DATE}, so nothing is posted: notion is down`);
    expect(discord.requests).toHaveLength(0);
  });

  it("fails clearly without a history store", async () => {
    const error = await rejection(destination().write(snapshot(), context({ history: undefined })));
    expect(error.code).toBe("history_missing");
    expect(discord.requests).toHaveLength(0);
  });

  it("prefers an injected history store to the pipeline's", async () => {
    const other = new MemoryHistory([{ date: "2024-05-27", metrics: { mrr: 2200 } }]);
    await destination({}, { history: other }).write(snapshot(), context());
    expect(String(discord.messages[0]?.embeds[0]?.description)).toContain("▼ -1,100 (-50.0%)");
    expect((await other.get(DATE))?.reportedTo).toEqual([{ destination: "discord" }]);
  });

  it("says when it reported, and the report marks its failures as alerted", async () => {
    const failures = [{ source: "stripe", error: "status 500" }];
    const d = destination();
    await d.write(snapshot({ failures }), context());
    const embeds = discord.messages[0]?.embeds ?? [];
    expect(embeds.at(-1)).toMatchObject({ title: "Sources that failed this run", description: "- **stripe**: status 500" });
    expect((await history.get(DATE))?.alerted).toEqual(["stripe"]);
    await d.write(snapshot({ job: "daily", failures }), context());
    expect(discord.messages).toHaveLength(1);
  });

  it("alerts once a day per failed source on any job", async () => {
    const d = destination();
    expect(d.jobs).toBeUndefined();
    const failures = [{ source: "github", error: "timed out after 30000 ms" }];
    await d.write(snapshot({ job: "daily", failures }), context());
    await d.write(snapshot({ job: "daily", failures }), context());
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0]?.embeds[0]).toMatchObject({
      title: `⚠️ 1 source failed: daily run of ${DATE}`,
      description: "- **github**: timed out after 30000 ms",
      color: 0xed4245,
    });
    await d.write(snapshot({ job: "daily", failures: [...failures, { source: "plausible", error: "HTTP 401" }] }), context());
    expect(discord.messages).toHaveLength(2);
    expect(discord.messages[1]?.embeds[0]?.description).toBe("- **plausible**: HTTP 401");
    expect((await history.get(DATE))?.alerted).toEqual(["github", "plausible"]);
    await d.write(snapshot({ job: "daily", date: "2024-06-11", failures }), context());
    expect(discord.messages).toHaveLength(3);
  });

  it("keeps secrets out of alerts", async () => {
    secrets.add("sk_live_supersecret");
    await destination().write(snapshot({ job: "daily", failures: [{ source: "stripe", error: "bad key sk_live_supersecret" }] }), context());
    expect(discord.requests[0]?.body).not.toContain("sk_live_supersecret");
    expect(discord.messages[0]?.embeds[0]?.description).toBe("- **stripe**: bad key \\[redacted\\]");
  });

  it("posts nothing on a daily run without failures, or with alerts off", async () => {
    await destination().write(snapshot({ job: "daily" }), context());
    const quiet = destination({ alertOnFailure: false });
    expect(quiet.jobs).toEqual(["weekly-report"]);
    await quiet.write(snapshot({ job: "daily", failures: [{ source: "x", error: "y" }] }), context());
    expect(discord.requests).toHaveLength(0);
  });

  it("posts the report on the jobs listed in `jobs`", async () => {
    await destination({ jobs: ["daily"] }).write(snapshot({ job: "daily" }), context());
    expect(discord.messages[0]?.embeds[0]?.title).toBe(`Weekly KPI report — ${DATE}`);
  });

  it("never shows the webhook URL or token in errors or logs", async () => {
    const d = createDiscordDestination(
      { type: "discord", webhookUrl: discord.webhookUrl.replace(discord.token, "not-the-right-token-123") },
      { secrets, backoffMs: 5 },
    );
    const pipeline = new Pipeline({
      sources: [{ name: "s", collect: async () => ({ mrr: 1 }) }],
      destinations: [history, d],
      secrets,
      logger: createLogger({ secrets, sink: (r) => logs.push(r) }),
      now: () => new Date(`${DATE}T09:00:00Z`),
    });
    const result = await pipeline.process("weekly-report");
    const failed = result.destinations.find((r) => r.destination === "discord");
    expect(failed?.error).toBe("[discord] webhook 1234…: invalid webhook token (401, code 50027: Invalid Webhook Token); check the webhook URL");
    expect(JSON.stringify(logs)).not.toContain("not-the-right-token-123");
    expect(JSON.stringify(logs)).not.toContain(discord.webhookUrl.split("/api/")[1]);
  });

  it("reports through the pipeline, which writes history first", async () => {
    const pipeline = new Pipeline({
      sources: [
        { name: "billing", collect: async () => ({ mrr: 1234, users: 60 }) },
        {
          name: "broken",
          collect: async () => {
            throw new Error("boom");
          },
        },
      ],
      destinations: [destination(), history],
      secrets,
      northStar: "mrr",
      now: () => new Date(`${DATE}T09:00:00Z`),
    });
    const result = await pipeline.process("weekly-report");
    expect(result.ok).toBe(true);
    expect(discord.messages).toHaveLength(1);
    expect((await history.get(DATE))?.metrics).toEqual({ mrr: 1234, users: 60 });
    const text = JSON.stringify(discord.messages[0]?.embeds);
    expect(text).toContain("+234 (+23.4%)");
    expect(text).toContain("- **broken**: boom");
  });
});
