/**
 * Every error kpi-collector raises on purpose, in one place. Each carries a literal `code` from
 * {@link KpiErrorCode}; what varies (a status, a source's name) is in fields, never in the code or
 * to be parsed back out of the message. Test for one with {@link isKpiError}.
 */

/** Why a run, a source or a destination failed. docs/development.md#error-codes says what each means. */
export type KpiErrorCode =
  | "config_invalid"
  | "usage"
  | "message_invalid"
  | "event_retry"
  | "source_failed"
  | "destination_failed"
  | "destination_name_invalid"
  | "http_status"
  | "network"
  | "response_too_large"
  | "aborted"
  | "history_missing"
  | "history_row_missing"
  | "history_unreadable"
  | "history_locked"
  | "history_lock_failed"
  | "history_lock_lost"
  | "history_claim_failed"
  | "history_write_failed"
  | "report_post_unanswered"
  | "notion_unauthorized"
  | "notion_not_found"
  | "notion_restricted"
  | "notion_validation"
  | "notion_http"
  | "notion_unavailable"
  | "notion_failed"
  | "notion_retries_exhausted"
  | "notion_uncertain_write"
  | "notion_no_data_source"
  | "notion_no_title"
  | "notion_column_type"
  | DiscordErrorCode
  | SlackErrorCode;

export type DiscordErrorCode =
  | "discord_bad_request"
  | "discord_unauthorized"
  | "discord_unknown_webhook"
  | "discord_rate_limited"
  | "discord_server_error"
  | "discord_network"
  | "discord_unanswered"
  | "discord_unexpected_response";

export type SlackErrorCode =
  | "slack_invalid_payload"
  | "slack_invalid_blocks"
  | "slack_no_text"
  | "slack_channel_not_found"
  | "slack_channel_is_archived"
  | "slack_action_prohibited"
  | "slack_no_service"
  | "slack_invalid_token"
  | "slack_rate_limited"
  | "slack_server_error"
  | "slack_network"
  | "slack_unanswered"
  | "slack_unexpected_response";

/** Base of every error kpi-collector raises on purpose. */
export class KpiError extends Error {
  readonly code: KpiErrorCode;
  constructor(code: KpiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Whether `error` is a {@link KpiError}, with the given `code` when one is passed. */
export function isKpiError<C extends KpiErrorCode = KpiErrorCode>(error: unknown, code?: C): error is KpiError & { code: C } {
  return error instanceof KpiError && (code === undefined || error.code === code);
}

/** The config is invalid; `issues` lists each problem as `path: what is wrong`. */
export class ConfigError extends KpiError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super("config_invalid", issues.length === 1 ? `Invalid config: ${issues[0]}` : `Invalid config:\n  - ${issues.join("\n  - ")}`);
    this.issues = issues;
  }
}

/** Bad command-line arguments: exit code 2. */
export class UsageError extends KpiError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** The Pub/Sub message cannot be run as it is; redelivering it would not help. */
export class MessageError extends KpiError {
  constructor(message: string) {
    super("message_invalid", message);
  }
}

/** Thrown so the Functions Framework answers 500 and Pub/Sub redelivers. Its message is already redacted. */
export class RetryableEventError extends KpiError {
  constructor(message: string) {
    super("event_retry", message);
    // The framework prints `stack` to stderr: one line, already logged as JSON by us.
    this.stack = `${this.name}: ${message}`;
  }
}

/** A source could not produce its numbers. The message is `[source] reason`. */
export class SourceError extends KpiError {
  readonly source: string;
  /** What went wrong, without the source's name. */
  readonly reason: string;
  constructor(source: string, reason: string, options?: { cause?: unknown }) {
    super("source_failed", `[${source}] ${reason}`, options);
    this.source = source;
    this.reason = reason;
  }
}

/** A destination could not write the snapshot. The message is `[destination] reason`. */
export class DestinationError extends KpiError {
  readonly destination: string;
  /** What went wrong, without the destination's name. */
  readonly reason: string;
  constructor(destination: string, reason: string, options?: { cause?: unknown; code?: KpiErrorCode }) {
    super(options?.code ?? "destination_failed", `[${destination}] ${reason}`, options);
    this.destination = destination;
    this.reason = reason;
  }
}

/** An HTTP exchange failed; the message never carries credentials. */
export class HttpError extends KpiError {
  /** The final status, for `http_status`. */
  readonly status?: number;
  /** The system's error code for `network`, such as `ETIMEDOUT` or `ECONNREFUSED`. */
  readonly networkCode?: string;
  /** The start of an error status's body (2,000 characters at most), where an API says why; not redacted. */
  readonly body?: string;
  constructor(
    code: "http_status" | "network" | "response_too_large" | "aborted",
    message: string,
    options?: { status?: number; networkCode?: string; body?: string; cause?: unknown },
  ) {
    super(code, message, options);
    this.status = options?.status;
    this.networkCode = options?.networkCode;
    this.body = options?.body;
  }
}

/** A report webhook's post failed (Discord, Slack). The message names the webhook by its ids' start only, never its URL. */
export class WebhookError extends DestinationError {
  declare readonly code: DiscordErrorCode | SlackErrorCode;
  readonly status?: number;
  /** Set for `discord_unanswered` and `slack_unanswered`: the message may have been posted, so it is not posted again (see `UnansweredPost`). */
  readonly unanswered?: true;
  constructor(destination: string, code: DiscordErrorCode | SlackErrorCode, message: string, status?: number) {
    super(destination, message, { code });
    this.status = status;
    if (code === "discord_unanswered" || code === "slack_unanswered") this.unanswered = true;
  }
}

/** A Discord webhook execution failed. */
export class DiscordError extends WebhookError {
  declare readonly code: DiscordErrorCode;
  /** Discord's JSON error code, such as 50035. */
  readonly discordCode?: number;
  constructor(destination: string, code: DiscordErrorCode, message: string, details: { status?: number; discordCode?: number } = {}) {
    super(destination, code, message, details.status);
    this.discordCode = details.discordCode;
  }
}

/** A Slack incoming webhook post failed. */
export class SlackError extends WebhookError {
  declare readonly code: SlackErrorCode;
  /** Slack's plain-text error, such as `channel_is_archived`. */
  readonly slackError?: string;
  constructor(destination: string, code: SlackErrorCode, message: string, details: { status?: number; slackError?: string } = {}) {
    super(destination, code, message, details.status);
    this.slackError = details.slackError;
  }
}

/** A Notion request that was retried and failed again: `last` is its final error. */
export class RetriesExhausted extends KpiError {
  constructor(
    readonly last: unknown,
    readonly retries: number,
  ) {
    super("notion_retries_exhausted", `failed after ${retries} retries`, { cause: last });
  }
}

/** A Notion create that failed in a way that may have applied it: the whole upsert is redone. */
export class UncertainWrite extends KpiError {
  constructor(readonly failure: unknown) {
    super("notion_uncertain_write", "create may or may not have been applied", { cause: failure });
  }
}

/** A Notion column exists under the wanted name with another type; we never change types. */
export class ColumnTypeError extends KpiError {
  constructor(column: string, actual: string, wanted: string) {
    super(
      "notion_column_type",
      `column "${column}" is a ${actual} column, not ${wanted}: rename or delete that column in Notion, or rename the metric (kpi-collector never changes a column's type)`,
    );
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
