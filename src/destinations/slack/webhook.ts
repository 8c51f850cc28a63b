import { sleep } from "../../concurrency.js";
import { DestinationError } from "../../errors.js";
import { backoffDelay, networkReason, neverSent, parseRetryAfter } from "../../http/retry.js";
import { silentLogger, type Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import type { WebhookDeliveryOptions } from "../webhook-options.js";
import type { SlackMessage } from "./blocks.js";
import { slackWebhookLabel } from "./options.js";

/**
 * How incoming webhook posts are delivered and retried: 429, 5xx and errors before the request was
 * sent are retried; a post that went unanswered (timeout, connection lost after sending) may have
 * landed, and fails with `slack_unanswered` instead, since a webhook can't be asked what it got.
 */
export type SlackDeliveryOptions = WebhookDeliveryOptions;

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

/** An incoming webhook post failed. The message names the webhook by the start of its ids only, never its URL. */
export class SlackError extends DestinationError {
  readonly status?: number;
  /** Slack's plain-text error, such as `channel_is_archived`. */
  readonly slackError?: string;
  /** Set for `slack_unanswered`: the message may have been posted, so it must not be posted again. */
  readonly unanswered?: true;
  constructor(destination: string, code: SlackErrorCode, message: string, details: { status?: number; slackError?: string } = {}) {
    super(destination, message, { code });
    this.status = details.status;
    this.slackError = details.slackError;
    if (code === "slack_unanswered") this.unanswered = true;
  }

  static isSlackError(error: unknown): error is SlackError {
    return error instanceof SlackError;
  }
}

/** Slack's plain-text errors that retrying can't fix, with what the user should do. */
const KNOWN_ERRORS: Record<string, { code: SlackErrorCode; advice: string }> = {
  invalid_payload: { code: "slack_invalid_payload", advice: "Slack could not read the message; please report this as a kpi-collector bug" },
  invalid_blocks: {
    code: "slack_invalid_blocks",
    advice: "Slack refused the message's blocks; please report this as a kpi-collector bug, with the report's date",
  },
  no_text: { code: "slack_no_text", advice: "the message had no text; please report this as a kpi-collector bug" },
  missing_text_or_fallback_or_attachments: { code: "slack_no_text", advice: "the message had no text; please report this as a kpi-collector bug" },
  channel_not_found: {
    code: "slack_channel_not_found",
    advice: "the webhook's channel no longer exists; add a new webhook for an existing channel (Slack app → Incoming Webhooks) and update the URL",
  },
  channel_is_archived: {
    code: "slack_channel_is_archived",
    advice: "the webhook's channel is archived; unarchive it, or add a webhook for another channel and update the URL",
  },
  action_prohibited: {
    code: "slack_action_prohibited",
    advice: "a workspace admin restriction forbids this post; ask a Slack admin to allow the app in that channel",
  },
  posting_to_general_channel_denied: {
    code: "slack_action_prohibited",
    advice: "only admins may post in that channel; add the webhook to another channel and update the URL",
  },
  no_service: { code: "slack_no_service", advice: "the webhook was disabled or removed; add a new one (Slack app → Incoming Webhooks) and update the URL" },
  no_active_hooks: { code: "slack_no_service", advice: "the app's incoming webhooks are turned off; turn them on in the Slack app's settings" },
  no_service_id: { code: "slack_no_service", advice: "the URL's B… part names no webhook; copy the URL again from the Slack app" },
  no_team: { code: "slack_no_service", advice: "the URL's T… part names no workspace; copy the URL again from the Slack app" },
  team_disabled: { code: "slack_no_service", advice: "the Slack workspace is disabled" },
  invalid_token: {
    code: "slack_invalid_token",
    advice: "the webhook's secret is invalid or was revoked (Slack revokes leaked URLs); add a new webhook and update the URL",
  },
};

export interface SlackWebhookClient {
  /** `webhook T012…/B034…`: how messages name it. */
  readonly label: string;
  /** Posts one message; resolves once Slack answered 200. */
  post(message: SlackMessage): Promise<void>;
}

export function createSlackWebhookClient(
  url: string,
  deps: { destination: string; secrets: Secrets; logger?: Logger } & SlackDeliveryOptions,
): SlackWebhookClient {
  deps.secrets.addUrl(url);
  const label = slackWebhookLabel(url);
  const doFetch = deps.fetch ?? globalThis.fetch;
  const maxRetries = deps.maxRetries ?? 4;
  const backoff = { backoffMs: deps.backoffMs ?? 1000, maxBackoffMs: deps.maxBackoffMs ?? 30_000 };
  const logger = deps.logger ?? silentLogger();
  const fail = (code: SlackErrorCode, message: string, details?: { status?: number; slackError?: string }) =>
    new SlackError(deps.destination, code, deps.secrets.redact(`${label}: ${message}`), details);

  async function attempt(body: string): Promise<{ status: number; headers: Headers; text: string }> {
    const response = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "user-agent": "kpi-collector" },
      body,
      signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000),
    });
    return { status: response.status, headers: response.headers, text: (await response.text()).trim() };
  }

  return {
    label,
    async post(message) {
      const body = JSON.stringify(message);
      for (let tries = 1; ; tries++) {
        let answer: Awaited<ReturnType<typeof attempt>>;
        try {
          answer = await attempt(body);
        } catch (error) {
          // The cause is dropped on purpose: fetch errors can carry the request URL.
          const reason = networkReason(error);
          if (!neverSent(error)) throw fail("slack_unanswered", `${reason} before Slack answered; the message may have been posted, so it is not sent again`);
          if (tries > maxRetries) throw fail("slack_network", `${reason} after ${tries} attempts`);
          logger.warn(`${label}: ${reason}; retrying`, { attempt: tries });
          await sleep(backoffDelay(tries, backoff));
          continue;
        }
        const { status, text } = answer;
        // Slack's advice: 200 is success, whatever the body.
        if (status === 200) return;
        const said = text.slice(0, 100) || `status ${status}`;
        const known = KNOWN_ERRORS[text];
        if (known) throw fail(known.code, `Slack answered ${status} ${text}: ${known.advice}`, { status, slackError: text });
        if (status !== 429 && status < 500) throw fail("slack_unexpected_response", `Slack answered ${status}: ${said}`, { status, slackError: text });
        const limited = status === 429;
        const code: SlackErrorCode = limited ? "slack_rate_limited" : "slack_server_error";
        if (tries > maxRetries) throw fail(code, `${limited ? "rate limited" : `Slack answered ${status} ${said}`} ${tries} times; giving up`, { status });
        const waitMs = limited ? parseRetryAfter(answer.headers.get("retry-after") ?? undefined) : undefined;
        if (waitMs !== undefined && waitMs > (deps.maxRetryAfterMs ?? 60_000)) {
          throw fail(code, `rate limited for ${(waitMs / 1000).toFixed(1)} s, longer than allowed; giving up`, { status });
        }
        logger.warn(`${label}: ${limited ? "rate limited" : `status ${status}`}; retrying`, { attempt: tries, waitMs });
        await sleep(waitMs ?? backoffDelay(tries, backoff));
      }
    },
  };
}
