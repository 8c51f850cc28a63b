import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import { createDiscordDestination } from "../../src/destinations/discord/destination.js";
import { FileHistory } from "../../src/destinations/file.js";
import { addDays } from "../../src/dates.js";
import { Secrets } from "../../src/log/secrets.js";
import { Pipeline, type RunResult } from "../../src/pipeline.js";
import type { Destination, HistoryStore, Metrics } from "../../src/types.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { setup, type Harness } from "../notion/harness.js";

const MONDAY = "2026-03-09";
const small = (i: number): Metrics => ({ mrr: 3000 + i, users: 1000 + i });
/** 300 metrics: the report takes 3 Discord messages. */
const NAMES = Array.from({ length: 300 }, (_, i) => `metric_${String(i).padStart(3, "0")}`);
const large = (i: number): Metrics => Object.fromEntries(NAMES.map((n, j) => [n, 1000 + j + i]));

let closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function fakeDiscord(): Promise<FakeDiscord> {
  const discord = await startFakeDiscord();
  closers.push(() => discord.close());
  return discord;
}

async function notion(): Promise<Harness> {
  // No retries: each refused write fails its delivery at once, as a long outage would.
  const h = await setup({}, {}, { maxRetries: 0 });
  closers.push(() => h.close());
  h.fake.seedDays(15, { end: addDays(MONDAY, -1), metrics: small });
  return h;
}

async function fileStore(metrics: (i: number) => Metrics): Promise<FileHistory> {
  const store = new FileHistory({ type: "file", path: join(await mkdtemp(join(tmpdir(), "kpi-once-")), "history.csv") });
  for (let week = 8; week >= 1; week--)
    await store.upsert({ date: addDays(MONDAY, -7 * week), job: "weekly-report", metrics: metrics(8 - week), failures: [] });
  return store;
}

function discordDestination(
  discord: FakeDiscord,
  _store: HistoryStore,
  options: { name?: string; timeoutMs?: number; maxRetries?: number; fetch?: typeof fetch } = {},
): Destination {
  const { name, ...deps } = options;
  return createDiscordDestination({ type: "discord", webhookUrl: discord.webhookUrl, name }, { secrets: new Secrets(), maxRetries: 0, backoffMs: 1, ...deps });
}

function pipelineOf(store: HistoryStore & Destination, destinations: Destination[], metrics: Metrics, h?: Harness): Pipeline {
  return new Pipeline({
    sources: [{ name: "app", collect: async () => metrics }],
    destinations: [store, ...destinations],
    secrets: h?.secrets ?? new Secrets(),
  });
}

const resultOf = (result: RunResult, name: string) => result.destinations.find((d) => d.destination === name);
const titles = (discord: FakeDiscord) => discord.messages.map((m) => JSON.stringify(m.embeds));

