/** How a report destination's webhook posts are delivered and retried (Discord, Slack). */
export interface WebhookDeliveryOptions {
  /**
   * Retries after the first attempt, for 429, 5xx and errors before the request was sent (connection
   * refused, DNS). A post that went unanswered (timeout, connection lost after sending) may have
   * landed and is never retried: it fails as unanswered (`discord_unanswered`, `slack_unanswered`). @default 4
   */
  maxRetries?: number;
  /** First wait after a 5xx or a network error; doubles each retry. @default 1000 */
  backoffMs?: number;
  /** @default 30000 */
  maxBackoffMs?: number;
  /** A `retry_after` longer than this is not waited for: the post fails. @default 60000 */
  maxRetryAfterMs?: number;
  /** One attempt's limit. @default 15000 */
  timeoutMs?: number;
  /** Injected for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}
