import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { addDays } from "../../src/dates.js";
import type { LogRecord } from "../../src/log/logger.js";
import { emulatorUnavailable } from "../helpers/emulator.js";
import { stopAll } from "../helpers/processes.js";
import { DELIVERY_WAIT_MS, PUBLISH_TIMEOUT_MS, nodeBinary, startStack, type Stack } from "./stack.js";

const CI = !!process.env.CI && process.env.CI !== "false" && process.env.CI !== "0";
const unavailable = emulatorUnavailable();
if (unavailable && !CI) {
  process.stderr.write(`\n[e2e] SKIPPED the end-to-end test (Pub/Sub emulator -> Functions Framework): ${unavailable}. Under CI=true this is a failure.\n\n`);
}
const suite = unavailable && !CI ? describe.skip : describe;

/** Redeliveries after a 500 come with the emulator's backoff. */
const REDELIVERY_WAIT_MS = 60_000;
/**
 * Each test's own limit, past its longest waits and publishes (a 60 s wait after one publish, or two
 * 30 s waits after two), so a real failure prints their diagnostics instead of jest's "Exceeded timeout".
 */
const TEST_TIMEOUT_MS = Math.max(REDELIVERY_WAIT_MS + PUBLISH_TIMEOUT_MS, 2 * (DELIVERY_WAIT_MS + PUBLISH_TIMEOUT_MS)) + 30_000;
/** The emulator may take 60 s to start and the function 30 s. */
const STACK_START_TIMEOUT_MS = 150_000;

const DATE = "2025-03-10";
const BEFORE = addDays(DATE, -14);

