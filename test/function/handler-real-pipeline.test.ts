import { scheduledEvent } from "../helpers/cloud-event.js";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHandler } from "../../src/function/handler.js";
import { configFileLoader } from "../../src/function/load-pipeline.js";
import { DEFAULT_MAX_EVENT_AGE_MS } from "../../src/function/options.js";
import type { LogRecord } from "../../src/log/logger.js";
import { fakeDestinationsYaml } from "../fakes/config.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { startFakeNotion, type FakeNotion } from "../fakes/notion-server.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

// Production values except the waits: tiny backoffs, no Notion pacing; Retry-After is still honoured.
const TUNING = {
  http: { backoffMs: 1, maxBackoffMs: 5 },
  destinations: {
    notion: { minIntervalMs: 0, backoffMs: 1, maxBackoffMs: 5, timeoutMs: 10_000 },
    discord: { backoffMs: 1, maxBackoffMs: 5, timeoutMs: 10_000 },
  },
};

let site: TestServer;
let notion: FakeNotion;
let discord: FakeDiscord;
let dir: string;

// A fresh world per test: each run meets a new database, so the columns are added in each.
beforeEach(async () => {
  site = await startServer((req, res) => {
    if (req.url === "/stats.json") return sendJson(res, 200, { users: 42, mrr: 1200 });
    sendJson(res, 503, { error: "down" });
  });
  notion = await startFakeNotion();
  discord = await startFakeDiscord();
  dir = await mkdtemp(join(tmpdir(), "kpi-handler-"));
  await writeFile(
    join(dir, "kpi.config.yaml"),
    `timezone: Europe/Berlin
sources:
  - { name: app, type: json, url: "${site.url}/stats.json", metrics: { users: { path: users }, mrr: { path: mrr } } }
  - { name: flaky, type: json, url: "${site.url}/broken", metrics: { signups: { path: signups } } }
${fakeDestinationsYaml(notion)}`,
  );
});

afterEach(async () => {
  await Promise.all([site?.close(), notion?.close(), discord?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A handler as src/index.ts builds it (the config file, the real pipeline), at a fixed `now`. */
function handlerAt(now: string) {
  const records: LogRecord[] = [];
  const env = { NOTION_TOKEN: notion.token, DISCORD_WEBHOOK_URL: discord.webhookUrl };
  const handler = createHandler({
    readOptions: () => ({ configPath: "kpi.config.yaml", maxEventAgeMs: DEFAULT_MAX_EVENT_AGE_MS }),
    loadPipeline: configFileLoader(env, { root: dir, tuning: TUNING }),
    sink: (record) => records.push(record),
    now: () => new Date(now),
  });
  return { handler, records };
}

describe("the handler with the production loader, against fake Notion and Discord", () => {
  it("a delivery retried after midnight in the config's zone still writes the day it was published", async () => {
    // 23:59 in Berlin (UTC+2) on May 5; delivered again at 00:30 on May 6.
    const { handler, records } = handlerAt("2024-05-05T22:30:00Z");
    await handler(scheduledEvent("daily", "late-1", "2024-05-05T21:59:00Z"));
    expect(
      notion
        .rows()
        .filter((r) => !r.trashed)
        .map((r) => r.date),
    ).toEqual(["2024-05-05"]);
    expect(records.find((r) => r.message === "daily started")).toMatchObject({ date: "2024-05-05" });
  });

  it("every line of a run carries its event id and job, also the Notion retries and the Discord posts", async () => {
    const { handler, records } = handlerAt("2024-05-13T07:00:00Z");
    notion.failNext(1, 429, { retryAfter: 1 });
    await handler(scheduledEvent("daily", "daily-1", "2024-05-13T06:59:00Z"));
    notion.failNext(1, 429, { retryAfter: 1 });
    await handler(scheduledEvent("weekly-report", "weekly-1", "2024-05-13T06:59:30Z"));

    const messages = records.map((r) => r.message);
    for (const pattern of [/^notion: .*retry 1 of/, /^notion: added columns/, /^failure alert posted for flaky/, /^weekly report of 2024-05-13 posted/]) {
      expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
    }
    expect(records.filter((r) => r.eventId === undefined || r.job === undefined)).toEqual([]);
    expect(new Set(records.map((r) => `${r.eventId} ${r.job}`))).toEqual(new Set(["daily-1 daily", "weekly-1 weekly-report"]));
    expect(discord.messages).toHaveLength(2);
  });
});
