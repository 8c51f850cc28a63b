import * as z from "zod";
import type { Source } from "../../types.js";
import { httpUrl } from "../option-checks.js";
import { createComputedPreset, postQuery, readCount } from "./computed.js";
import { periodEndingOn } from "./period.js";
import { presetSchema, quoteReason } from "./preset.js";

export const POSTHOG_TYPE = "posthog";
export const POSTHOG_METRICS = ["dau", "wau", "mau"] as const;

export const posthogSourceSchema = presetSchema(
  POSTHOG_TYPE,
  POSTHOG_METRICS,
  {
    host: httpUrl
      .optional()
      .describe(
        "The PostHog app host: https://us.posthog.com, https://eu.posthog.com or your own. It is the preset's baseUrl. @default https://us.posthog.com",
      ),
    projectId: z
      .union([z.string().regex(/^\d+$/, 'is a number, e.g. "12345" (PostHog: Project settings → Project ID)'), z.number().int().positive()])
      .describe("The project's numeric ID."),
    apiKey: z.string().min(1).describe("A personal API key with the Query Read scope."),
    activeUsers: z
      .object({
        event: z.string().min(1).optional().describe("Count only persons who did this event. @default any event"),
        minEvents: z.number().int().min(1).default(1).describe("… at least this many times in the period. @default 1"),
      })
      .strict()
      .optional()
      .describe("Who counts as active: by default anyone with an event in the period."),
  },
  "PostHog's distinct persons over the 1, 7 and 30 days ending on the run date (DAU, WAU, MAU), optionally only those who did an event at least minEvents times; one HogQL query.",
);

/** PostHog active users, from one HogQL query. */
export type PosthogSourceOptions = z.infer<typeof posthogSourceSchema>;

/**
 * One scan of the 30 days gives all three counts. Every value, the event name included, is a
 * `{placeholder}` PostHog fills in as a typed constant: nothing is spliced into the text.
 */
export function activeUsersQuery(filterEvent: boolean): string {
  return `SELECT
  countIf(day_events >= {min_events}) AS dau,
  countIf(week_events >= {min_events}) AS wau,
  countIf(month_events >= {min_events}) AS mau
FROM (
  SELECT
    person_id,
    countIf(timestamp >= toDateTime({day_start})) AS day_events,
    countIf(timestamp >= toDateTime({week_start})) AS week_events,
    count() AS month_events
  FROM events
  WHERE timestamp >= toDateTime({month_start}) AND timestamp < toDateTime({end})${filterEvent ? " AND event = {event}" : ""}
  GROUP BY person_id
)`;
}

/** An instant as PostHog parses it whatever the project's time zone: ISO 8601 with `Z`. */
const iso = (date: Date) => date.toISOString().replace(/\.000Z$/, "Z");

export function createPosthogSource(options: PosthogSourceOptions): Source {
  const host = (options.host ?? options.baseUrl ?? "https://us.posthog.com").replace(/\/+$/, "");
  const url = `${host}/api/projects/${options.projectId}/query/`;
  const event = options.activeUsers?.event;
  return createComputedPreset(options, {
    keys: POSTHOG_METRICS,
    secrets: [options.apiKey],
    hint: (status, body) =>
      status === 401
        ? "the personal API key is invalid or revoked"
        : status === 403
          ? `the key lacks the Query Read scope or access to project ${options.projectId}`
          : status === 404
            ? `project ${options.projectId} not found on ${host}`
            : status === 400
              ? `PostHog rejected the HogQL query${quoteReason(body, "detail")}`
              : status === 429
                ? "throttled: PostHog allows 240 queries a minute and 3 at once per project"
                : undefined,
    async collect(names, context) {
      const window = (days: number) => periodEndingOn(context.date, days, context.timezone);
      const values = {
        day_start: iso(window(1).start),
        week_start: iso(window(7).start),
        month_start: iso(window(30).start),
        end: iso(window(1).end),
        min_events: options.activeUsers?.minEvents ?? 1,
        ...(event === undefined ? {} : { event }),
      };
      const body = {
        query: { kind: "HogQLQuery", query: activeUsersQuery(event !== undefined), values },
        name: "kpi-collector active users",
        refresh: "force_blocking",
      };
      const answer = (await postQuery(context, { url, body, headers: { authorization: `Bearer ${options.apiKey}` } })) as {
        columns?: unknown;
        results?: unknown;
        query_status?: unknown;
      } | null;
      if (answer?.query_status) throw new Error("the query did not finish in time (PostHog answered with a pending query_status); try again later");
      const columns = Array.isArray(answer?.columns) ? (answer.columns as unknown[]) : [];
      const row = Array.isArray(answer?.results) ? (answer.results as unknown[])[0] : undefined;
      if (!Array.isArray(row)) throw new Error("the query's answer has no results row");
      const metrics: Record<string, number> = {};
      for (const key of POSTHOG_METRICS) {
        const name = names[key];
        const column = columns.indexOf(key);
        if (!name) continue;
        if (column < 0) throw new Error(`the query's answer has no ${key} column`);
        metrics[name] = readCount(row[column], key);
      }
      return metrics;
    },
  });
}
