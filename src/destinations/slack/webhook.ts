import { SlackError, type SlackErrorCode } from "../../errors.js";
import { parseRetryAfter } from "../../http/retry.js";
import { silentLogger, type Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import type { WebhookDeliveryOptions } from "../webhook-options.js";
import { Refused, postWithRetry, webhookRetry, type WebhookFailures } from "../webhook-retry.js";
import type { SlackMessage } from "./blocks.js";
import { slackWebhookLabel } from "./options.js";

/**
 * How incoming webhook posts are delivered and retried: 429, 5xx and errors before the request was
 * sent are retried; a post that went unanswered (timeout, connection lost after sending) may have
 * landed, and fails with `slack_unanswered` instead, since a webhook can't be asked what it got.
 */
export type SlackDeliveryOptions = WebhookDeliveryOptions;

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
  const retry = webhookRetry(deps);
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

  const failures: WebhookFailures = {
    unanswered: (reason) => fail("slack_unanswered", `${reason} before Slack answered; the message may have been posted, so it is not sent again`),
    unsent: (reason, tries) => fail("slack_network", `${reason} after ${tries} attempts`),
    refused: ({ status, retryAfterMs, said }, tries, reason) => {
      const limited = status === 429;
      const code: SlackErrorCode = limited ? "slack_rate_limited" : "slack_server_error";
      if (reason === "retry_after")
        return fail(code, `rate limited for ${((retryAfterMs ?? 0) / 1000).toFixed(1)} s, longer than allowed; giving up`, { status });
      return fail(code, `${limited ? "rate limited" : `Slack answered ${status} ${said}`} ${tries} times; giving up`, { status });
    },
  };

  function read({ status, headers, text }: Awaited<ReturnType<typeof attempt>>): void {
    // Slack's advice: 200 is success, whatever the body.
    if (status === 200) return;
    const said = text.slice(0, 100) || `status ${status}`;
    // Own keys only: a body such as `constructor` must not find Object.prototype's.
    const known = Object.hasOwn(KNOWN_ERRORS, text) ? KNOWN_ERRORS[text] : undefined;
    if (known) throw fail(known.code, `Slack answered ${status} ${text}: ${known.advice}`, { status, slackError: text });
    if (!retry.unappliedStatusCodes.includes(status))
      throw fail("slack_unexpected_response", `Slack answered ${status}: ${said}`, { status, slackError: text });
    throw new Refused(status, status === 429 ? parseRetryAfter(headers.get("retry-after")) : undefined, said);
  }

  return {
    label,
    post(message) {
      const body = JSON.stringify(message);
      return postWithRetry(retry, { label, logger, failures }, () => attempt(body), read);
    },
  };
}
