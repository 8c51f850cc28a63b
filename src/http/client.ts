import { StringDecoder } from "node:string_decoder";
import got, { type Method, RequestError } from "got";
import type { CookieJar } from "tough-cookie";
import { HttpError } from "../errors.js";
import { HTTP_RETRY, parseRetryAfter, withRetry, type AttemptFailure, type GiveUpReason, type RetryPolicy } from "./retry.js";

export interface HttpClientOptions {
  /** One attempt's limit, for requests that set no `timeoutMs` of their own. @default 30000 */
  timeoutMs?: number;
  /** @default `HTTP_RETRY` */
  retry?: Partial<RetryPolicy>;
  /** Bodies larger than this are cut off with an error. @default 10 MiB */
  maxResponseBytes?: number;
  /** @default "kpi-collector" */
  userAgent?: string;
}

export interface HttpRequest {
  url: string;
  /** @default "GET" */
  method?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  cookieJar?: CookieJar;
  signal?: AbortSignal;
  /**
   * The time this request may take, retries included; it replaces the client's `timeoutMs`.
   * A method that is retried splits it evenly among its attempts (a third each with the default
   * two retries), so a hung attempt still leaves time to retry; a method that is never retried
   * (POST) gets all of it for its one attempt. Backoff waits are not counted: `signal` bounds the
   * whole. The pipeline sets it to what is left of the source's time limit.
   * @default the client's `timeoutMs` for each attempt
   */
  timeoutMs?: number;
  /** Overrides the client's retry options for this request. */
  retry?: Partial<RetryPolicy>;
  /** A tighter body limit for this request than the client's. */
  maxResponseBytes?: number;
  /**
   * Answer with the body's bytes undecoded (`HttpResponse.bytes`, `body` empty): a page handed to
   * a parse worker is then moved to it, never copied into the main heap as a string.
   */
  bytes?: boolean;
}

export interface HttpResponse {
  status: number;
  /** The URL after redirects. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body decoded as UTF-8; empty when the request asked for `bytes`. */
  body: string;
  /** The body undecoded, when the request asked for `bytes`. */
  bytes?: Uint8Array;
}

export interface HttpClient {
  /** Resolves for any final status below 400; throws `HttpError` otherwise. */
  request(request: HttpRequest): Promise<HttpResponse>;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** The URL without query or credentials, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "<invalid url>";
  }
}

/** The chunks as one string; a character split across two chunks is decoded whole. */
function decodeUtf8(chunks: Buffer[]): string {
  const decoder = new StringDecoder("utf8");
  let text = "";
  for (const chunk of chunks) text += decoder.write(chunk);
  return text + decoder.end();
}

