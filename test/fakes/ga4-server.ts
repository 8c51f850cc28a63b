import { addDays } from "../../src/dates.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

/** One session as the fake stores it. */
export interface Ga4Session {
  /** `YYYY-MM-DD` in the property's time zone. */
  date: string;
  user: string;
}

export interface FakeGa4Options {
  /** Each access token and the property IDs (numbers) it may read. */
  tokens: Record<string, string[]>;
  sessions: Ga4Session[];
  /** "Today" for `today`, `yesterday` and `NdaysAgo`. @default 2024-05-15 */
  today?: string;
}

export interface FakeGa4 {
  url: string;
  requests: TestServer["requests"];
  /** Answer the next `times` reports with 429 RESOURCE_EXHAUSTED. */
  exhaustNext(times?: number): void;
  close(): Promise<void>;
}

const PATH = /^\/v1beta\/properties\/([^/:]+):runReport$/;
const METRICS = new Set(["activeUsers", "sessions", "totalUsers", "newUsers", "screenPageViews", "eventCount"]);

const googleError = (code: number, status: string, message: string) => ({ error: { code, message, status } });

/**
 * The GA4 Data API's `runReport` (v1beta, REST) on 127.0.0.1, from ga4-plausible.md: Bearer tokens,
 * date ranges in every documented form, the `dateRange` dimension several ranges add, string metric
 * values, `rows` left out when there is no data, and Google's error shape.
 */
export async function startFakeGa4(options: FakeGa4Options): Promise<FakeGa4> {
  const today = options.today ?? "2024-05-15";
  let exhausted = 0;
  const server = await startServer((req, res) => {
    const match = PATH.exec(req.url ?? "");
    if (req.method !== "POST" || !match) return sendJson(res, 404, googleError(404, "NOT_FOUND", "Requested entity was not found."));
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const property = match[1] ?? "";
    if (!token || !(token in options.tokens)) {
      return sendJson(
        res,
        401,
        googleError(
          401,
          "UNAUTHENTICATED",
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        ),
      );
    }
    if (!options.tokens[token]?.includes(property)) {
      return sendJson(
        res,
        403,
        googleError(
          403,
          "PERMISSION_DENIED",
          `User does not have sufficient permissions for this property. To learn more about Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/property-id.`,
        ),
      );
    }
    if (exhausted > 0) {
      exhausted--;
      return sendJson(res, 429, googleError(429, "RESOURCE_EXHAUSTED", "Exhausted property tokens per hour for this project-property."));
    }
    const invalid = (message: string) => sendJson(res, 400, googleError(400, "INVALID_ARGUMENT", message));
    let body: {
      dateRanges?: { startDate?: string; endDate?: string; name?: string }[];
      metrics?: { name?: string }[];
      dimensions?: unknown[];
      keepEmptyRows?: boolean;
    };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return invalid("Invalid JSON payload received.");
    }
    const ranges = body.dateRanges ?? [];
    if (ranges.length === 0 || ranges.length > 4) return invalid("Requests must have between 1 and 4 dateRanges.");
    const metrics = body.metrics ?? [];
    const unknown = metrics.find((m) => !m.name || !METRICS.has(m.name));
    if (metrics.length === 0 || unknown) return invalid(`Field ${unknown?.name ?? "metrics"} is not a valid metric.`);
    if (body.dimensions?.length) return invalid("the fake answers reports without dimensions only");
    const resolved = ranges.map((range, i) => ({
      name: range.name ?? `date_range_${i}`,
      from: resolveDate(range.startDate, today),
      to: resolveDate(range.endDate, today),
    }));
    if (resolved.some((r) => r.name.startsWith("date_range_") && ranges[resolved.indexOf(r)]?.name))
      return invalid("A date range name cannot begin with date_range_.");
    if (resolved.some((r) => !r.from || !r.to || r.from > r.to)) return invalid("Invalid dateRange: startDate must be a date on or before endDate.");
    const rows = resolved.flatMap(({ name, from, to }) => {
      const inRange = options.sessions.filter((s) => s.date >= from! && s.date <= to!);
      const values = metrics.map((m) =>
        m.name === "activeUsers" || m.name === "totalUsers" ? new Set(inRange.map((s) => s.user)).size : m.name === "sessions" ? inRange.length : 0,
      );
      if (!body.keepEmptyRows && values.every((v) => v === 0)) return [];
      return [{ ...(resolved.length > 1 ? { dimensionValues: [{ value: name }] } : {}), metricValues: values.map((v) => ({ value: String(v) })) }];
    });
    const empty = options.sessions.length === 0;
    sendJson(res, 200, {
      dimensionHeaders: resolved.length > 1 ? [{ name: "dateRange" }] : [],
      metricHeaders: metrics.map((m) => ({ name: m.name, type: "TYPE_INTEGER" })),
      ...(empty ? {} : { rows, rowCount: rows.length }),
      metadata: { currencyCode: "USD", timeZone: "Etc/GMT", ...(empty ? { emptyReason: "No data for the property." } : {}) },
      kind: "analyticsData#runReport",
    });
  });
  return { url: server.url, requests: server.requests, exhaustNext: (times = 1) => void (exhausted += times), close: () => server.close() };
}

/** `YYYY-MM-DD`, `today`, `yesterday` or `NdaysAgo`, as a date. */
function resolveDate(value: string | undefined, today: string): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  if (value === "today") return today;
  if (value === "yesterday") return addDays(today, -1);
  const ago = /^(\d+)daysAgo$/.exec(value);
  return ago ? addDays(today, -Number(ago[1])) : undefined;
}
