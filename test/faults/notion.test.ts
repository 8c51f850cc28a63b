import { describe, expect, it } from "@jest/globals";
import type { RunResult } from "../../src/pipeline.js";
import { sendHtml } from "../helpers/server.js";
import { waitFor } from "../helpers/processes.js";
import { alertsOf, reportsOf, rowOf, rowsOf } from "./helpers/expectations.js";
import { installLeakGuard } from "./helpers/leak-guard.js";
import { MONDAY, TUESDAY, seedFortnight, worldPerTest, type World } from "./helpers/world.js";

const guard = installLeakGuard();
const openWorld = worldPerTest(guard);

/** A source that always fails, so each daily run also alerts and writes `Alerted`. */
const BROKEN_SOURCE = `
  - name: flaky
    type: html
    url: "{{site}}/drift"
    metrics:
      flaky_count: { selector: .count }
`;

async function start(withBrokenSource = false): Promise<World> {
  const world = await openWorld(withBrokenSource ? { extraSources: BROKEN_SOURCE } : {});
  world.site.on("/drift", (_q, res) => sendHtml(res, 200, "<p>redesigned</p>"));
  seedFortnight(world);
  return world;
}

/** Runs `job` as Pub/Sub would deliver it: again after each failed run, up to `max` deliveries. */
async function deliverUntilOk(w: World, job: "daily" | "weekly-report", date: string, max = 6): Promise<RunResult[]> {
  const pipeline = await w.pipeline();
  const results: RunResult[] = [];
  for (let i = 0; i < max && !results.at(-1)?.ok; i++) {
    const result = await pipeline.process(job, { date });
    guard.inspect(`${job} ${date} delivery ${i + 1}`, result);
    results.push(result);
  }
  return results;
}

describe("Notion misbehaves during full runs", () => {
  it("a 429 storm over every kind of request is waited out; one row, one report", async () => {
    const w = await start();
    for (const [method, path] of [
      ["GET", "/v1/databases"],
      ["GET", "/v1/data_sources"],
      ["POST", "/v1/data_sources"],
      ["PATCH", "/v1/pages"],
    ] as const) {
      w.notion.failNext(2, 429, { method, path, retryAfter: "0.05" });
    }
    const [result] = await deliverUntilOk(w, "weekly-report", MONDAY, 1);
    expect(result?.ok).toBe(true);
    expect(w.notion.requests.filter((r) => r.status === 429)).toHaveLength(8);
    expect(rowOf(w.notion, MONDAY)).toMatchObject({ metrics: { users: 1200, mrr: 3400, stars: 1234 }, reportedTo: ["discord"] });
    expect(reportsOf(w.discord, MONDAY)).toHaveLength(1);
  });

  it("a 429 storm longer than the retry budget fails the run cleanly; redeliveries land it exactly once", async () => {
    const w = await start();
    w.notion.failNext(12, 429, { retryAfter: "0" });
    const results = await deliverUntilOk(w, "weekly-report", MONDAY);
    expect(results.length).toBeGreaterThan(1);
    const first = results[0] as RunResult;
    expect(first.ok).toBe(false);
    expect(first.destinations.find((d) => d.destination === "notion")?.error).toMatch(/^\[notion\] .* failed after retries: 429 rate_limited/);
    expect(results.at(-1)?.ok).toBe(true);
    expect(rowOf(w.notion, MONDAY)).toMatchObject({ metrics: { users: 1200 }, reportedTo: ["discord"] });
    expect(reportsOf(w.discord, MONDAY)).toHaveLength(1);
  });

  it.each([500, 502, 504])("%s on creates and updates is retried without a duplicate row or alert", async (status) => {
    const w = await start(true);
    w.notion.failNext(2, status, { method: "POST", path: "/v1/pages" });
    w.notion.failNext(2, status, { method: "PATCH", path: "/v1/pages" });
    const [first] = await deliverUntilOk(w, "daily", TUESDAY, 1);
    expect(first?.ok).toBe(true);
    w.site.values.users = 1300;
    w.notion.failNext(2, status, { method: "PATCH", path: "/v1/pages" });
    const [second] = await deliverUntilOk(w, "daily", TUESDAY, 1);
    expect(second?.ok).toBe(true);
    expect(w.notion.requests.filter((r) => r.status === status)).toHaveLength(6);
    expect(rowOf(w.notion, TUESDAY)).toMatchObject({ metrics: { users: 1300, mrr: 3400, stars: 1234 }, alerted: ["flaky"] });
    expect(alertsOf(w.discord, TUESDAY)).toHaveLength(1);
  });

  it("a write that times out after Notion applied it is redone without duplicating the row or the alert", async () => {
    const w = await start(true);
    w.notion.delayNext(2500, { method: "POST", path: "/v1/pages" });
    w.notion.delayNext(2500, { method: "PATCH", path: "/v1/pages" });
    const pipeline = await w.pipeline({ tuning: { notion: { minIntervalMs: 0, backoffMs: 1, maxBackoffMs: 5, timeoutMs: 600 } } });
    const result = await pipeline.process("daily", { date: TUESDAY });
    guard.inspect("result", result);
    expect(result.ok).toBe(true);
    expect(w.notion.count("POST /v1/pages")).toBe(1);
    expect(rowsOf(w.notion, TUESDAY)).toHaveLength(1);
    expect(rowOf(w.notion, TUESDAY)).toMatchObject({ metrics: { users: 1200, mrr: 3400, stars: 1234 }, alerted: ["flaky"] });
    expect(alertsOf(w.discord, TUESDAY)).toHaveLength(1);
    expect(w.logs.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/redoing the upsert/)]));
  });

  it("the database unshared mid-run: the report is not posted blind, and is posted once after it is shared again", async () => {
    const w = await start();
    w.notion.delayNext(300, { method: "POST", path: "/v1/pages" });
    const pipeline = await w.pipeline();
    const running = pipeline.process("weekly-report", { date: MONDAY });
    // The row is written (the create is applied, its answer delayed); then the integration loses access.
    await waitFor(() => w.notion.count("POST /v1/pages") === 1, { timeoutMs: 5000, intervalMs: 5 });
    w.notion.unshare();
    const result = await running;
    guard.inspect("result", result);
    expect(result.destinations.find((d) => d.destination === "notion")).toMatchObject({ ok: true });
    const discord = result.destinations.find((d) => d.destination === "discord");
    expect(discord?.ok).toBe(false);
    expect(discord?.error).toMatch(
      /can't read history for 2026-03-09, so nothing is posted: .*database not found or not shared with the integration .*Connections/,
    );
    expect(w.discord.messages).toHaveLength(0);

    const unshared = await pipeline.process("weekly-report", { date: MONDAY });
    expect(unshared.destinations.map((d) => d.ok)).toEqual([false, false]);
    expect(w.discord.messages).toHaveLength(0);

    w.notion.share();
    const again = await deliverUntilOk(w, "weekly-report", MONDAY, 1);
    expect(again[0]?.ok).toBe(true);
    expect(rowOf(w.notion, MONDAY)).toMatchObject({ metrics: { users: 1200 }, reportedTo: ["discord"] });
    expect(reportsOf(w.discord, MONDAY)).toHaveLength(1);
  });
});
