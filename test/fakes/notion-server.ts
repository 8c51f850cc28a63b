import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { addDays } from "../../src/dates.js";
import { sendHtml, sendJson, startServer } from "../helpers/server.js";
import { NotionApiError, newColumn, validation } from "./notion-model.js";
import { DEFAULT_RETRY_AFTER, RateLimitWindow } from "./notion-rate-limit.js";
import { ROUTES, createHandlers } from "./notion-routes.js";
import { FakeNotionState, normalizeId, type FakeRow, type SeedRow } from "./notion-state.js";

export type { FakeRow, SeedRow } from "./notion-state.js";

/**
 * A fake Notion API (version 2025-09-03) on 127.0.0.1: databases, data sources, pages and
 * queries with Notion's shapes, errors and headers, plus knobs for failures and assertions.
 */

export interface FakeNotionOptions {
  /** @default a random `ntn_…` token */
  token?: string;
  /** Columns of the database's data source, name to type. @default { Name: "title" } */
  columns?: Record<string, string>;
  /** The date column `rows()` reads. @default "Date" */
  dateProperty?: string;
}

export interface MatchOptions {
  /** Only requests with this method, e.g. "PATCH". */
  method?: string;
  /** Only requests whose path starts with this, e.g. "/v1/pages", or whose route is this, e.g. "/v1/pages/:id". */
  path?: string;
}

export interface FailOptions extends MatchOptions {
  /**
   * Sent as `Retry-After` (seconds or an HTTP date). On a 429 or 529 it also opens Notion's window:
   * any request before it has passed is answered 429 again. @default "1" on a 429, none otherwise
   */
  retryAfter?: number | string;
  /** @default Notion's code for the status */
  code?: string;
  message?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** e.g. "PATCH /v1/pages/:id" */
  route: string;
  body: unknown;
  status: number;
  /** When the request arrived (`Date.now()`). */
  at: number;
}

export interface FakeNotion {
  /** The base URL to give the client: no `/v1`. */
  url: string;
  token: string;
  databaseId: string;
  dataSourceId: string;
  /** A page shared with the integration, to create databases under. */
  parentPageId: string;
  requests: RecordedRequest[];
  readonly requestCount: number;
  /** Requests received on `route`, e.g. "POST /v1/data_sources/:id/query". */
  count(route: string): number;
  counts(): Record<string, number>;
  resetCounts(): void;
  rows(databaseId?: string): FakeRow[];
  columns(databaseId?: string): Record<string, string>;
  addColumn(name: string, type: string, databaseId?: string): void;
  seedRows(rows: SeedRow[]): void;
  /** `count` consecutive daily rows ending at `end`, oldest first. */
  seedDays(count: number, options?: { end?: string; metrics?: (index: number, date: string) => Record<string, number> }): void;
  /** A second, newer row for `date`, as a race between two runs leaves. */
  seedDuplicate(date: string, metrics?: Record<string, number>): void;
  /**
   * The next `n` matching requests fail with `status` (a 429 always with `Retry-After`; 502 with an HTML
   * body as from a proxy). Requests answered 429 because they came too early do not count.
   */
  failNext(n: number, status: number, options?: FailOptions): void;
  /** The next `count` matching requests are applied, then answered only after `ms`. */
  delayNext(ms: number, options?: MatchOptions & { count?: number }): void;
  /** The database stops being shared with the integration: 404 from then on. */
  unshare(databaseId?: string): void;
  share(databaseId?: string): void;
  close(): Promise<void>;
}

const CODES: Record<number, [string, string]> = {
  409: ["conflict_error", "Conflict occurred while saving. Please try again."],
  429: ["rate_limited", "You have been rate limited. Please try again in a few minutes."],
  500: ["internal_server_error", "Unexpected error occurred."],
  503: ["service_unavailable", "Notion is unavailable, please try again later."],
  504: ["gateway_timeout", "Notion timed out while processing the request."],
  529: ["service_overload", "Notion is currently overloaded. Please try again later."],
};

