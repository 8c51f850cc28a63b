import { z } from "zod";
import { destinationBase } from "../../config/common.js";
import { ALERTED_COLUMN, REPORTED_TO_COLUMN, REPORT_SENT_COLUMN } from "../../history/columns.js";
import type { RetryPolicy } from "../../http/retry.js";
import { parseNotionId } from "./database-id.js";

export const NOTION_TYPE = "notion";

/** Legacy checkbox column: read (a checked box counts as reported by discord), never written or created. */
export const REPORT_SENT_PROPERTY = REPORT_SENT_COLUMN;
/** The rich-text column `markReport` writes: comma-separated destination names, with progress while under way. */
export const REPORTED_TO_PROPERTY = REPORTED_TO_COLUMN;
/** The rich-text column `markAlerted` writes: comma-separated source names. */
export const ALERTED_PROPERTY = ALERTED_COLUMN;
/** The date column rows are keyed by, unless `dateProperty` names another. */
export const DEFAULT_DATE_PROPERTY = "Date";
/** The title column of databases `notion init` creates. */
export const INIT_TITLE_PROPERTY = "Day";

/** `parseNotionId`'s forms for editors: a bare or dashed id, or a notion.so/.site/.com URL ending in one. */
const NOTION_ID_PATTERN =
  "^\\s*(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z][A-Za-z0-9+.-]*://(?:[^/\\s?#]*\\.)?notion\\.(?:so|site|com)(?::\\d+)?/(?:[^?#\\s]*[/-])?[0-9a-fA-F-]{32,36}/?(?:[?#]\\S*)?)\\s*$";

export const notionOptionsSchema = z
  .object({
    type: z.literal(NOTION_TYPE),
    ...destinationBase,
    /** An integration's Internal Integration Secret, usually `${NOTION_TOKEN}`. */
    token: z.string().min(1, "set the Notion integration token, e.g. token: ${NOTION_TOKEN}"),
    /** The database: a bare id, a dashed id, or its `notion.so` URL. */
    database: z
      .string()
      .refine((value) => parseNotionId(value) !== undefined, {
        message: "expected a Notion database id (32 hex digits, dashed or not) or a notion.so URL that contains it",
      })
      .meta({ pattern: NOTION_ID_PATTERN }),
    /** The Notion API origin, without `/v1`; tests point it at a fake. @default "https://api.notion.com" */
    baseUrl: z.url().optional(),
    /** The date column rows are keyed by; created when missing. @default "Date" */
    dateProperty: z.string().min(1).optional(),
    /** The title column, which holds the date as text. @default the data source's title column */
    titleProperty: z.string().min(1).optional(),
  })
  .strict();

export type NotionOptions = z.infer<typeof notionOptionsSchema>;

/** Knobs tests (and the CLI) pass in code; not part of the YAML. */
export interface NotionTuning {
  /** Retries after the first attempt, for each request and for a redone upsert. @default 4 */
  maxRetries?: number;
  /** First backoff when no `Retry-After` is given; doubles each retry. @default 1000 */
  backoffMs?: number;
  /** @default 30000 */
  maxBackoffMs?: number;
  /** A `Retry-After` longer than this fails the run instead of waiting. @default 120000 */
  maxRetryAfterMs?: number;
  /**
   * The time one request may spend on retries, counted from its first attempt: a wait that would
   * end past it is not started, and the request fails with its last error. One failing request
   * thus takes at most this, plus `minIntervalMs` and `timeoutMs` for the last attempt. @default 60000
   */
  maxRetryTimeMs?: number;
  /** Spacing between requests; Notion allows about 3 a second on average. 0 turns the limiter off. @default 340 */
  minIntervalMs?: number;
  /** One attempt's limit. @default 30000 */
  timeoutMs?: number;
}

/**
 * Notion's retry policy. Rate limits (429, 529) say nothing was applied and are retried for any
 * request; 409 `conflict_error` (Notion asks to try again), 5xx and timeouts only for reads and
 * idempotent writes (the caller passes which); a create is redone whole by the store instead.
 */
export const NOTION_RETRY: RetryPolicy = {
  limit: 4,
  methods: [],
  statusCodes: [409, 500, 502, 503, 504],
  unappliedStatusCodes: [429, 529],
  backoffMs: 1000,
  maxBackoffMs: 30_000,
  maxRetryAfterMs: 120_000,
  maxRetryTimeMs: 60_000,
};

export const DEFAULT_TUNING: Required<NotionTuning> = {
  maxRetries: NOTION_RETRY.limit,
  backoffMs: NOTION_RETRY.backoffMs,
  maxBackoffMs: NOTION_RETRY.maxBackoffMs,
  maxRetryAfterMs: NOTION_RETRY.maxRetryAfterMs,
  maxRetryTimeMs: NOTION_RETRY.maxRetryTimeMs,
  minIntervalMs: 340,
  timeoutMs: 30_000,
};
