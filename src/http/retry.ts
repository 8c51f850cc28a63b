import { sleep } from "../sleep.js";

/**
 * How a client retries transient failures: the one policy every outside call uses (the HTTP
 * client of the sources, the Stripe preset, the Notion store, the Discord webhook), each with
 * its own defaults (`HTTP_RETRY`, `STRIPE_RETRY`, `NOTION_RETRY`, `DISCORD_RETRY`).
 *
 * A request that may have been applied (a timeout or a dropped connection after sending, or a
 * status in `statusCodes`) is sent again only when it is idempotent (its method is in `methods`);
 * a status in `unappliedStatusCodes`, or a failure before anything was sent, says nothing was
 * applied, so any request is sent again. A non-idempotent write is never retried blindly.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. @default 2 (HTTP client) */
  limit: number;
  /** Methods that are idempotent, so a request that may have been applied is sent again. @default ["GET", "HEAD"] */
  methods: readonly string[];
  /** Statuses retried for idempotent requests. @default [429, 500, 502, 503, 504] */
  statusCodes: readonly number[];
  /** Statuses that say the request was not applied: retried whatever the method. @default [] */
  unappliedStatusCodes: readonly number[];
  /** First wait when the server names none; doubles each retry, with ±15% jitter. @default 500 */
  backoffMs: number;
  /** The longest backoff wait. @default 10000 */
  maxBackoffMs: number;
  /** A `Retry-After` longer than this is not waited for: the request fails instead. @default 60000 */
  maxRetryAfterMs: number;
  /**
   * Time one request may spend retrying, counted from its first attempt: a wait that would end
   * past it is not started, and the request fails with its last error. @default Infinity
   */
  maxRetryTimeMs: number;
}

/** The sources' HTTP client. */
export const HTTP_RETRY: RetryPolicy = {
  limit: 2,
  methods: ["GET", "HEAD"],
  statusCodes: [429, 500, 502, 503, 504],
  unappliedStatusCodes: [],
  backoffMs: 500,
  maxBackoffMs: 10_000,
  maxRetryAfterMs: 60_000,
  maxRetryTimeMs: Infinity,
};

/**
 * What one failed attempt was, as the client sees it:
 * - `{ status }`: the server answered with an error status (and maybe a `Retry-After`);
 * - `unsent`: nothing left this machine (connection refused, DNS), so nothing was applied;
 * - `in_flight`: the request was sent and went unanswered (timeout, connection lost): it may have been applied;
 * - `final`: not worth retrying.
 */
export type AttemptFailure = { status: number; retryAfterMs?: number } | "unsent" | "in_flight" | "final";

/** Why no retry is made: the failure is `final` (or may have been applied and the request is not idempotent), or the policy's `limit`, `maxRetryAfterMs` or `maxRetryTimeMs` is reached. */
export type GiveUpReason = "final" | "limit" | "retry_after" | "budget";

export interface RetryHooks {
  /** Whether the request is idempotent: usually `policy.methods.includes(method)`. */
  idempotent: boolean;
  /** What the thrown `error` was. */
  classify(error: unknown): AttemptFailure;
  /** The error to throw when no retry is made after `attempts` attempts. @default the error as is */
  giveUp?(error: unknown, attempts: number, reason: GiveUpReason, failure: AttemptFailure): unknown;
  /** Called before each wait, e.g. to log it. */
  onRetry?(error: unknown, attempt: number, waitMs: number): void;
  /** Aborts a wait. */
  signal?: AbortSignal;
}

/** Runs `attempt` (numbered from 1) until it resolves or `policy` says to stop. */
export async function withRetry<T>(policy: RetryPolicy, hooks: RetryHooks, attempt: (n: number) => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const failure = hooks.classify(error);
      const decision = retryWait(policy, failure, hooks.idempotent, n, startedAt);
      if (typeof decision === "string") throw hooks.giveUp ? hooks.giveUp(error, n, decision, failure) : error;
      hooks.onRetry?.(error, n, decision);
      await sleep(decision, hooks.signal);
    }
  }
}

/** How long to wait before retry `attempt` of a request first sent at `startedAt`, or why not to retry. */
export function retryWait(policy: RetryPolicy, failure: AttemptFailure, idempotent: boolean, attempt: number, startedAt: number): number | GiveUpReason {
  if (!isRetryable(policy, failure, idempotent)) return "final";
  if (attempt > policy.limit) return "limit";
  const after = typeof failure === "object" ? failure.retryAfterMs : undefined;
  if (after !== undefined && after > policy.maxRetryAfterMs) return "retry_after";
  const waitMs = after ?? backoffDelay(attempt, policy);
  return Date.now() - startedAt + waitMs > policy.maxRetryTimeMs ? "budget" : waitMs;
}

function isRetryable(policy: RetryPolicy, failure: AttemptFailure, idempotent: boolean): boolean {
  if (failure === "final") return false;
  if (failure === "unsent") return true;
  if (failure === "in_flight") return idempotent;
  return policy.unappliedStatusCodes.includes(failure.status) || (idempotent && policy.statusCodes.includes(failure.status));
}

/** `Retry-After` as milliseconds: delta-seconds (possibly fractional) or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with a little jitter, capped. `attempt` starts at 1. */
export function backoffDelay(attempt: number, retry: Pick<RetryPolicy, "backoffMs" | "maxBackoffMs">): number {
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
