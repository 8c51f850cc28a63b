import { afterEach, describe, expect, it } from "@jest/globals";
import { sendJson } from "../helpers/server.js";
import { waitFor } from "../helpers/processes.js";
import { FAST, type Tuning } from "./helpers/build-fast.js";
import { alertsOf, explainFailure, reportsOf, rowOf, rowsOf } from "./helpers/expectations.js";
import { startInstance, type FunctionInstance } from "./helpers/function.js";
import { installLeakGuard } from "./helpers/leak-guard.js";
import { BROKEN_SOURCE, MONDAY, TUESDAY, seedFortnight, startWorld, type World } from "./helpers/world.js";

const guard = installLeakGuard();
let world: World | undefined;
const instances: FunctionInstance[] = [];
afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.close()));
  await world?.close();
  world = undefined;
});

async function start(): Promise<World> {
  world = await startWorld(guard, { extraSources: BROKEN_SOURCE });
  world.site.on("/broken", (_q, res) => sendJson(res, 500, { error: "down" }));
  seedFortnight(world);
  return world;
}

async function instance(w: World, tuning?: Tuning): Promise<FunctionInstance> {
  const started = await startInstance(w, { tuning });
  instances.push(started);
  return started;
}

/** One row, the healthy metrics, the failed source alerted once; one report on Mondays. */
function expectDeliveredOnce(w: World, date: string, weekly: boolean, fn: FunctionInstance): void {
  explainFailure(w, fn.records, () => expectOneDelivery(w, date, weekly));
}

function expectOneDelivery(w: World, date: string, weekly: boolean): void {
  expect(rowsOf(w.notion, date)).toHaveLength(1);
  expect(rowOf(w.notion, date)).toMatchObject({ metrics: { users: 1200, mrr: 3400, stars: 1234 }, alerted: ["flaky"], reportedTo: weekly ? ["discord"] : [] });
  expect(w.notion.rows().filter((r) => r.trashed)).toEqual([]);
  if (weekly) expect(reportsOf(w.discord, date)).toHaveLength(1);
  else expect(alertsOf(w.discord, date)).toHaveLength(1);
  // A weekly report carries the failures itself: no separate alert.
  expect(w.discord.messages).toHaveLength(1);
}

describe("Pub/Sub delivers jobs more than once", () => {
  it.each([
    ["daily", TUESDAY],
    ["weekly-report", MONDAY],
  ] as const)("%s delivered twice: one row, one message", async (job, date) => {
    const w = await start();
    const fn = await instance(w);
    expect(await fn.push({ job, date }, "m-1")).toBe(204);
    expect(await fn.push({ job, date }, "m-1")).toBe(204);
    expectDeliveredOnce(w, date, job === "weekly-report", fn);
    expect(fn.records.map((r) => r.message)).toEqual(expect.arrayContaining([expect.stringMatching(/already posted (today; skipping|; skipping)/)]));
  });

  it.each([
    ["daily", TUESDAY],
    ["weekly-report", MONDAY],
  ] as const)("%s: two deliveries processed concurrently by one instance: one row, one message", async (job, date) => {
    const w = await start();
    const fn = await instance(w);
    const statuses = await Promise.all([fn.push({ job, date }, "m-2"), fn.push({ job, date }, "m-2")]);
    expect(statuses).toEqual([204, 204]);
    expectDeliveredOnce(w, date, job === "weekly-report", fn);
  });

  it("a daily and a weekly-report of the same date run concurrently without a duplicate row", async () => {
    const w = await start();
    const fn = await instance(w);
    const statuses = await Promise.all([fn.push({ job: "daily", date: MONDAY }, "m-3"), fn.push({ job: "weekly-report", date: MONDAY }, "m-4")]);
    expect(statuses).toEqual([204, 204]);
    expect(rowsOf(w.notion, MONDAY)).toHaveLength(1);
    expect(reportsOf(w.discord, MONDAY)).toHaveLength(1);
    expect(w.notion.rows().filter((r) => r.trashed)).toEqual([]);
  });

  it("two instances at once (as during a deploy) may duplicate the row; the next run of that date repairs it", async () => {
    const w = await start();
    const [a, b] = [await instance(w), await instance(w)];
    // Both lookups answer "no row" before either create lands, as a real race would.
    w.notion.delayNext(2000, { method: "POST", path: "/v1/data_sources", count: 2 });
    expect(await Promise.all([a.push({ job: "daily", date: TUESDAY }, "m-6"), b.push({ job: "daily", date: TUESDAY }, "m-6")])).toEqual([204, 204]);
    expect(rowsOf(w.notion, TUESDAY)).toHaveLength(2);

    w.site.values.users = 1300;
    expect(await a.push({ job: "daily", date: TUESDAY }, "m-7")).toBe(204);
    expect(rowOf(w.notion, TUESDAY)).toMatchObject({ metrics: { users: 1300, mrr: 3400, stars: 1234 } });
    expect(w.notion.rows().filter((r) => r.trashed)).toHaveLength(1);
  });

  it.each([
    ["daily", TUESDAY],
    ["weekly-report", MONDAY],
  ] as const)("%s redelivered to a fresh instance after a crash between the Notion write and the Discord post", async (job, date) => {
    const w = await start();
    let reachedDiscord = false;
    // The instance dies as it is about to post: the request never completes and nothing is acknowledged.
    const crashing = await instance(w, { ...FAST, discord: { ...FAST.discord, fetch: () => ((reachedDiscord = true), new Promise<Response>(() => {})) } });
    const abort = new AbortController();
    const lost = crashing.push({ job, date }, "m-5", abort.signal).catch((error: unknown) => error);
    await waitFor(() => reachedDiscord, { timeoutMs: 5000, intervalMs: 5 });
    expect(rowOf(w.notion, date)).toMatchObject({ metrics: { users: 1200 }, alerted: [], reportedTo: job === "weekly-report" ? ["discord 0/1"] : [] });
    abort.abort();
    await crashing.close();
    expect(await lost).toMatchObject({ name: "AbortError" });
    expect(w.discord.messages).toHaveLength(0);

    const fresh = await instance(w);
    expect(await fresh.push({ job, date }, "m-5")).toBe(204);
    expectDeliveredOnce(w, date, job === "weekly-report", fresh);
  });
});
