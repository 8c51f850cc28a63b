import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { addDays } from "../../src/dates.js";
import { compileDerived } from "../../src/derived/program.js";
import { createDestination } from "../../src/destinations/registry.js";
import { silentLogger } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { Pipeline } from "../../src/pipeline.js";
import type { HistoryRow } from "../../src/types.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";
import { MemoryHistory } from "../helpers/memory-history.js";

const TODAY = "2026-11-30";

/** A window that stood on part of its days says so in both weekly reports: `avg over 25 of 28 days`. */
describe("a derived metric's coverage in the weekly report", () => {
  let discord: FakeDiscord;
  let slack: FakeSlack;
  beforeEach(async () => {
    [discord, slack] = await Promise.all([startFakeDiscord(), startFakeSlack()]);
  });
  afterEach(() => Promise.all([discord.close(), slack.close()]));

  it("reads beside the value in the Discord and the Slack report", async () => {
    // 27 past days, three of them missing: with today, 25 of the 28 days have a value.
    const gaps = new Set([addDays(TODAY, -3), addDays(TODAY, -9), addDays(TODAY, -15)]);
    const rows: HistoryRow[] = Array.from({ length: 40 }, (_, i) => addDays(TODAY, -40 + i))
      .filter((date) => !gaps.has(date))
      .map((date) => ({ date, metrics: { WAU: 100 } }));
    const history = new MemoryHistory(rows);
    const secrets = new Secrets();
    const deps = { secrets, logger: silentLogger() };
    const pipeline = new Pipeline({
      sources: [{ name: "app", metricNames: ["WAU"], collect: async () => ({ WAU: 100 }) }],
      destinations: [
        history,
        await createDestination({ type: "discord", webhookUrl: discord.webhookUrl }, deps),
        await createDestination({ type: "slack", webhookUrl: slack.webhookUrl }, deps),
      ],
      secrets,
      derived: compileDerived({ WAU_AVG_28D: { expr: "avg(WAU, 28)", minCoverage: 0.8 } }),
      now: () => new Date(`${TODAY}T09:00:00Z`),
    });
    const result = await pipeline.process("weekly-report");
    expect(result.ok).toBe(true);
    expect(result.snapshot.metrics.WAU_AVG_28D).toBe(100);
    expect(JSON.stringify(discord.messages)).toContain("avg over 25 of 28 days");
    expect(JSON.stringify(slack.messages)).toContain("avg over 25 of 28 days");
  });
});