describe("a report is posted once, even when things fail half-way", () => {
  it("Notion refusing writes for 3 deliveries: nothing is posted; once it recovers, exactly one report", async () => {
    const h = await notion();
    const discord = await fakeDiscord();
    h.fake.seedRows([{ date: MONDAY, metrics: small(15), alerted: [], reportedTo: [] }]);
    // Every write of 3 deliveries is refused: the upsert and the claim, twice per delivery.
    h.fake.failNext(6, 403, { method: "PATCH", path: "/v1/pages", code: "restricted_resource", message: "Insufficient permissions for this endpoint." });
    const pipeline = pipelineOf(h.store, [discordDestination(discord, h.store)], small(16), h);

    for (let delivery = 1; delivery <= 3; delivery++) {
      const result = await pipeline.process("weekly-report", { date: MONDAY });
      expect(result.ok).toBe(false);
      expect(discord.messages).toHaveLength(0);
      expect(resultOf(result, "discord")?.error).toMatch(
        /^\[discord\] can't claim the weekly report of 2026-03-09 in history, so nothing is posted \(a redelivery tries again\): .*403/,
      );
    }
    expect(h.fake.requests.filter((r) => r.status === 403)).toHaveLength(6);

    expect((await pipeline.process("weekly-report", { date: MONDAY })).ok).toBe(true);
    expect((await pipeline.process("weekly-report", { date: MONDAY })).ok).toBe(true);
    expect(discord.messages).toHaveLength(1);
    expect(h.fake.rows().find((r) => r.date === MONDAY)).toMatchObject({ metrics: small(16), reportedTo: ["discord"] });
  });

  it("message 2 of 3 fails: the redelivery posts only messages 2 and 3", async () => {
    const store = await fileStore(large);
    const discord = await fakeDiscord();
    let posts = 0;
    // The second post meets a 500 (with no retries left): message 1 is in the channel, 2 and 3 are not.
    const failSecond: typeof fetch = (input, init) => {
      if (++posts === 2) discord.failNext(500);
      return fetch(input, init);
    };
    const first = await pipelineOf(store, [discordDestination(discord, store, { fetch: failSecond })], large(8)).process("weekly-report", { date: MONDAY });
    expect(discord.messages).toHaveLength(1);
    expect(resultOf(first, "discord")?.error).toMatch(
      /Discord answered 500 1 times; giving up \(1 of 3 messages of the weekly report were posted; a redelivery resumes from message 2\)$/,
    );
    expect(discord.messages).toHaveLength(1);
    expect((await store.get(MONDAY))?.reportedTo).toEqual([{ destination: "discord", progress: { sent: 1, parts: 3 } }]);

    const redelivered = await pipelineOf(store, [discordDestination(discord, store)], large(8)).process("weekly-report", { date: MONDAY });
    expect(discord.messages).toHaveLength(3);
    expect(redelivered.ok).toBe(true);
    expect(new Set(titles(discord)).size).toBe(3);
    expect((await store.get(MONDAY))?.reportedTo).toEqual([{ destination: "discord" }]);

    expect((await pipelineOf(store, [discordDestination(discord, store)], large(8)).process("weekly-report", { date: MONDAY })).ok).toBe(true);
    expect(discord.messages).toHaveLength(3);
  });

  it("a post that lands but is answered too late is not posted again, in the run or on redelivery", async () => {
    const h = await notion();
    const discord = await fakeDiscord();
    discord.answerLateNext(3000);
    // Retries are on: they are for posts that certainly did not land, which this one did.
    const pipeline = pipelineOf(h.store, [discordDestination(discord, h.store, { timeoutMs: 500, maxRetries: 2 })], small(16), h);
    const first = await pipeline.process("weekly-report", { date: MONDAY });
    expect(discord.messages).toHaveLength(1);
    expect(resultOf(first, "discord")?.error).toMatch(
      /^\[discord\] message 1 of 1 of the weekly report of 2026-03-09 went unanswered \(.*request timed out before Discord answered.*\); it may or may not have been posted, and is not posted again so it can't appear twice\. Check the channel; `kpi-collector report --date 2026-03-09 --force` posts the whole report again$/,
    );
    expect(discord.messages).toHaveLength(1);
    expect(discord.requests).toHaveLength(1);
    expect(h.fake.rows().find((r) => r.date === MONDAY)).toMatchObject({ reportedTo: ["discord"] });

    expect((await pipeline.process("weekly-report", { date: MONDAY })).ok).toBe(true);
    expect(discord.messages).toHaveLength(1);
  });

  it("message 1 of 3 answered too late: the redelivery posts 2 and 3, so each message appears once", async () => {
    const store = await fileStore(large);
    const discord = await fakeDiscord();
    discord.answerLateNext(3000);
    const first = await pipelineOf(store, [discordDestination(discord, store, { timeoutMs: 500, maxRetries: 2 })], large(8)).process("weekly-report", {
      date: MONDAY,
    });
    expect(discord.messages).toHaveLength(1);
    expect(resultOf(first, "discord")?.error).toMatch(/message 1 of 3 .* went unanswered/);
    expect((await store.get(MONDAY))?.reportedTo).toEqual([{ destination: "discord", progress: { sent: 1, parts: 3 } }]);

    expect((await pipelineOf(store, [discordDestination(discord, store)], large(8)).process("weekly-report", { date: MONDAY })).ok).toBe(true);
    expect(discord.messages).toHaveLength(3);
    expect(new Set(titles(discord)).size).toBe(3);
  });

  it("two report destinations claim independently: one failing doesn't repeat the other's report", async () => {
    const h = await notion();
    const team = await fakeDiscord();
    const ops = await fakeDiscord();
    ops.failNext(500, 1);
    const pipeline = pipelineOf(
      h.store,
      [discordDestination(team, h.store, { name: "team" }), discordDestination(ops, h.store, { name: "ops" })],
      small(16),
      h,
    );

    const first = await pipeline.process("weekly-report", { date: MONDAY });
    expect(first.destinations.map((d) => [d.destination, d.ok])).toEqual([
      ["notion", true],
      ["team", true],
      ["ops", false],
    ]);
    expect(h.fake.rows().find((r) => r.date === MONDAY)?.reportedTo).toEqual(["ops 0/1", "team"]);

    expect((await pipeline.process("weekly-report", { date: MONDAY })).ok).toBe(true);
    expect((await pipeline.process("weekly-report", { date: MONDAY })).ok).toBe(true);
    expect([team.messages.length, ops.messages.length]).toEqual([1, 1]);
    expect(h.fake.rows().find((r) => r.date === MONDAY)?.reportedTo).toEqual(["ops", "team"]);
  });

  it("a history with the legacy Report sent checkbox: discord destinations count it as posted", async () => {
    const h = await notion();
    const discord = await fakeDiscord();
    h.fake.seedRows([{ date: MONDAY, metrics: small(15), reportSent: true }]);
    const result = await pipelineOf(h.store, [discordDestination(discord, h.store, { name: "team-discord" })], small(16), h).process("weekly-report", {
      date: MONDAY,
    });
    expect(result.ok).toBe(true);
    expect(discord.requests).toHaveLength(0);
    expect(h.fake.columns()).not.toHaveProperty("Reported to");
  });
});