export async function startFakeNotion(options: FakeNotionOptions = {}): Promise<FakeNotion> {
  const token = options.token ?? `ntn_${randomUUID().replace(/-/g, "")}`;
  const state = new FakeNotionState(options.columns ?? { Name: "title" }, options.dateProperty ?? "Date");
  const handlers = createHandlers(state);
  const requests: RecordedRequest[] = [];
  const failures: (FailOptions & { remaining: number; status: number })[] = [];
  const delays: (MatchOptions & { remaining: number; ms: number })[] = [];
  const timers = new Set<() => void>();
  const rateLimit = new RateLimitWindow();

  const matches = (rule: MatchOptions, method: string, path: string, route: string) =>
    (!rule.method || rule.method.toUpperCase() === method) && (!rule.path || path.startsWith(rule.path) || route === rule.path);

  function take<T extends MatchOptions & { remaining: number }>(rules: T[], method: string, path: string, route: string): T | undefined {
    const rule = rules.find((r) => r.remaining > 0 && matches(r, method, path, route));
    if (rule) rule.remaining--;
    return rule;
  }

  const errorBody = (status: number, code: string, message: string) => ({ object: "error", status, code, message, request_id: randomUUID() });

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        timers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(done);
    });
  }

  async function handle(req: IncomingMessage & { body: string }, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const found = ROUTES.find(([m, pattern]) => m === method && pattern.test(path));
    const route = found ? found[2] : path;
    let body: unknown;
    try {
      body = req.body ? JSON.parse(req.body) : {};
    } catch {
      body = undefined;
    }
    const at = Date.now();
    const record: RecordedRequest = { method, path, route: `${method} ${route}`, body, status: 0, at };
    requests.push(record);
    const tooEarly = rateLimit.retryAfterFor(at);
    if (tooEarly !== undefined) {
      record.status = 429;
      const [code, message] = CODES[429] as [string, string];
      return sendJson(res, 429, errorBody(429, code, message), { "retry-after": tooEarly });
    }
    const failure = take(failures, method, path, route);
    if (failure) {
      record.status = failure.status;
      const retryAfter = failure.retryAfter ?? (failure.status === 429 ? DEFAULT_RETRY_AFTER : undefined);
      const headers: Record<string, string> = retryAfter !== undefined ? { "retry-after": String(retryAfter) } : {};
      if (retryAfter !== undefined && (failure.status === 429 || failure.status === 529)) rateLimit.open(String(retryAfter), at);
      if (failure.status === 502)
        return sendHtml(res, 502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>", headers);
      const [code, message] = CODES[failure.status] ?? ["internal_server_error", "Unexpected error occurred."];
      return sendJson(res, failure.status, errorBody(failure.status, failure.code ?? code, failure.message ?? message), headers);
    }
    let status = 200;
    let response: unknown;
    try {
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${token}`) throw new NotionApiError(401, "unauthorized", "API token is invalid.");
      const version = req.headers["notion-version"];
      if (version === undefined)
        throw new NotionApiError(
          400,
          "missing_version",
          "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.",
        );
      if (version !== "2025-09-03") throw validation(`The fake Notion only speaks Notion-Version 2025-09-03, not ${String(version)}.`);
      if (body === undefined) throw new NotionApiError(400, "invalid_json", "Error parsing JSON body.");
      const handler = handlers[record.route];
      if (!found || !handler) throw new NotionApiError(400, "invalid_request_url", "Invalid request URL.");
      const id = found[1].exec(path)?.[1] ?? "";
      response = handler(id, body as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof NotionApiError)) throw error;
      status = error.status;
      response = errorBody(error.status, error.code, error.message);
    }
    record.status = status;
    const delay = take(delays, method, path, route);
    if (delay) await wait(delay.ms);
    if (!res.destroyed) sendJson(res, status, response);
  }

  const server = await startServer(handle);

  return {
    url: server.url,
    token,
    databaseId: state.main.id,
    dataSourceId: state.main.dataSourceId,
    parentPageId: state.main.parentPageId,
    requests,
    get requestCount() {
      return requests.length;
    },
    count: (route) => requests.filter((r) => r.route === route).length,
    counts: () => requests.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.route]: (acc[r.route] ?? 0) + 1 }), {}),
    resetCounts: () => void requests.splice(0),
    rows: (databaseId) => state.rows(databaseId),
    columns: (databaseId) => Object.fromEntries([...state.sourceOf(databaseId).columns.values()].map((c) => [c.name, c.type])),
    addColumn(name, type, databaseId) {
      state.sourceOf(databaseId).columns.set(name, newColumn(name, type));
    },
    seedRows: (rows) => state.seed(rows),
    seedDays(count, seedOptions = {}) {
      const end = seedOptions.end ?? "2026-01-31";
      const metrics = seedOptions.metrics ?? ((i: number) => ({ mrr: 1000 + i }));
      state.seed(
        Array.from({ length: count }, (_, i) => {
          const date = addDays(end, i - count + 1);
          return { date, metrics: metrics(i, date) };
        }),
      );
    },
    seedDuplicate: (date, metrics) => state.seed([{ date, metrics }]),
    failNext(n, status, failOptions = {}) {
      failures.push({ ...failOptions, status, remaining: n });
    },
    delayNext(ms, delayOptions = {}) {
      delays.push({ ...delayOptions, ms, remaining: delayOptions.count ?? 1 });
    },
    unshare(databaseId) {
      state.sharedDb(databaseId ?? state.main.id).shared = false;
    },
    share(databaseId) {
      const db = state.databases.get(normalizeId(databaseId ?? state.main.id));
      if (db) db.shared = true;
    },
    async close() {
      for (const release of [...timers]) release();
      await server.close();
    },
  };
}
