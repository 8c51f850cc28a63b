import { sleep } from "../../concurrency.js";
import { DestinationError } from "../../errors.js";
import { backoffDelay, networkReason, neverSent, parseRetryAfter } from "../../http/retry.js";
import { silentLogger, type Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import type { DiscordMessage } from "./limits.js";
import type { WebhookDeliveryOptions } from "../webhook-options.js";
import { jsonPayload, multipartBody } from "./multipart.js";
import { webhookId } from "./options.js";

export type { WebhookDeliveryOptions };

export type DiscordErrorCode =
  | "discord_bad_request"
  | "discord_unauthorized"
  | "discord_unknown_webhook"
  | "discord_rate_limited"
  | "discord_server_error"
  | "discord_network"
  | "discord_unanswered"
  | "discord_unexpected_response";

/** A webhook execution failed. The message names the webhook by its id only, never its URL. */
export class DiscordError extends DestinationError {
  readonly status?: number;
  /** Discord's JSON error code, such as 50035. */
  readonly discordCode?: number;
  /** Set for `discord_unanswered`: the message may have been posted (see `UnansweredPost`). */
  readonly unanswered?: true;
  constructor(destination: string, code: DiscordErrorCode, message: string, details: { status?: number; discordCode?: number } = {}) {
    super(destination, message, { code });
    this.status = details.status;
    this.discordCode = details.discordCode;
    if (code === "discord_unanswered") this.unanswered = true;
  }

  static isDiscordError(error: unknown): error is DiscordError {
    return error instanceof DiscordError;
  }
}

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

export function createWebhookClient(
  url: string,
  deps: { destination: string; secrets: Secrets; logger?: Logger } & WebhookDeliveryOptions,
): WebhookClient {
  deps.secrets.addUrl(url);
  const label = `webhook ${(webhookId(url) ?? "????").slice(0, 4)}…`;
  const post = new URL(url);
  post.searchParams.set("wait", "true");
  const doFetch = deps.fetch ?? globalThis.fetch;
  const maxRetries = deps.maxRetries ?? 4;
  const backoff = { backoffMs: deps.backoffMs ?? 1000, maxBackoffMs: deps.maxBackoffMs ?? 30_000 };
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
    return { status: response.status, headers: response.headers, body: parsed && typeof parsed === "object" ? (parsed as Answer["body"]) : {} };
  }

  return {
    label,
    async execute(message) {
      // Every text of the message is redacted, whatever built it; values, not the serialised body, so it stays valid JSON.
      const payload = JSON.stringify(deps.secrets.redactValue(jsonPayload(message)));
      const body = message.files?.length ? multipartBody(payload, message.files) : payload;
      for (let tries = 1; ; tries++) {
        if (pausedUntil > Date.now()) await sleep(pausedUntil - Date.now());
        let answer: Answer;
        try {
          answer = await attempt(body);
        } catch (error) {
          // The cause is dropped on purpose: fetch errors can carry the request URL.
          const reason = networkReason(error);
          // Webhooks take no nonce and can't be listed, so a post that may have landed is never sent twice.
          if (!neverSent(error)) throw fail("discord_unanswered", `${reason} before Discord answered; the message may have been posted, so it is not sent again`);
          if (tries > maxRetries) throw fail("discord_network", `${reason} after ${tries} attempts`);
          logger.warn(`${label}: ${reason}; retrying`, { attempt: tries });
          await sleep(backoffDelay(tries, backoff));
          continue;
        }
        const { status, headers, body: json } = answer;
        const discordCode = typeof json.code === "number" ? json.code : undefined;
        const said = typeof json.message === "string" ? json.message : `status ${status}`;
        if (status === 200) {
          if (headers.get("x-ratelimit-remaining") === "0") {
            pausedUntil = Date.now() + (parseRetryAfter(headers.get("x-ratelimit-reset-after") ?? undefined) ?? 0);
          }
          if (typeof json.id !== "string") throw fail("discord_unexpected_response", "Discord answered 200 without a message id", { status });
          return json.id;
        }
        if (status < 300) throw fail("discord_unexpected_response", `Discord answered ${status} without confirming the message`, { status });
        if (status === 400) {
          throw fail("discord_bad_request", `Discord rejected the message (400, code ${discordCode ?? "?"}: ${said}${flattenErrors(json.errors)})`, { status, discordCode });
        }
        if (status === 401) throw fail("discord_unauthorized", `invalid webhook token (401, code ${discordCode ?? "?"}: ${said}); check the webhook URL`, { status, discordCode });
        if (status === 404) throw fail("discord_unknown_webhook", `not found (404, code ${discordCode ?? "?"}: ${said}); was the webhook deleted?`, { status, discordCode });
        if (status !== 429 && status < 500) throw fail("discord_unexpected_response", `Discord answered ${status}: ${said}`, { status, discordCode });
        const limited = status === 429;
        const code: DiscordErrorCode = limited ? "discord_rate_limited" : "discord_server_error";
        if (tries > maxRetries) throw fail(code, `${limited ? "rate limited" : `Discord answered ${status}`} ${tries} times; giving up`, { status });
        const waitMs = limited ? retryAfterMs(answer) : undefined;
        if (waitMs !== undefined && waitMs > (deps.maxRetryAfterMs ?? 60_000)) {
          throw fail(code, `rate limited for ${(waitMs / 1000).toFixed(1)} s, longer than allowed; giving up`, { status });
        }
        logger.warn(`${label}: ${limited ? "rate limited" : `status ${status}`}; retrying`, { attempt: tries, waitMs });
        await sleep(waitMs ?? backoffDelay(tries, backoff));
      }
    },
  };
}

/** `retry_after` (seconds, fractional) from the body, else the `Retry-After` header. */
function retryAfterMs(answer: Answer): number | undefined {
  const seconds = answer.body.retry_after;
  if (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  return parseRetryAfter(answer.headers.get("retry-after") ?? undefined);
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
