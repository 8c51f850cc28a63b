import { afterEach, describe, expect, it } from "@jest/globals";
import { createSource, sourceSchema } from "../../src/sources/registry.js";
import { startFakePosthog, type FakePosthog, type HogqlResult } from "../fakes/posthog-server.js";
import { sendJson, startServer } from "../helpers/server.js";
import { failureOf, sourceContext } from "../sources/helpers.js";

interface Event {
  person: string;
  event: string;
  at: string;
}

/** What the active-users query means, over `events`: the fake's query engine for it. */
function activeUsers(events: Event[]) {
  return (query: string, values: Record<string, unknown>): HogqlResult => {
    const at = (name: string) => Date.parse(String(values[name]));
    const min = Number(values.min_events);
    const filtered = query.includes("event = {event}");
    const perPerson = new Map<string, number[]>();
    for (const e of events) {
      const t = Date.parse(e.at);
      if (t < at("month_start") || t >= at("end") || (filtered && e.event !== values.event)) continue;
      perPerson.set(e.person, [...(perPerson.get(e.person) ?? []), t]);
    }
    const count = (from: number) => [...perPerson.values()].filter((times) => times.filter((t) => t >= from).length >= min).length;
    return {
      columns: ["dau", "wau", "mau"],
      types: [
        ["dau", "UInt64"],
        ["wau", "UInt64"],
        ["mau", "UInt64"],
      ],
      results: [[count(at("day_start")), count(at("week_start")), count(at("month_start"))]],
    };
  };
}

const times = (n: number, event: Omit<Event, "at">, ...at: string[]): Event[] => at.flatMap((a) => Array.from({ length: n }, () => ({ ...event, at: a })));
const RUN = "pipeline_run";
/** The run is 2024-05-15 in Europe/Berlin (UTC+2): that day is 2024-05-14T22:00Z to 2024-05-15T22:00Z. */
const EVENTS: Event[] = [
  ...times(3, { person: "p1", event: RUN }, "2024-05-15T10:00:00Z"),
  ...times(3, { person: "p2", event: RUN }, "2024-05-14T21:30:00Z"), // 23:30 the day before
  ...times(3, { person: "p3", event: RUN }, "2024-05-15T22:30:00Z"), // 00:30 the day after: not in any period
  ...times(2, { person: "p4", event: RUN }, "2024-05-10T12:00:00Z"),
  ...times(1, { person: "p4", event: RUN }, "2024-04-15T22:00:00Z"), // 00:00 on the first of the 30 days
  ...times(5, { person: "p5", event: "$pageview" }, "2024-05-15T08:00:00Z"),
  ...times(3, { person: "p6", event: RUN }, "2024-04-15T21:59:59Z"), // 23:59:59 the day before the 30 days
];

const KEY = "phx_personalKey0123456789";
let fake: FakePosthog | undefined;
afterEach(async () => fake?.close());

async function start(events: Event[], scopes = ["query:read"]): Promise<FakePosthog> {
  fake = await startFakePosthog({ keys: { [KEY]: { scopes, projects: ["12345"] } }, evaluate: activeUsers(events) });
  return fake;
}
const build = (options: Record<string, unknown>) =>
  createSource(sourceSchema.parse({ type: "posthog", name: "posthog", projectId: "12345", apiKey: KEY, ...options }));

