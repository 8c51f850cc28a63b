import { addDays } from "../../src/dates.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

/** One pageview as the fake stores it. */
export interface PlausiblePageview {
  /** `YYYY-MM-DD`, in the site's time zone. */
  date: string;
  visitor: string;
}

export interface FakePlausibleOptions {
  /** Each API key and the sites it may read. */
  keys: Record<string, string[]>;
  pageviews: PlausiblePageview[];
  /** "Today" for relative ranges such as "7d". @default 2024-05-15 */
  today?: string;
  /** The account has no Stats API (not a Business plan): every query is a 402. */
  noStatsApi?: boolean;
  /** Requests allowed per key before 429, like the hourly limit. @default 600 */
  hourlyLimit?: number;
}

export interface FakePlausible {
  url: string;
  requests: TestServer["requests"];
  close(): Promise<void>;
}

const METRICS = ["visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration", "events"];
const RELATIVE_DAYS: Record<string, number> = { day: 1, "7d": 7, "28d": 28, "30d": 30, "91d": 91 };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Plausible's Stats API v2 (`POST /api/v2/query`) on 127.0.0.1, from plausible/docs
 * `docs/stats-api.md` and the controller's error messages (ga4-plausible.md): aggregate queries
 * (no dimensions) over pageviews it holds, with the documented 400, 401, 402 and 429 answers.
 */
export async function startFakePlausible(options: FakePlausibleOptions): Promise<FakePlausible> {
  const today = options.today ?? "2024-05-15";
  const used = new Map<string, number>();
  const server = await startServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/api/v2/query") return sendJson(res, 404, { error: "Not found" });
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!key) return sendJson(res, 401, { error: "Missing API key. Please use a valid Plausible API key as a Bearer Token." });
    const count = (used.get(key) ?? 0) + 1;
    used.set(key, count);
    if (count > (options.hourlyLimit ?? 600)) {
      return sendJson(res, 429, {
        error: "Too many API requests. Your API key is limited to 600 requests per hour. Please contact us to request more capacity.",
      });
    }
    let query: { site_id?: unknown; metrics?: unknown; date_range?: unknown; dimensions?: unknown };
    try {
      query = JSON.parse(req.body) as typeof query;
    } catch {
      return sendJson(res, 400, { error: "Invalid JSON body" });
    }
    if (typeof query.site_id !== "string")
      return sendJson(res, 400, { error: "Missing site ID. Please provide the required site_id parameter with your request." });
    if (!options.keys[key]?.includes(query.site_id)) {
      return sendJson(res, 401, {
        error: "Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested.",
      });
    }
    if (options.noStatsApi)
      return sendJson(res, 402, {
        error:
          "The account that owns this API key does not have access to Stats API. Please make sure you're using the API key of a subscriber account and that the subscription plan includes Stats API",
      });
    const metrics = query.metrics;
    if (!Array.isArray(metrics) || metrics.length === 0 || !metrics.every((m) => typeof m === "string" && METRICS.includes(m))) {
      return sendJson(res, 400, { error: `#/metrics: Invalid metrics ${JSON.stringify(metrics)}` });
    }
    if (query.dimensions !== undefined && (!Array.isArray(query.dimensions) || query.dimensions.length > 0))
      return sendJson(res, 400, { error: "the fake answers aggregate queries only" });
    const range = resolveRange(query.date_range, today);
    if (!range) return sendJson(res, 400, { error: `#/date_range: Invalid date range ${JSON.stringify(query.date_range)}` });
    const inRange = options.pageviews.filter((p) => p.date >= range[0] && p.date <= range[1]);
    const values = metrics.map((metric) => (metric === "visitors" ? new Set(inRange.map((p) => p.visitor)).size : metric === "pageviews" ? inRange.length : 0));
    sendJson(res, 200, {
      results: [{ metrics: values, dimensions: [] }],
      meta: {},
      query: {
        site_id: query.site_id,
        metrics,
        date_range: [`${range[0]}T00:00:00+00:00`, `${range[1]}T23:59:59+00:00`],
        filters: [],
        dimensions: [],
        order_by: [[metrics[0], "desc"]],
        include: {},
      },
    });
  });
  return { url: server.url, requests: server.requests, close: () => server.close() };
}

/** `["2024-01-01","2024-01-07"]` or a relative range, as first and last day. */
function resolveRange(range: unknown, today: string): [string, string] | undefined {
  if (typeof range === "string" && range in RELATIVE_DAYS) return [addDays(today, 1 - (RELATIVE_DAYS[range] ?? 1)), today];
  if (Array.isArray(range) && range.length === 2 && range.every((d) => typeof d === "string" && ISO_DATE.test(d)) && range[0] <= range[1]) {
    return [range[0] as string, range[1] as string];
  }
  return undefined;
}
