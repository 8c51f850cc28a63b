import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { createDestination } from "../../src/destinations/registry.js";
import { silentLogger } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { Pipeline } from "../../src/pipeline.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";
import { MemoryHistory } from "../helpers/memory-history.js";
import { REPORT_DATE as DATE } from "../helpers/report-context.js";

/** Discord and Slack in one config: each posts its own report once, whatever the other does. */
describe("a discord and a slack destination together", () => {
  let discord: FakeDiscord;
  let slack: FakeSlack;
  let history: MemoryHistory;

  beforeEach(async () => {
    [discord, slack] = await Promise.all([startFakeDiscord(), startFakeSlack()]);
    history = new MemoryHistory([{ date: "2024-05-27", metrics: { mrr: 1000 } }]);
  });
  afterEach(() => Promise.all([discord.close(), slack.close()]));

  const pipeline = async () => {
    const secrets = new Secrets();
    const deps = { secrets, logger: silentLogger() };
    const destinations = [
      history,
      await createDestination({ type: "discord", webhookUrl: discord.webhookUrl }, deps),
      await createDestination({ type: "slack", webhookUrl: slack.webhookUrl }, deps),
    ];
    return new Pipeline({
      sources: [{ name: "app", collect: async () => ({ mrr: 1100 }) }],
      destinations,
      secrets,
      northStar: "mrr",
      now: () => new Date(`${DATE}T09:00:00Z`),
    });
  };

  it("each posts one report, and a redelivery posts none", async () => {
    const p = await pipeline();
    expect((await p.process("weekly-report")).ok).toBe(true);
    expect((await p.process("weekly-report")).ok).toBe(true);
    expect(discord.messages).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
    expect((await history.get(DATE))?.reportedTo).toEqual([{ destination: "discord" }, { destination: "slack" }]);
  });

  it("Slack failing while Discord works: Discord's report isn't repeated, and Slack's is posted once it recovers", async () => {
    slack.setState("channel_is_archived");
    const p = await pipeline();
    const first = await p.process("weekly-report");
    expect(first.destinations.find((d) => d.destination === "slack")?.ok).toBe(false);
    expect(first.destinations.find((d) => d.destination === "discord")?.ok).toBe(true);
    expect([discord.messages.length, slack.messages.length]).toEqual([1, 0]);
    slack.setState("ok");
    expect((await p.process("weekly-report")).ok).toBe(true);
    expect((await p.process("weekly-report")).ok).toBe(true);
    expect([discord.messages.length, slack.messages.length]).toEqual([1, 1]);
  });

  it("a legacy Report sent checkbox counts as Discord's report only", async () => {
    await history.upsert({ date: DATE, job: "daily", metrics: { mrr: 1100 }, failures: [] });
    (history.rows.get(DATE) as { reportSent?: boolean }).reportSent = true;
    expect((await (await pipeline()).process("weekly-report")).ok).toBe(true);
    expect([discord.messages.length, slack.messages.length]).toEqual([0, 1]);
  });
});