suite(`end to end: Pub/Sub emulator -> Functions Framework (node ${nodeBinary()}) -> Notion, Discord and Slack`, () => {
  let stack: Stack;

  beforeAll(async () => {
    if (unavailable) throw new Error(`CI is set but the Pub/Sub emulator cannot run: ${unavailable}`);
    stack = await startStack();
    stack.notion.seedRows([{ date: BEFORE, metrics: { users: 1000, mrr: 2000, stars: 1200 } }]);
  }, STACK_START_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  }, 30_000);

  const rowsOf = (date: string) => stack.notion.rows().filter((r) => r.date === date && !r.trashed);

  it(
    "daily: exactly one row with the site's numbers",
    async () => {
      const id = await stack.publishJob(["daily", "--date", DATE]);
      await stack.waitForStatus(id, 204);
      const rows = rowsOf(DATE);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.metrics).toEqual({ users: 1200, mrr: 3400, stars: 1234 });
      expect(stack.discord.messages).toHaveLength(0);
      expect(stack.slack.messages).toHaveLength(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "weekly-report: updates that row and posts one message each to Discord and Slack, comparing with 14 days earlier",
    async () => {
      stack.site.mrr = 3600;
      stack.site.users = 1250;
      const id = await stack.publishJob(["weekly-report", "--date", DATE]);
      await stack.waitForStatus(id, 204);
      const rows = rowsOf(DATE);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ metrics: { users: 1250, mrr: 3600, stars: 1234 }, reportedTo: ["discord", "slack"] });
      expect(stack.discord.messages).toHaveLength(1);
      const text = JSON.stringify(stack.discord.messages[0]!.body);
      // mrr 2000 -> 3600 (+80%), users 1000 -> 1250 (+25%), against the row seeded on BEFORE.
      expect(text).toMatch(/3,600/);
      expect(text).toMatch(/\+80(\.0)?%/);
      expect(text).toMatch(/\+25(\.0)?%/);
      // One image: the chart, uploaded with the message and shown in its embed.
      const [chart, ...more] = stack.discord.messages[0]!.attachments;
      expect(more).toEqual([]);
      expect(chart).toMatchObject({ filename: `kpi-report-${DATE}.png`, content_type: "image/png" });
      expect(PNG.sync.read(chart!.data).width).toBe(1200);
      expect(stack.discord.messages[0]!.embeds[0]!.image).toEqual({ url: `attachment://kpi-report-${DATE}.png` });
      expect(stack.discord.errors).toEqual([]);
      expect(stack.slack.messages).toHaveLength(1);
      expect(JSON.stringify(stack.slack.messages[0]!.blocks)).toMatch(/\*3,600\* ▲ \+1,600 \(\+80\.0%\)/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "weekly-report published twice, as Pub/Sub may deliver: still one row and one message each",
    async () => {
      const id = await stack.publishJob(["weekly-report", "--date", DATE]);
      await stack.waitForStatus(id, 204);
      expect(rowsOf(DATE)).toHaveLength(1);
      expect(stack.discord.messages).toHaveLength(1);
      expect(stack.discord.messages.flatMap((m) => m.attachments)).toHaveLength(1);
      expect(stack.slack.messages).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "Slack failing while Discord works: the function answers 500; the redelivery posts Slack's report once it recovers, not Discord's again",
    async () => {
      const date = addDays(DATE, 7);
      const [discordBefore, slackBefore] = [stack.discord.messages.length, stack.slack.messages.length];
      stack.slack.setState("channel_is_archived");
      const id = await stack.publishJob(["weekly-report", "--date", date]);
      try {
        await stack.waitForStatus(id, 500);
        expect(stack.discord.messages.length - discordBefore).toBe(1);
      } finally {
        stack.slack.setState("ok");
      }
      const deliveries = await stack.waitForStatus(id, 204, REDELIVERY_WAIT_MS);
      expect(deliveries.at(-1)!.status).toBe(204);
      expect(stack.discord.messages.length - discordBefore).toBe(1);
      expect(stack.slack.messages.length - slackBefore).toBe(1);
      expect(rowsOf(date)[0]!.reportedTo).toEqual(["discord", "slack"]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "Notion down: the function answers 500, the emulator redelivers, and the row lands once when Notion recovers",
    async () => {
      const date = addDays(DATE, 1);
      // Ten 503s: enough for the Notion client's own retries to give up on at least one delivery.
      stack.notion.failNext(10, 503, { retryAfter: 0 });
      const id = await stack.publishJob(["daily", "--date", date]);
      const deliveries = await stack.waitForStatus(id, 204, REDELIVERY_WAIT_MS);
      expect(deliveries.filter((d) => d.status === 500).length).toBeGreaterThanOrEqual(1);
      expect(deliveries.length).toBeGreaterThanOrEqual(2);
      expect(deliveries.at(-1)!.status).toBe(204);
      expect(rowsOf(date)).toHaveLength(1);
      expect(rowsOf(date)[0]!.metrics).toEqual({ users: 1250, mrr: 3600, stars: 1234 });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a failing source is reported, not retried: one delivery, the other numbers stored, one alert",
    async () => {
      const date = addDays(DATE, 3);
      stack.site.repoDown = true;
      try {
        const id = await stack.publishJob(["daily", "--date", date]);
        const deliveries = await stack.waitForStatus(id, 204);
        expect(deliveries).toEqual([{ messageId: id, status: 204 }]);
      } finally {
        stack.site.repoDown = false;
      }
      expect(rowsOf(date).map((r) => r.metrics)).toEqual([{ users: 1250, mrr: 3600 }]);
      expect(stack.discord.messages.filter((m) => JSON.stringify(m.body).includes(date))).toHaveLength(1);
      expect(JSON.stringify(stack.discord.messages.at(-1)!.body)).toMatch(/repo/);
      expect(stack.slack.messages.at(-1)!.text).toBe(`⚠️ 1 source failed: daily run of ${date} (repo)`);
      expect(stack.fn.output()).toMatch(/"message":"daily [0-9-]+ done: 2 metrics collected, 1 source failed \(repo\), 3\/3 destinations written"/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a malformed message is acknowledged once, not redelivered",
    async () => {
      const bad = await stack.publishRaw("{not json");
      await stack.waitForStatus(bad, 204);
      // Redelivery comes about once a second; a full run published after it is our barrier.
      const barrier = await stack.publishJob(["daily", "--date", addDays(DATE, 2)]);
      await stack.waitForStatus(barrier, 204);
      expect(stack.deliveries.filter((d) => d.messageId === bad)).toEqual([{ messageId: bad, status: 204 }]);
      expect(stack.fn.output()).toMatch(/"severity":"ERROR","message":"message rejected: message data is not JSON/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "never prints a secret: not the Notion token, not the webhook tokens",
    () => {
      const output = stack.fn.output();
      expect(output.length).toBeGreaterThan(0);
      expect(output).not.toContain(stack.notion.token);
      expect(output).not.toContain(stack.discord.token);
      expect(output).not.toContain(stack.slack.secret);
      const records = output
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as LogRecord);
      for (const record of records) expect(record).toHaveProperty("severity");
      // Every line of a run names its event and job; only a message rejected before naming a job lacks one.
      expect(records.filter((r) => !r.eventId || (!r.job && !r.message.startsWith("message rejected")))).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
