import * as z from "zod";
import type { Metrics, Source, SourceContext } from "../../types.js";
import { allInOrder, createComputedPreset, postQuery, readCount } from "./computed.js";
import { periodEndingOn } from "./period.js";
import { presetSchema, quoteReason } from "./preset.js";

export const PLAUSIBLE_TYPE = "plausible";
export const PLAUSIBLE_METRICS = ["visitors_7d", "visitors_30d", "pageviews_30d"] as const;
type Key = (typeof PLAUSIBLE_METRICS)[number];

export const plausibleSourceSchema = presetSchema(
  PLAUSIBLE_TYPE,
  PLAUSIBLE_METRICS,
  {
    siteId: z.string().min(1).describe("The site's domain as Plausible knows it, e.g. example.com."),
    apiKey: z.string().min(1).describe("A Stats API key (Plausible: Account settings → API keys)."),
  },
  "A Plausible site's unique visitors over 7 and 30 days and pageviews over 30 days, ending on the run date (Stats API v2).",
);

/** A Plausible site's traffic, from `POST /api/v2/query`. */
export type PlausibleSourceOptions = z.infer<typeof plausibleSourceSchema>;

/** The queries: one per period, each asking only for the metrics that are kept. */
const QUERIES: { days: number; metrics: { key: Key; metric: string }[] }[] = [
  { days: 7, metrics: [{ key: "visitors_7d", metric: "visitors" }] },
  {
    days: 30,
    metrics: [
      { key: "visitors_30d", metric: "visitors" },
      { key: "pageviews_30d", metric: "pageviews" },
    ],
  },
];

export function createPlausibleSource(options: PlausibleSourceOptions): Source {
  const baseUrl = (options.baseUrl ?? "https://plausible.io").replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${options.apiKey}` };

  async function query(context: SourceContext, days: number, wanted: { name: string; metric: string }[]): Promise<Metrics> {
    const period = periodEndingOn(context.date, days, context.timezone);
    const metrics = wanted.map((w) => w.metric);
    const body = { site_id: options.siteId, metrics, date_range: [period.from, period.to] };
    const answer = (await postQuery(context, { url: `${baseUrl}/api/v2/query`, body, headers })) as { results?: { metrics?: unknown[] }[] } | null;
    const row = answer?.results?.[0]?.metrics;
    if (!Array.isArray(row) || row.length !== metrics.length) {
      throw new Error(`the ${days}-day query's answer has no results[0].metrics with ${metrics.join(", ")}`);
    }
    return Object.fromEntries(wanted.map((w, i) => [w.name, readCount(row[i], `${w.metric} over ${days} days`)]));
  }

  return createComputedPreset(options, {
    keys: PLAUSIBLE_METRICS,
    secrets: [options.apiKey],
    hint: (status, body) =>
      status === 400
        ? `Plausible refused the query${quoteReason(body, "error")}`
        : status === 401
          ? `the API key is invalid or cannot read site ${options.siteId}`
          : status === 402
            ? "the account has no Stats API access (a Business plan feature) or the site is locked"
            : status === 404
              ? `no Stats API v2 at ${baseUrl}; check baseUrl`
              : status === 429
                ? "rate limited: a key may make 600 requests an hour"
                : undefined,
    async collect(names, context) {
      const runs = QUERIES.map(({ days, metrics }) => ({
        days,
        wanted: metrics.flatMap(({ key, metric }) => (names[key] ? [{ name: names[key], metric }] : [])),
      }))
        .filter(({ wanted }) => wanted.length > 0)
        .map(({ days, wanted }) => query(context, days, wanted));
      return Object.assign({}, ...(await allInOrder(runs))) as Metrics;
    },
  });
}
