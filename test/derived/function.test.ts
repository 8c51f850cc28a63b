import { scheduledEvent } from "../helpers/cloud-event.js";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addDays } from "../../src/dates.js";
import { createHandler } from "../../src/function/handler.js";
import { configFileLoader } from "../../src/function/load-pipeline.js";
import { DEFAULT_MAX_EVENT_AGE_MS } from "../../src/function/options.js";
import type { LogRecord } from "../../src/log/logger.js";
import type { DiscordMessage } from "../../src/destinations/discord/limits.js";
import { messagesToText } from "../../src/destinations/discord/render-text.js";
import { fakeDestinationsYaml } from "../fakes/config.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { startFakeNotion, type FakeNotion } from "../fakes/notion-server.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

const TUNING = {
  http: { backoffMs: 1, maxBackoffMs: 5 },
  destinations: {
    notion: { minIntervalMs: 0, backoffMs: 1, maxBackoffMs: 5, timeoutMs: 10_000 },
    discord: { backoffMs: 1, maxBackoffMs: 5, timeoutMs: 10_000 },
  },
};
const TODAY = "2026-11-30";
const TODAY_VALUES = { SIGNUPS: 20, MRR: 2000, PAYING: 0 };
/** Day `i` of 60 seeded days, oldest first: yesterday is i = 59. */
const signupsOn = (i: number) => 10 + (i % 5);

let site: TestServer;
let notion: FakeNotion;
let discord: FakeDiscord;
let dir: string;

beforeEach(async () => {
  site = await startServer((_req, res) => sendJson(res, 200, TODAY_VALUES));
  notion = await startFakeNotion();
  discord = await startFakeDiscord();
  dir = await mkdtemp(join(tmpdir(), "kpi-derived-fn-"));
  notion.seedDays(60, { end: addDays(TODAY, -1), metrics: (i) => ({ SIGNUPS: signupsOn(i), MRR: 1000 + i, PAYING: 10 }) });
  await writeFile(
    join(dir, "kpi.config.yaml"),
    `timezone: UTC
northStar: SIGNUPS
northStarAggregate: sum
derived:
  SIGNUPS_7D: { expr: "sum(SIGNUPS, 7)", label: "Sign-ups this week" }
  MRR_PER_PAYING: { expr: "MRR / PAYING", format: currency }
sources:
  - { name: app, type: json, url: "${site.url}/stats.json", metrics: { SIGNUPS: { path: SIGNUPS }, MRR: { path: MRR }, PAYING: { path: PAYING } } }
${fakeDestinationsYaml(notion)}`,
  );
});

afterEach(async () => {
  await Promise.all([site.close(), notion.close(), discord.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe("derived metrics through the Cloud Function", () => {
  it("a weekly-report event stores the derived metric in Notion and reports it, with the North Star block and the missing one's reason", async () => {
    const records: LogRecord[] = [];
    const handler = createHandler({
      readOptions: () => ({ configPath: "kpi.config.yaml", maxEventAgeMs: DEFAULT_MAX_EVENT_AGE_MS }),
      loadPipeline: configFileLoader({ NOTION_TOKEN: notion.token, DISCORD_WEBHOOK_URL: discord.webhookUrl }, { root: dir, tuning: TUNING }),
      sink: (record) => records.push(record),
      now: () => new Date(`${TODAY}T07:00:00Z`),
    });
    await handler(scheduledEvent("weekly-report", "weekly-1", `${TODAY}T06:59:00Z`));

    // This week: today and seeded days 54..59 (yesterday); the week before: days 47..53.
    const thisWeek = TODAY_VALUES.SIGNUPS + [54, 55, 56, 57, 58, 59].reduce((s, i) => s + signupsOn(i), 0);
    const weekBefore = [47, 48, 49, 50, 51, 52, 53].reduce((s, i) => s + signupsOn(i), 0);

    const row = notion.rows().find((r) => r.date === TODAY);
    expect(row?.metrics).toEqual({ ...TODAY_VALUES, SIGNUPS_7D: thisWeek });
    expect(row?.reportedTo).toEqual(["discord"]);

    expect(discord.messages.length).toBeGreaterThan(0);
    const text = messagesToText(discord.messages.map((m) => m.body as unknown as DiscordMessage));
    // The block opens the report; its 7-day sum is the derived metric, computed apart.
    const lines = text.split("\n");
    expect(lines[0]).toBe(`Weekly KPI report — ${TODAY}`);
    expect(lines[1]).toMatch(/^⭐ SIGNUPS: 20 /);
    expect(text).toContain(`7-day sum: ${thisWeek} ${thisWeek > weekBefore ? "▲" : "▼"} `);
    expect(text).toContain(`, was ${weekBefore}\n28-day sum: `);
    expect(text).toMatch(/\n[↗↘→↕] (Rising|Falling|Mixed|Steady): .* on the 7 days \([+-]/);
    expect(text).toContain(`Sign-ups this week\n  ${thisWeek} `);
    expect(text).toContain("MRR_PER_PAYING (derived): PAYING is 0");
    expect(text).not.toMatch(/NaN|Infinity/);

    expect(records.find((r) => r.message.startsWith("derived metrics:"))).toMatchObject({
      message: "derived metrics: 1 computed, 1 missing",
      eventId: "weekly-1",
      job: "weekly-report",
      derived: { SIGNUPS_7D: thisWeek },
    });
    expect(records.find((r) => r.message.startsWith("weekly-report 2026-11-30 done"))?.message).toContain(
      "3 metrics collected, 0 sources failed, 1 of 2 derived metrics computed (missing: MRR_PER_PAYING)",
    );
  });
});
