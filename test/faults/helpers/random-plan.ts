import { addDays, weekday } from "../../../src/dates.js";
import type { Job } from "../../../src/types.js";
import type { FakeNotion } from "../../fakes/notion-server.js";
import type { Random } from "./random.js";
import type { FaultSite } from "./site.js";

/** Each source's metrics, and the site path that takes it down. */
export const RANDOM_SOURCES: Record<string, { metrics: string[]; path?: string }> = {
  app: { metrics: ["users", "mrr"], path: "/stats.json" },
  repo: { metrics: ["stars"], path: "/repo.html" },
  dashboard: { metrics: ["signups"] },
};

export interface Message {
  id: string;
  job: Job;
  date: string;
}

/** Deliveries handled at once: one, or a concurrent pair of the same message. */
export type Batch = Message[];

/** What the world looks like for one run (or one concurrent pair). */
export interface RunState {
  /** Distinguishes every value the site serves in this run. */
  serial: number;
  failing: string[];
  /** Notion fails every attempt at reading the database, so this run writes no row. */
  notionDown: boolean;
}

/** Each day's jobs (daily; weekly-report on Mondays), plus duplicates up to `total` deliveries, some delivered concurrently. */
export function planDeliveries(random: Random, start: string, days: number, total: number): Batch[][] {
  const byDay: Message[][] = [];
  for (let d = 0; d < days; d++) {
    const date = addDays(start, d);
    const messages: Message[] = [{ id: `daily-${date}`, job: "daily", date }];
    if (weekday(date) === 1) messages.push({ id: `weekly-${date}`, job: "weekly-report", date });
    byDay.push(messages);
  }
  const originals = byDay.flat();
  for (let extra = total - originals.length; extra > 0; extra--) {
    const message = random.pick(originals);
    byDay[byDay.findIndex((day) => day[0]?.date === message.date)]?.push(message);
  }
  return byDay.map((deliveries) => {
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [deliveries[i], deliveries[j]] = [deliveries[j] as Message, deliveries[i] as Message];
    }
    const batches: Batch[] = [];
    const rest = [...deliveries];
    while (rest.length) {
      const message = rest.shift() as Message;
      const twin = rest.findIndex((m) => m.id === message.id);
      batches.push(twin >= 0 && random.chance(0.4) ? [message, ...rest.splice(twin, 1)] : [message]);
    }
    return batches;
  });
}

/** The values the site serves in run `serial`. */
export function valuesOf(serial: number): Record<string, number> {
  return { users: 1000 + serial, mrr: 5000 + serial, stars: 300 + serial, signups: 70 + serial };
}

/**
 * Draws and applies one run's faults: sources down, the login rejecting, and (for a single
 * delivery) Notion errors the retries absorb, a write that times out after it was applied, or
 * Notion down for the whole run (always, when `forceNotionDown`). Write faults go to the request the run will make: an update
 * when the day's row exists, else a create.
 */
export function applyRunState(
  random: Random,
  serial: number,
  site: FaultSite,
  notion: FakeNotion,
  date: string,
  notionFaults: boolean,
  forceNotionDown = false,
): RunState {
  Object.assign(site.values, valuesOf(serial));
  const failing = Object.keys(RANDOM_SOURCES).filter(() => random.chance(0.2));
  site.down = new Set(failing.flatMap((name) => RANDOM_SOURCES[name]?.path ?? []));
  site.loginRejects = failing.includes("dashboard");
  const state: RunState = { serial, failing, notionDown: false };
  if (!notionFaults) return state;
  const status = () => random.pick([429, 500, 502, 504]);
  const writeRoute = notion.rows().some((row) => row.date === date && !row.trashed)
    ? { method: "PATCH", path: "/v1/pages" }
    : { method: "POST", path: "/v1/pages" };
  if (random.chance(0.08) || forceNotionDown) {
    // Every attempt of the run's first request (maxRetries 4, so 5) fails: nothing is written.
    notion.failNext(5, 503, { method: "GET", path: "/v1/databases" });
    state.notionDown = true;
    return state;
  }
  if (random.chance(0.2)) notion.failNext(random.int(1, 2), status(), { method: "GET", path: "/v1/databases", retryAfter: "0" });
  if (random.chance(0.2)) notion.failNext(random.int(1, 2), status(), { method: "POST", path: "/v1/data_sources", retryAfter: "0" });
  if (random.chance(0.2)) notion.failNext(random.int(1, 2), status(), { ...writeRoute, retryAfter: "0" });
  else if (random.chance(0.08)) notion.delayNext(2500, writeRoute);
  return state;
}
