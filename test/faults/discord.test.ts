import { describe, expect, it } from "@jest/globals";
import type { RunResult } from "../../src/pipeline.js";
import { sendJson } from "../helpers/server.js";
import { alertsOf, reportsOf, rowOf } from "./helpers/expectations.js";
import { installLeakGuard } from "./helpers/leak-guard.js";
import { BROKEN_SOURCE, MONDAY, TUESDAY, seedFortnight, worldPerTest, type World, type WorldOptions } from "./helpers/world.js";

const guard = installLeakGuard();
const openWorld = worldPerTest(guard);

async function start(options: WorldOptions = {}): Promise<World> {
  const world = await openWorld({ extraSources: BROKEN_SOURCE, ...options });
  world.site.on("/broken", (_q, res) => sendJson(res, 503, { error: "down" }));
  seedFortnight(world);
  return world;
}

async function run(w: World, job: "daily" | "weekly-report", date: string): Promise<RunResult> {
  const result = await (await w.pipeline()).process(job, { date });
  guard.inspect(`${job} ${date}`, result);
  return result;
}

const discordResult = (result: RunResult) => result.destinations.find((d) => d.destination === "discord");

describe("Discord misbehaves during full runs", () => {
  it("a 429 storm is waited out: the report is posted once and recorded", async () => {
    const w = await start({ discord: { rateLimit: { limit: 1, windowMs: 100 } } });
    w.discord.failNext(429, 3, { retryAfter: 0.05 });
    const result = await run(w, "weekly-report", MONDAY);
    expect(result.ok).toBe(true);
    expect(w.discord.requests.length).toBeGreaterThan(3);
    expect(reportsOf(w.discord, MONDAY)).toHaveLength(1);
    expect(rowOf(w.notion, MONDAY)).toMatchObject({ reportedTo: ["discord"], alerted: ["flaky"] });
  });

  it("a 429 storm longer than the retry budget fails the run; the redelivery posts exactly once", async () => {
    const w = await start();
    w.discord.failNext(429, 5, { retryAfter: 0, headerOnly: true });
    const failed = await run(w, "weekly-report", MONDAY);
    expect(discordResult(failed)).toMatchObject({ ok: false, error: expect.stringMatching(/^\[discord\] webhook 1234…: rate limited 5 times; giving up$/) });
    expect(rowOf(w.notion, MONDAY)).toMatchObject({ metrics: { users: 1200 }, reportedTo: ["discord 0/1"] });
    expect(w.discord.messages).toHaveLength(0);

    const redelivered = await run(w, "weekly-report", MONDAY);
    expect(redelivered.ok).toBe(true);
    expect(await run(w, "weekly-report", MONDAY)).toMatchObject({ ok: true });
    expect(reportsOf(w.discord, MONDAY)).toHaveLength(1);
    expect(rowOf(w.notion, MONDAY).reportedTo).toEqual(["discord"]);
  });

  it("a 400 is not retried; the row is still written and the report is left to the redelivery", async () => {
    const w = await start();
    w.discord.failNext(400);
    const failed = await run(w, "weekly-report", MONDAY);
    expect(discordResult(failed)?.error).toMatch(/Discord rejected the message \(400, code 0: 400: Server Error\)/);
    expect(w.discord.requests).toHaveLength(1);
    expect(rowOf(w.notion, MONDAY)).toMatchObject({ metrics: { users: 1200, mrr: 3400, stars: 1234 }, reportedTo: ["discord 0/1"], alerted: [] });

    expect((await run(w, "weekly-report", MONDAY)).ok).toBe(true);
    expect(reportsOf(w.discord, MONDAY)).toHaveLength(1);
  });

  it("a deleted webhook (404) fails the alert without leaking the URL; history keeps the metrics and no false 'alerted'", async () => {
    const w = await start();
    w.discord.deleteWebhook();
    const result = await run(w, "daily", TUESDAY);
    expect(result.snapshot.failures.map((f) => f.source)).toEqual(["flaky"]);
    expect(result.destinations.find((d) => d.destination === "notion")?.ok).toBe(true);
    const error = discordResult(result)?.error ?? "";
    expect(error).toMatch(/^\[discord\] webhook 1234…: not found \(404, code 10015: Unknown Webhook\); was the webhook deleted\?$/);
    expect(w.discord.requests).toHaveLength(1);
    expect(rowOf(w.notion, TUESDAY)).toMatchObject({ metrics: { users: 1200, mrr: 3400, stars: 1234 }, alerted: [] });
    expect(alertsOf(w.discord, TUESDAY)).toEqual([]);
  });
});
