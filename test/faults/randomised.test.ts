import { afterAll, describe, expect, it } from "@jest/globals";
import type { FakeDiscordMessage } from "../fakes/discord-server.js";
import { FAST } from "./helpers/build-fast.js";
import { reportsOf, rowsOf } from "./helpers/expectations.js";
import { startInstance, type FunctionInstance } from "./helpers/function.js";
import { installLeakGuard } from "./helpers/leak-guard.js";
import { faultSeed, seededRandom, withSeed } from "./helpers/random.js";
import { applyRunState, planDeliveries, RANDOM_SOURCES, valuesOf, type Message, type RunState } from "./helpers/random-plan.js";
import { LOGIN_SOURCE, startWorld, type World } from "./helpers/world.js";
import { addDays, weekday } from "../../src/dates.js";

const guard = installLeakGuard();
const START = "2026-03-02";
const DAYS = 30;
const DELIVERIES = 100;
/** Pub/Sub redelivers an unacknowledged message; a run that keeps failing past this is lost. */
const MAX_ATTEMPTS = 8;
/** Well above a loaded machine's answer time, and below the fake's injected write delay, which must time out. */
const NOTION_TIMEOUT_MS = 1000;

let world: World | undefined;
let fn: FunctionInstance | undefined;
afterAll(async () => {
  await fn?.close();
  await world?.close();
});

/** Sources named in the failure embeds of `messages` (alerts, and the report's failure list). */
function failureNames(messages: FakeDiscordMessage[]): string[] {
  return messages.flatMap((m) =>
    m.embeds
      .filter((e) => String(e.title ?? "").includes("failed"))
      .flatMap((e) => [...String(e.description ?? "").matchAll(/^- \*\*(.+?)\*\*: /gm)].map((match) => match[1] as string)),
  );
}

describe("a seeded randomised month", () => {
  const seed = faultSeed(process.env);

  it(
    `${DELIVERIES} deliveries over ${DAYS} days with source failures, Notion errors and duplicates end in the expected state (seed ${seed})`,
    () =>
      withSeed(seed, async () => {
        const random = seededRandom(seed);
        world = await startWorld(guard, { extraSources: LOGIN_SOURCE });
        fn = await startInstance(world, { tuning: { ...FAST, notion: { ...FAST.notion, maxRetries: 4, timeoutMs: NOTION_TIMEOUT_MS } } });
        const { site, notion, discord } = world;

        const runs: { date: string; state: RunState; acknowledged: boolean }[] = [];
        let serial = 0;
        let deliveries = 0;
        const deliver = async (batch: Message[], notionFaults: boolean, forceNotionDown = false): Promise<Message[]> => {
          const single = notionFaults && batch.length === 1;
          const state = applyRunState(random, ++serial, site, notion, batch[0]?.date ?? "", single, single && forceNotionDown);
          const statuses = await Promise.all(batch.map((m) => fn!.push({ job: m.job, date: m.date }, m.id)));
          deliveries += batch.length;
          statuses.forEach((status, i) => {
            expect([status, state.notionDown]).toEqual([state.notionDown ? 500 : 204, state.notionDown]);
            runs.push({ date: batch[i]?.date ?? "", state, acknowledged: status === 204 });
          });
          return batch.filter((_, i) => statuses[i] !== 204);
        };

        const plan = planDeliveries(random, START, DAYS, DELIVERIES);
        for (const [dayIndex, day] of plan.entries()) {
          for (const batch of day) {
            // About 1 seed in 100 draws no Notion outage at all: past mid-month, the next eligible run gets one.
            const forceDown = dayIndex >= DAYS / 2 && !runs.some((run) => run.state.notionDown);
            let unacknowledged = await deliver(batch, true, forceDown);
            for (let attempt = 2; unacknowledged.length && attempt <= MAX_ATTEMPTS; attempt++)
              unacknowledged = await deliver(unacknowledged, attempt < MAX_ATTEMPTS);
            expect(unacknowledged).toEqual([]);
          }
        }
        expect(deliveries).toBeGreaterThanOrEqual(DELIVERIES);
        // Every kind of fault happened at least once this month.
        expect({
          concurrentPairs: plan.flat().some((batch) => batch.length === 2),
          notionDown: runs.some((run) => run.state.notionDown),
          sourceFailures: runs.some((run) => run.state.failing.length > 0),
          notionErrors: notion.requests.some((r) => r.status >= 429),
        }).toEqual({ concurrentPairs: true, notionDown: true, sourceFailures: true, notionErrors: true });

        // The model: a run that wrote its row holds the values of the sources that answered it; later runs win.
        const expected = new Map<string, Record<string, number>>();
        for (const { date, state } of runs) {
          if (state.notionDown) continue;
          const row = expected.get(date) ?? {};
          for (const [source, { metrics }] of Object.entries(RANDOM_SOURCES)) {
            if (state.failing.includes(source)) continue;
            for (const metric of metrics) row[metric] = valuesOf(state.serial)[metric] as number;
          }
          expected.set(date, row);
        }

        const mondays: string[] = [];
        for (let d = 0; d < DAYS; d++) {
          const date = addDays(START, d);
          const rows = rowsOf(notion, date);
          expect({ date, rows: rows.length }).toEqual({ date, rows: 1 });
          expect({ date, metrics: rows[0]?.metrics }).toEqual({ date, metrics: expected.get(date) ?? {} });

          const ofDay = discord.messages.filter((m) => m.embeds.some((e) => String(e.title ?? "").endsWith(`run of ${date}`)));
          const alerted = failureNames(ofDay);
          expect({ date, alerted }).toEqual({ date, alerted: [...new Set(alerted)] });
          const reports = reportsOf(discord, date);
          const named = new Set([...alerted, ...failureNames(reports)]);
          expect({ date, alerted: [...named].sort() }).toEqual({ date, alerted: [...(rows[0]?.alerted ?? [])].sort() });
          const dayRuns = runs.filter((run) => run.date === date);
          const mustAlert = new Set(dayRuns.filter((run) => run.acknowledged).flatMap((run) => run.state.failing));
          const mayAlert = new Set(dayRuns.flatMap((run) => run.state.failing));
          for (const source of mustAlert) expect({ date, source, alerted: named.has(source) }).toEqual({ date, source, alerted: true });
          for (const source of named) expect({ date, source, failed: mayAlert.has(source) }).toEqual({ date, source, failed: true });

          const monday = weekday(date) === 1;
          if (monday) mondays.push(date);
          expect({ date, reports: reports.length, reportedTo: rows[0]?.reportedTo }).toEqual({
            date,
            reports: monday ? 1 : 0,
            reportedTo: monday ? ["discord"] : [],
          });
        }
        expect(notion.rows().filter((row) => row.trashed)).toEqual([]);
        expect(notion.rows()).toHaveLength(DAYS);
        expect(mondays).toHaveLength(5);
        expect(discord.messages.filter((m) => !m.embeds.some((e) => /run of |Weekly KPI report/.test(String(e.title ?? ""))))).toEqual([]);
      }),
    // A hundred whole runs: generous, so a loaded CI machine doesn't fail it on time alone.
    180_000,
  );
});
