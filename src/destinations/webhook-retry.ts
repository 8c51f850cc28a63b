import { HTTP_RETRY, networkReason, neverSent, withRetry, type AttemptFailure, type GiveUpReason, type RetryPolicy } from "../http/retry.js";
import type { Logger } from "../log/logger.js";
import type { WebhookDeliveryOptions } from "./webhook-options.js";

/**
 * The report webhooks' retry policy (Discord, Slack). A post is never idempotent (webhooks take no
 * nonce and can't be listed), so only what says nothing was posted is retried: 429, every 5xx,
 * and errors before the request was sent. A post that went unanswered is never sent again.
 */
export const WEBHOOK_RETRY: RetryPolicy = {
  ...HTTP_RETRY,
  limit: 4,
  methods: [],
  statusCodes: [],
  unappliedStatusCodes: [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)],
  backoffMs: 1000,
  maxBackoffMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** `WEBHOOK_RETRY` with the delivery options' overrides. */
export function webhookRetry(options: WebhookDeliveryOptions): RetryPolicy {
  return {
    ...WEBHOOK_RETRY,
    limit: options.maxRetries ?? WEBHOOK_RETRY.limit,
    backoffMs: options.backoffMs ?? WEBHOOK_RETRY.backoffMs,
    maxBackoffMs: options.maxBackoffMs ?? WEBHOOK_RETRY.maxBackoffMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? WEBHOOK_RETRY.maxRetryAfterMs,
  };
}

/** An answer with a status in `unappliedStatusCodes` (429, 5xx): nothing was posted. Thrown by `read`. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    /** The wait the service asked for, on a 429. */
    readonly retryAfterMs?: number,
    /** What the service said, for the message. */
    readonly said?: string,
  ) {
    super(`status ${status}`);
  }
}

/** A failure before the request left: safe to send again. */
class Unsent extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The errors a webhook client throws when it gives up. */
export interface WebhookFailures {
  /** Sent, then no answer (timeout, connection lost): it may have been posted, and is not sent again. */
  unanswered(reason: string): Error;
  /** Never sent, `tries` times. */
  unsent(reason: string, tries: number): Error;
  /** Refused `tries` times, or asked to wait longer than allowed (`reason` is `retry_after`). */
  refused(refusal: Refused, tries: number, reason: GiveUpReason): Error;
}

/**
 * Posts with `send` and reads the answer with `read`, which returns the result, throws `Refused`
 * to have the post retried by `policy`, or throws the error to fail with.
 */
export function postWithRetry<A, T>(
  policy: RetryPolicy,
  deps: { label: string; logger: Logger; failures: WebhookFailures },
  send: () => Promise<A>,
  read: (answer: A) => T,
): Promise<T> {
  const { label, logger, failures } = deps;
  const classify = (error: unknown): AttemptFailure =>
    error instanceof Unsent ? "unsent" : error instanceof Refused ? { status: error.status, retryAfterMs: error.retryAfterMs } : "final";
  const giveUp = (error: unknown, tries: number, reason: GiveUpReason): unknown =>
    error instanceof Unsent ? failures.unsent(error.reason, tries) : error instanceof Refused ? failures.refused(error, tries, reason) : error;
  const onRetry = (error: unknown, tries: number, waitMs: number): void => {
    if (error instanceof Unsent) return logger.warn(`${label}: ${error.reason}; retrying`, { attempt: tries });
    const status = error instanceof Refused ? error.status : undefined;
    logger.warn(`${label}: ${status === 429 ? "rate limited" : `status ${status}`}; retrying`, { attempt: tries, waitMs });
  };
  return withRetry(policy, { idempotent: false, classify, giveUp, onRetry }, async () => {
    let answer: A;
    try {
      answer = await send();
    } catch (error) {
      // The cause is dropped on purpose: fetch errors can carry the request URL.
      const reason = networkReason(error);
      throw neverSent(error) ? new Unsent(reason) : failures.unanswered(reason);
    }
    return read(answer);
  });
}
