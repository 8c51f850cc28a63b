import { Client, LogLevel, RequestTimeoutError, isHTTPResponseError } from "@notionhq/client";
import { sleep } from "../../sleep.js";
import { parseRetryAfter, withRetry, type AttemptFailure, type RetryPolicy } from "../../http/retry.js";
import { RetriesExhausted } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import { DEFAULT_TUNING, NOTION_RETRY, type NotionTuning } from "./options.js";

/** The `fetch` the SDK calls; tests may inject one. */
export type NotionFetch = NonNullable<ConstructorParameters<typeof Client>[0]>["fetch"];

export interface NotionApiOptions extends NotionTuning {
  token: string;
  baseUrl?: string;
  logger: Logger;
  fetch?: NotionFetch;
}

/** A failure worth retrying; the request may or may not have been applied. */
export function isTransient(error: unknown): boolean {
  const failure = classifyFailure(error);
  return failure === "in_flight" || (typeof failure === "object" && NOTION_RETRY.statusCodes.includes(failure.status));
}

/** What a failed request was, for the retry policy. */
export function classifyFailure(error: unknown): AttemptFailure {
  if (isHTTPResponseError(error)) return { status: error.status, retryAfterMs: parseRetryAfter(headerOf(error.headers, "retry-after")) };
  if (error instanceof RequestTimeoutError) return "in_flight";
  const name = (error as { name?: unknown } | null)?.name;
  // Our fetch aborts on timeout (TimeoutError); undici wraps a dropped connection in a TypeError whose cause is the socket's error.
  return name === "TimeoutError" || name === "AbortError" || (error instanceof TypeError && error.cause !== undefined) ? "in_flight" : "final";
}

/**
 * The SDK client with our own retry loop around each request: the SDK retries neither
 * 502/504 nor timeouts, and we pace requests to stay near Notion's 3 a second.
 */
export class NotionApi {
  readonly client: Client;
  /** `NOTION_RETRY` with the tuning's limit, backoff, `Retry-After` cap and time budget. */
  readonly retry: RetryPolicy;
  private readonly tuning: Required<NotionTuning>;
  private readonly logger: Logger;
  private lastSentAt = -Infinity;
  private paceQueue: Promise<void> = Promise.resolve();

  constructor(options: NotionApiOptions) {
    const { token: _token, baseUrl: _baseUrl, logger: _logger, fetch: _fetch, ...tuning } = options;
    this.tuning = { ...DEFAULT_TUNING, ...definedOnly(tuning) };
    const { maxRetries, backoffMs, maxBackoffMs, maxRetryAfterMs, maxRetryTimeMs } = this.tuning;
    this.retry = { ...NOTION_RETRY, limit: maxRetries, backoffMs, maxBackoffMs, maxRetryAfterMs, maxRetryTimeMs };
    this.logger = options.logger;
    const timeoutMs = this.tuning.timeoutMs;
    const baseFetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.client = new Client({
      auth: options.token,
      baseUrl: options.baseUrl,
      retry: false,
      // Our fetch aborts the connection on time; the SDK's own timer is only a backstop.
      timeoutMs: timeoutMs + 1000,
      // Paced here, next to the send, so the gap holds between real requests whatever the SDK awaits first.
      fetch: async (url, init) => {
        await this.pace();
        return baseFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) } as typeof init);
      },
      logLevel: LogLevel.WARN,
      logger: (level, message, extra) => this.logger.debug(`notion client ${level}: ${message}`, { ...extra }),
    });
  }

  /**
   * Runs one request. Rate limits are always retried after `Retry-After`; 5xx and timeouts
   * only when `safe` (reads and idempotent writes); the caller redoes unsafe ones whole.
   * Once retried, a final failure is thrown as `RetriesExhausted`.
   */
  async call<T>(what: string, run: (client: Client) => Promise<T>, safe = true): Promise<T> {
    return withRetry(
      this.retry,
      {
        idempotent: safe,
        classify: classifyFailure,
        giveUp: (error, attempts, reason) => (reason === "final" ? error : giveUp(error, attempts)),
        onRetry: (error, attempt, waitMs) =>
          this.logger.warn(`notion: ${what} failed (${describeFailure(error)}); retry ${attempt} of ${this.retry.limit} in ${waitMs} ms`),
      },
      () => run(this.client),
    );
  }

  /** Waits until `minIntervalMs` has passed since the last request was sent, one caller at a time. */
  private pace(): Promise<void> {
    const interval = this.tuning.minIntervalMs;
    if (interval <= 0) return Promise.resolve();
    const turn = this.paceQueue.then(async () => {
      // Timers may fire a millisecond early by the wall clock, so check again after each sleep.
      for (let wait = this.lastSentAt + interval - Date.now(); wait > 0; wait = this.lastSentAt + interval - Date.now()) await sleep(wait);
      this.lastSentAt = Date.now();
    });
    this.paceQueue = turn;
    return turn;
  }
}

/** The error to throw when retry `attempt` will not happen: marked as retried when one was. */
export function giveUp(error: unknown, attempt: number): unknown {
  return attempt > 1 ? new RetriesExhausted(error, attempt - 1) : error;
}

export function describeFailure(error: unknown): string {
  if (isHTTPResponseError(error)) return `${error.status} ${error.code}`;
  if (isTransient(error)) return "timed out or connection lost";
  return error instanceof Error ? error.message : String(error);
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (headers && typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : undefined;
}

function definedOnly(options: NotionTuning): NotionTuning {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
