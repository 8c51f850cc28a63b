import { sleep } from "../../sleep.js";
import { DiscordError, type DiscordErrorCode } from "../../errors.js";
import { parseRetryAfter } from "../../http/retry.js";
import { silentLogger, type Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import type { DiscordMessage } from "./limits.js";
import type { WebhookDeliveryOptions } from "../webhook-options.js";
import { Refused, postWithRetry, webhookRetry, type WebhookFailures } from "../webhook-retry.js";
import { jsonPayload, multipartBody } from "./multipart.js";
import { webhookId } from "./options.js";

export type { WebhookDeliveryOptions };

export interface WebhookClient {
  /** `webhook 1234…`: how messages name it. */
  readonly label: string;
  /** Posts one message with `?wait=true` and returns the id Discord gave it. */
  execute(message: DiscordMessage): Promise<string>;
}

interface Answer {
  status: number;
  headers: Headers;
  body: { message?: unknown; code?: unknown; retry_after?: unknown; errors?: unknown; id?: unknown };
}

export function createWebhookClient(url: string, deps: { destination: string; secrets: Secrets; logger?: Logger } & WebhookDeliveryOptions): WebhookClient {
  deps.secrets.addUrl(url);
  const label = `webhook ${(webhookId(url) ?? "????").slice(0, 4)}…`;
  const post = new URL(url);
  post.searchParams.set("wait", "true");
  const doFetch = deps.fetch ?? globalThis.fetch;
  const retry = webhookRetry(deps);
  const logger = deps.logger ?? silentLogger();
  let pausedUntil = 0;
  const fail = (code: DiscordErrorCode, message: string, details?: { status?: number; discordCode?: number }) =>
    new DiscordError(deps.destination, code, deps.secrets.redact(`${label}: ${message}`), details);

  async function attempt(body: string | FormData): Promise<Answer> {
    const response = await doFetch(post, {
      method: "POST",
      // A FormData body gets its multipart type, with the boundary, from fetch.
      headers: typeof body === "string" ? { "content-type": "application/json", "user-agent": "kpi-collector" } : { "user-agent": "kpi-collector" },
      body,
      signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    return { status: response.status, headers: response.headers, body: parsed && typeof parsed === "object" ? parsed : {} };
  }

  const failures: WebhookFailures = {
    // Webhooks take no nonce and can't be listed, so a post that may have landed is never sent twice.
    unanswered: (reason) => fail("discord_unanswered", `${reason} before Discord answered; the message may have been posted, so it is not sent again`),
    unsent: (reason, tries) => fail("discord_network", `${reason} after ${tries} attempts`),
    refused: ({ status, retryAfterMs }, tries, reason) => {
      const limited = status === 429;
      const code: DiscordErrorCode = limited ? "discord_rate_limited" : "discord_server_error";
      if (reason === "retry_after")
        return fail(code, `rate limited for ${((retryAfterMs ?? 0) / 1000).toFixed(1)} s, longer than allowed; giving up`, { status });
      return fail(code, `${limited ? "rate limited" : `Discord answered ${status}`} ${tries} times; giving up`, { status });
    },
  };

  function read(answer: Answer): string {
    const { status, headers, body: json } = answer;
    const discordCode = typeof json.code === "number" ? json.code : undefined;
    const said = typeof json.message === "string" ? json.message : `status ${status}`;
    if (status === 200) {
      if (headers.get("x-ratelimit-remaining") === "0") {
        pausedUntil = Date.now() + (parseRetryAfter(headers.get("x-ratelimit-reset-after")) ?? 0);
      }
      if (typeof json.id !== "string") throw fail("discord_unexpected_response", "Discord answered 200 without a message id", { status });
      return json.id;
    }
    if (status < 300) throw fail("discord_unexpected_response", `Discord answered ${status} without confirming the message`, { status });
    if (status === 400) {
      throw fail("discord_bad_request", `Discord rejected the message (400, code ${discordCode ?? "?"}: ${said}${flattenErrors(json.errors)})`, {
        status,
        discordCode,
      });
    }
    if (status === 401)
      throw fail("discord_unauthorized", `invalid webhook token (401, code ${discordCode ?? "?"}: ${said}); check the webhook URL`, { status, discordCode });
    if (status === 404)
      throw fail("discord_unknown_webhook", `not found (404, code ${discordCode ?? "?"}: ${said}); was the webhook deleted?`, { status, discordCode });
    if (!retry.unappliedStatusCodes.includes(status)) throw fail("discord_unexpected_response", `Discord answered ${status}: ${said}`, { status, discordCode });
    throw new Refused(status, status === 429 ? retryAfterMs(answer) : undefined);
  }

  return {
    label,
    execute(message) {
      // Every text of the message is redacted, whatever built it; values, not the serialised body, so it stays valid JSON.
      const payload = JSON.stringify(deps.secrets.redactValue(jsonPayload(message)));
      const body = message.files?.length ? multipartBody(payload, message.files) : payload;
      const send = async () => {
        if (pausedUntil > Date.now()) await sleep(pausedUntil - Date.now());
        return attempt(body);
      };
      return postWithRetry(retry, { label, logger, failures }, send, read);
    },
  };
}

/** `retry_after` (seconds, fractional) from the body, else the `Retry-After` header. */
function retryAfterMs(answer: Answer): number | undefined {
  const seconds = answer.body.retry_after;
  if (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  return parseRetryAfter(answer.headers.get("retry-after"));
}

/** Discord's nested `errors` object as `; embeds.0.description: Must be 4096 or fewer in length.` */
function flattenErrors(errors: unknown, path: string[] = []): string {
  if (!errors || typeof errors !== "object") return "";
  let out = "";
  for (const [key, value] of Object.entries(errors)) {
    if (key === "_errors" && Array.isArray(value)) {
      for (const e of value) out += `; ${path.join(".") || "body"}: ${String((e as { message?: unknown }).message ?? "invalid")}`;
    } else out += flattenErrors(value, [...path, key]);
  }
  return out;
}