describe("posthog", () => {
  it("counts persons over the 1, 7 and 30 days ending on the run date in its time zone, in one request", async () => {
    const { url, requests } = await start(EVENTS);
    const source = build({ host: url });
    expect(source.metricNames).toEqual(["POSTHOG_DAU", "POSTHOG_WAU", "POSTHOG_MAU"]);
    expect(await source.collect(sourceContext("2024-05-15", "Europe/Berlin"))).toEqual({ POSTHOG_DAU: 2, POSTHOG_WAU: 4, POSTHOG_MAU: 4 });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/api/projects/12345/query/" });
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(requests[0]?.body ?? "").query.values).toEqual({
      day_start: "2024-05-14T22:00:00Z",
      week_start: "2024-05-08T22:00:00Z",
      month_start: "2024-04-15T22:00:00Z",
      end: "2024-05-15T22:00:00Z",
      min_events: 1,
    });
  });

  it("counts only persons who did the event at least minEvents times", async () => {
    const { url } = await start(EVENTS);
    const source = build({ host: url, activeUsers: { event: RUN, minEvents: 3 } });
    expect(await source.collect(sourceContext("2024-05-15", "Europe/Berlin"))).toEqual({ POSTHOG_DAU: 1, POSTHOG_WAU: 2, POSTHOG_MAU: 3 });
  });

  it("passes an event name with quotes as a query value, never in the query text", async () => {
    const event = `it's a "serious" run\\`;
    const { url, requests } = await start([
      ...times(1, { person: "q1", event }, "2024-05-15T10:00:00Z"),
      ...times(1, { person: "q2", event: "it" }, "2024-05-15T10:00:00Z"),
    ]);
    const source = build({ host: url, activeUsers: { event } });
    expect(await source.collect(sourceContext())).toEqual({ POSTHOG_DAU: 1, POSTHOG_WAU: 1, POSTHOG_MAU: 1 });
    const sent = JSON.parse(requests[0]?.body ?? "").query;
    expect(sent.values.event).toBe(event);
    expect(sent.query).not.toContain("serious");
    expect(sent.query).toContain("event = {event}");
  });

  it("renames and skips metrics like every preset", async () => {
    const { url } = await start(EVENTS);
    const source = build({ name: "product", host: url, metrics: { dau: false, wau: "WEEKLY_ACTIVE" } });
    expect(source.metricNames).toEqual(["WEEKLY_ACTIVE", "PRODUCT_MAU"]);
    expect(await source.collect(sourceContext("2024-05-15", "Europe/Berlin"))).toEqual({ WEEKLY_ACTIVE: 4, PRODUCT_MAU: 4 });
  });

  it("retries a throttled query, then reads it", async () => {
    const f = await start(EVENTS);
    f.throttleNext(1);
    expect(await build({ host: f.url }).collect(sourceContext("2024-05-15", "Europe/Berlin"))).toEqual({ POSTHOG_DAU: 2, POSTHOG_WAU: 4, POSTHOG_MAU: 4 });
    expect(f.requests).toHaveLength(2);
  });

  it.each([
    ["a wrong key", { apiKey: "phx_wrongKey987654321" }, ["query:read"], 401, "the personal API key is invalid or revoked"],
    ["a key without the Query Read scope", {}, ["insight:read"], 403, "the key lacks the Query Read scope or access to project 12345"],
    ["another project", { projectId: "999" }, ["query:read"], 403, "the key lacks the Query Read scope or access to project 999"],
  ])("names the fix for %s, and never the key", async (_, options, scopes, status, hint) => {
    const { url } = await start(EVENTS, scopes);
    const project = (options as { projectId?: string }).projectId ?? "12345";
    const message = await failureOf(build({ host: url, ...options }), sourceContext(), [KEY, "phx_wrongKey987654321"]);
    expect(message).toBe(`[posthog] Request failed with status code ${status}: POST ${url}/api/projects/${project}/query/ (${hint})`);
  });

  it("fails after the retries when PostHog stays throttled", async () => {
    const f = await start(EVENTS);
    f.throttleNext(10);
    const message = await failureOf(build({ host: f.url }), sourceContext());
    expect(message).toBe(
      `[posthog] Request failed with status code 429: POST ${f.url}/api/projects/12345/query/ after 3 attempts (throttled: PostHog allows 240 queries a minute and 3 at once per project)`,
    );
  });

  it("quotes PostHog's reason for a 400 (its `detail`), never the key a server echoes", async () => {
    const server = await startServer((req, res) =>
      sendJson(res, 400, { type: "validation_error", code: null, detail: `Unknown table "person" (${String(req.headers.authorization)})`, attr: null }),
    );
    try {
      const message = await failureOf(build({ host: server.url }), sourceContext(), [KEY]);
      expect(message).toContain(`(PostHog rejected the HogQL query: "Unknown table "person" (Bearer [redacted])")`);
    } finally {
      await server.close();
    }
  });

  it("fails, never records 0, when the answer lacks a column", async () => {
    fake = await startFakePosthog({
      keys: { [KEY]: { scopes: ["query:read"], projects: ["12345"] } },
      evaluate: () => ({ columns: ["dau", "wau"], types: [], results: [[1, 2]] }),
    });
    expect(await failureOf(build({ host: fake.url }), sourceContext())).toBe("[posthog] the query's answer has no mau column");
  });
});