/** The chunks in one fresh ArrayBuffer of its own (never Node's shared pool), so it can be transferred. */
function joinBytes(chunks: Buffer[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** An answer with an error status, thrown inside the retry loop. */
class StatusAnswer extends Error {
  constructor(readonly response: HttpResponse) {
    super(`status ${response.status}`);
  }
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const userAgent = options.userAgent ?? "kpi-collector";

  async function attempt(request: HttpRequest, method: string, attemptTimeoutMs: number): Promise<HttpResponse> {
    const limit = Math.min(maxBytes, request.maxResponseBytes ?? maxBytes);
    const headers: Record<string, string> = { "user-agent": userAgent, ...request.headers };
    if (request.basicAuth) {
      const { username, password } = request.basicAuth;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    }
    let body: string | undefined;
    if (request.form) {
      body = new URLSearchParams(request.form).toString();
      headers["content-type"] ??= "application/x-www-form-urlencoded";
    } else if (request.body !== undefined) {
      body = typeof request.body === "string" ? request.body : JSON.stringify(request.body);
      headers["content-type"] ??= "application/json";
    }
    // Streamed, and decoded from the chunks as received: no copy of the whole body as one
    // Buffer, which with 8 pages in flight is what lifts a run's peak memory.
    const stream = got.stream(request.url, {
      method: method as Method,
      headers,
      // A stream with no body option waits to be written to; an empty body ends the request.
      body: body ?? (method === "GET" || method === "HEAD" ? undefined : ""),
      cookieJar: request.cookieJar,
      signal: request.signal,
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: attemptTimeoutMs },
      followRedirect: true,
      hooks: { beforeRedirect: [dropCredentialsOffOrigin(request)] },
      // Browsers turn a POST answered with 301/302 into a GET; login forms rely on it.
      methodRewriting: true,
      maxRedirects: 10,
    });
    return new Promise<HttpResponse>((resolve, reject) => {
      const tooLarge = () => {
        stream.destroy();
        reject(new HttpError("response_too_large", `Response larger than ${limit} bytes: ${method} ${describeUrl(request.url)}`));
      };
      const chunks: Buffer[] = [];
      let received = 0;
      let response: { statusCode: number; url: string; headers: HttpResponse["headers"] } | undefined;
      stream.on("response", (res: typeof response & {}) => {
        response = res;
        if (Number(res.headers["content-length"] ?? 0) > limit) tooLarge();
      });
      stream.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > limit) return tooLarge();
        chunks.push(chunk);
      });
      stream.on("end", () => {
        if (!response) return reject(new Error("the response ended before its headers"));
        const { statusCode: status, url, headers } = response;
        if (request.bytes) resolve({ status, url, headers, body: "", bytes: joinBytes(chunks.splice(0), received) });
        else resolve({ status, url, headers, body: decodeUtf8(chunks.splice(0)) });
      });
      stream.on("error", reject);
    });
  }

  return {
    async request(request) {
      const method = (request.method ?? "GET").toUpperCase();
      const retry = { ...HTTP_RETRY, ...options.retry, ...request.retry };
      const idempotent = retry.methods.includes(method);
      const attemptTimeoutMs = request.timeoutMs === undefined ? timeoutMs : Math.ceil(request.timeoutMs / (idempotent ? retry.limit + 1 : 1));
      const classify = (error: unknown): AttemptFailure => {
        if (error instanceof StatusAnswer)
          return { status: error.response.status, retryAfterMs: parseRetryAfter(first(error.response.headers["retry-after"])) };
        if (error instanceof HttpError || request.signal?.aborted) return "final";
        // Even a connection refused counts as maybe applied: a POST is never sent twice.
        return isTransient(error) ? "in_flight" : "final";
      };
      const giveUp = (error: unknown, attempts: number, reason: GiveUpReason, failure: AttemptFailure): unknown => {
        if (error instanceof HttpError) return error;
        if (request.signal?.aborted) return new HttpError("aborted", `Request aborted: ${method} ${describeUrl(request.url)}`, { cause: error });
        const tooLong = typeof failure === "object" && failure.retryAfterMs !== undefined && failure.retryAfterMs > retry.maxRetryAfterMs;
        const note =
          reason === "final"
            ? ""
            : tooLong
              ? ` (Retry-After ${Math.round((failure.retryAfterMs ?? 0) / 1000)} s is longer than allowed)`
              : ` after ${attempts} attempts`;
        const failed = error instanceof StatusAnswer ? statusError(error.response, method, request.url) : networkError(error, method, request.url);
        failed.message += note;
        return failed;
      };
      return withRetry(retry, { idempotent, classify, giveUp, signal: request.signal }, async () => {
        const response = await attempt(request, method, attemptTimeoutMs);
        if (response.status >= 400) throw new StatusAnswer(response);
        return response;
      });
    },
  };
}

/**
 * got strips only `authorization` and `cookie` when a redirect leaves the host. Every header the
 * caller set (an API key under any name: `x-api-key`, `private-token`) is a credential as far as we
 * know, so none of them, nor basic auth, crosses to another origin (scheme, host and port).
 * Once dropped they stay dropped, even if a later redirect comes back.
 */
function dropCredentialsOffOrigin(request: HttpRequest) {
  const origin = new URL(request.url).origin;
  const names = [...Object.keys(request.headers ?? {}).map((name) => name.toLowerCase()), "authorization", "cookie"];
  return (options: { url?: URL | string; headers: Record<string, unknown>; username: string; password: string }) => {
    if (options.url === undefined || new URL(options.url).origin === origin) return;
    for (const name of names) delete options.headers[name];
    options.username = "";
    options.password = "";
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function statusError(response: HttpResponse, method: string, url: string): HttpError {
  return new HttpError("http_status", `Request failed with status code ${response.status}: ${method} ${describeUrl(url)}`, {
    status: response.status,
    body: response.body.slice(0, 2000),
  });
}

const TRANSIENT_CODES = new Set(["ETIMEDOUT", "ECONNRESET", "ECONNREFUSED", "EPIPE", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ERR_GOT_REQUEST_ERROR"]);

function isTransient(error: unknown): boolean {
  if (!(error instanceof RequestError)) return false;
  if (error.name === "TimeoutError") return true;
  return TRANSIENT_CODES.has(error.code);
}

function networkError(error: unknown, method: string, url: string): HttpError {
  const where = `${method} ${describeUrl(url)}`;
  if (error instanceof RequestError) {
    const reason =
      error.name === "TimeoutError"
        ? "timed out"
        : error.name === "MaxRedirectsError"
          ? "too many redirects (a redirect loop?)"
          : error.code === "ENOTFOUND"
            ? "host not found (DNS)"
            : error.code === "ECONNREFUSED"
              ? "connection refused"
              : error.code;
    return new HttpError("network", `Request ${reason}: ${where}`, { networkCode: error.code, cause: error });
  }
  return new HttpError("network", `Request failed: ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
