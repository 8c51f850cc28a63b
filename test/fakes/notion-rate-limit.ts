import { parseRetryAfter } from "../../src/http/retry.js";

/** What Notion sends with a 429 when a test names no `Retry-After`: Notion always sends one. */
export const DEFAULT_RETRY_AFTER = "1";

/**
 * Notion's rate limit as the client sees it: after a 429 (or 529) with `Retry-After`, a request
 * that arrives before that time has passed is answered 429 again, so a client that does not
 * wait burns its retries.
 */
export class RateLimitWindow {
  private until = -Infinity;

  /** Starts (or extends) the window a 429/529 sent at `now` with `retryAfter` opens. */
  open(retryAfter: string, now: number): void {
    const ms = parseRetryAfter(retryAfter, now);
    if (ms === undefined || ms <= 0) return;
    // A timer may fire a few ms early by the wall clock, more on a loaded machine: a request
    // that close to the end counts as having waited.
    const slack = Math.max(25, ms * 0.05);
    this.until = Math.max(this.until, now + ms - slack);
  }

  /** The `Retry-After` to answer a request arriving at `now` with, or `undefined` when it may pass. */
  retryAfterFor(now: number): string | undefined {
    const left = this.until - now;
    // Notion sends whole seconds.
    return left > 0 ? String(Math.max(1, Math.ceil(left / 1000))) : undefined;
  }
}
