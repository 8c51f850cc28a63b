/**
 * How transient failures are retried. Applies to network errors, timeouts of
 * single attempts, and the `statusCodes` below, for the `methods` below only:
 * a POST is never retried blindly.
 */
export interface RetryOptions {
  /** Retries after the first attempt. @default 2 */
  limit: number;
  /** @default ["GET", "HEAD"] */
  methods: readonly string[];
  /** @default [429, 500, 502, 503, 504] */
  statusCodes: readonly number[];
  /** First backoff; doubles each retry. @default 500 */
  backoffMs: number;
  /** @default 10000 */
  maxBackoffMs: number;
  /** A `Retry-After` longer than this is not waited for: the request fails instead. @default 60000 */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  limit: 2,
  methods: ["GET", "HEAD"],
  statusCodes: [429, 500, 502, 503, 504],
  backoffMs: 500,
  maxBackoffMs: 10_000,
  maxRetryAfterMs: 60_000,
};

/** `Retry-After` as milliseconds: delta-seconds (possibly fractional) or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with a little jitter, capped. `attempt` starts at 1. */
export function backoffDelay(attempt: number, retry: Pick<RetryOptions, "backoffMs" | "maxBackoffMs">): number {
  const base = Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (attempt - 1));
  return Math.round(base * (0.85 + Math.random() * 0.3));
}

/** A failed fetch as a short reason without its URL: `request timed out`, `network error ECONNREFUSED`. */
export function networkReason(error: unknown): string {
  // By name: the DOMException may come from another realm than this module's Error.
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === "TimeoutError" || name === "AbortError") return "request timed out";
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === "string" ? `network error ${code}` : "network error";
}

/** Connection errors that happen before a byte of the request leaves: retrying a POST can't send it twice. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** Whether a failed fetch never sent its request; otherwise (a timeout, a connection lost after sending) it may have landed. */
export function neverSent(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === "string" && NOT_SENT.has(code);
}
