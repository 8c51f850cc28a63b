import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { addDays } from "../../src/dates.js";
import { sendHtml, sendJson, startServer } from "../helpers/server.js";
import {
  NotionApiError, columnByName, dataSourceJson, databaseJson, newColumn, notFound, pageJson, validation, writeCells,
  type FakeDataSource, type FakeDatabase, type FakePage,
} from "./notion-model.js";
import { runQuery, type QueryBody } from "./notion-query.js";

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

export interface FakeRow {
  id: string;
  date?: string;
  title: string;
  metrics: Record<string, number>;
  reportSent: boolean;
  alerted: string[];
  trashed: boolean;
  createdTime: string;
}

export interface SeedRow {
  date: string;
  metrics?: Record<string, number>;
  reportSent?: boolean;
  alerted?: string[];
}

export interface MatchOptions {
  /** Only requests with this method, e.g. "PATCH". */
  method?: string;
  /** Only requests whose path starts with this, e.g. "/v1/pages", or whose route is this, e.g. "/v1/pages/:id". */
  path?: string;
}

export interface FailOptions extends MatchOptions {
  /** Sent as `Retry-After` (seconds). */
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
  /** The next `n` matching requests fail with `status` (429/529 with `Retry-After`; 502 with an HTML body as from a proxy). */
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

const ROUTES: [string, RegExp, string][] = [
  ["GET", /^\/v1\/databases\/([^/]+)$/, "/v1/databases/:id"],
  ["POST", /^\/v1\/databases$/, "/v1/databases"],
  ["GET", /^\/v1\/data_sources\/([^/]+)$/, "/v1/data_sources/:id"],
  ["PATCH", /^\/v1\/data_sources\/([^/]+)$/, "/v1/data_sources/:id"],
  ["POST", /^\/v1\/data_sources\/([^/]+)\/query$/, "/v1/data_sources/:id/query"],
  ["POST", /^\/v1\/pages$/, "/v1/pages"],
  ["GET", /^\/v1\/pages\/([^/]+)$/, "/v1/pages/:id"],
  ["PATCH", /^\/v1\/pages\/([^/]+)$/, "/v1/pages/:id"],
];

/** Notion accepts ids with or without dashes. */
function normalizeId(id: string): string {
  const c = decodeURIComponent(id).replace(/-/g, "").toLowerCase();
  return c.length === 32 ? `${c.slice(0, 8)}-${c.slice(8, 12)}-${c.slice(12, 16)}-${c.slice(16, 20)}-${c.slice(20)}` : id;
}

const minuteNow = () => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

export async function startFakeNotion(options: FakeNotionOptions = {}): Promise<FakeNotion> {
  const token = options.token ?? `ntn_${randomUUID().replace(/-/g, "")}`;
  const dateProperty = options.dateProperty ?? "Date";
  const databases = new Map<string, FakeDatabase>();
  const sources = new Map<string, FakeDataSource>();
  const pages = new Map<string, { page: FakePage; source: FakeDataSource }>();
  const sharedPages = new Set<string>([randomUUID()]);
  const requests: RecordedRequest[] = [];
  const failures: (FailOptions & { remaining: number; status: number })[] = [];
  const delays: (MatchOptions & { remaining: number; ms: number })[] = [];
  const timers = new Set<() => void>();
  let seq = 0;

  function createDatabase(title: string, parentPageId: string, columns: [string, string, Record<string, unknown>?][]): FakeDatabase {
    const db: FakeDatabase = { id: randomUUID(), title, parentPageId, dataSourceId: randomUUID(), shared: true, createdTime: minuteNow() };
    const source: FakeDataSource = { id: db.dataSourceId, databaseId: db.id, title, columns: new Map(), pages: [] };
    for (const [name, type, config] of columns) source.columns.set(name, newColumn(name, type, config));
    databases.set(db.id, db);
    sources.set(source.id, source);
    return db;
  }

  const main = createDatabase("KPIs", [...sharedPages][0] as string, Object.entries(options.columns ?? { Name: "title" }));

  function sharedDb(id: string): FakeDatabase {
    const db = databases.get(normalizeId(id));
    if (!db || !db.shared) throw notFound("database", id);
    return db;
  }
  function sharedSource(id: string): FakeDataSource {
    const source = sources.get(normalizeId(id));
    if (!source || !databases.get(source.databaseId)?.shared) throw notFound("data_source", id);
    return source;
  }
  function sharedPage(id: string): { page: FakePage; source: FakeDataSource } {
    const found = pages.get(normalizeId(id));
    if (!found || !databases.get(found.source.databaseId)?.shared) throw notFound("page", id);
    return found;
  }
  function sourceOf(databaseId?: string): FakeDataSource {
    const db = databases.get(normalizeId(databaseId ?? main.id));
    const source = db && sources.get(db.dataSourceId);
    if (!source) throw new Error(`fake notion: no database ${databaseId}`);
    return source;
  }
  function addPage(source: FakeDataSource, properties: unknown): FakePage {
    const now = minuteNow();
    const page: FakePage = { id: randomUUID(), dataSourceId: source.id, createdTime: now, lastEditedTime: now, seq: seq++, inTrash: false, cells: new Map() };
    writeCells(source, page, properties);
    source.pages.push(page);
    pages.set(page.id, { page, source });
    return page;
  }

  const typeOf = (config: Record<string, unknown>) => Object.keys(config).find((k) => k !== "name" && k !== "description" && k !== "type");

  function parseColumns(properties: unknown): [string, string, Record<string, unknown>][] {
    return Object.entries((properties ?? {}) as Record<string, Record<string, unknown>>).map(([name, config]) => {
      const type = typeOf(config ?? {});
      if (!type) throw validation(`body failed validation: body.properties.${name} should define a property type.`);
      return [name, type, (config[type] ?? {}) as Record<string, unknown>];
    });
  }

  const handlers: Record<string, (id: string, body: Record<string, unknown>) => unknown> = {
    "GET /v1/databases/:id": (id) => databaseJson(sharedDb(id)),
    "POST /v1/databases": (_, body) => {
      const parent = body.parent as { type?: string; page_id?: string } | undefined;
      if (parent?.type !== "page_id" || typeof parent.page_id !== "string") throw validation("body failed validation: body.parent.page_id should be defined.");
      if (!sharedPages.has(normalizeId(parent.page_id))) throw notFound("page", parent.page_id);
      const columns = parseColumns((body.initial_data_source as { properties?: unknown } | undefined)?.properties);
      const titles = columns.filter(([, type]) => type === "title").length;
      if (titles > 1) throw validation("Databases must have exactly one title property.");
      if (titles === 0) columns.unshift(["Name", "title", {}]);
      const title = ((body.title ?? []) as { text?: { content?: string } }[]).map((t) => t.text?.content ?? "").join("");
      return databaseJson(createDatabase(title, normalizeId(parent.page_id), columns));
    },
    "GET /v1/data_sources/:id": (id) => {
      const source = sharedSource(id);
      return dataSourceJson(source, databases.get(source.databaseId) as FakeDatabase);
    },
    "PATCH /v1/data_sources/:id": (id, body) => {
      const source = sharedSource(id);
      const changes = Object.entries((body.properties ?? {}) as Record<string, Record<string, unknown> | null>);
      const apply: (() => void)[] = [];
      for (const [name, change] of changes) {
        const existing = columnByName(source, name);
        if (change === null) {
          if (!existing) throw validation(`${name} is not a property that exists.`);
          if (existing.type === "title") throw validation("Cannot delete the title property.");
          apply.push(() => source.columns.delete(existing.name));
          continue;
        }
        const type = typeOf(change);
        const config = (type ? change[type] ?? {} : {}) as Record<string, unknown>;
        const rename = typeof change.name === "string" ? change.name : undefined;
        if (!existing && !type) throw validation(`${name} is not a property that exists.`);
        if (existing && type && existing.type !== type) throw validation(`Cannot change the type of property ${name} from ${existing.type} to ${type}.`);
        apply.push(() => {
          const column = existing ?? newColumn(name, type as string, config);
          if (existing && type) column.config = config;
          source.columns.delete(column.name);
          column.name = rename ?? column.name;
          source.columns.set(column.name, column);
        });
      }
      for (const change of apply) change();
      return dataSourceJson(source, databases.get(source.databaseId) as FakeDatabase);
    },
    "POST /v1/data_sources/:id/query": (id, body) => {
      const source = sharedSource(id);
      const { results, nextCursor } = runQuery(source, body as QueryBody);
      return {
        object: "list",
        results: results.map((p) => pageJson(p, source)),
        next_cursor: nextCursor,
        has_more: nextCursor !== null,
        type: "page_or_data_source",
        page_or_data_source: {},
      };
    },
    "POST /v1/pages": (_, body) => {
      const parent = (body.parent ?? {}) as { data_source_id?: string; database_id?: string };
      const source = parent.data_source_id ? sharedSource(parent.data_source_id)
        : parent.database_id ? sourceOf(sharedDb(parent.database_id).id)
        : undefined;
      if (!source) throw validation("body failed validation: body.parent.data_source_id should be defined.");
      return pageJson(addPage(source, body.properties), source);
    },
    "GET /v1/pages/:id": (id) => {
      const { page, source } = sharedPage(id);
      return pageJson(page, source);
    },
    "PATCH /v1/pages/:id": (id, body) => {
      const { page, source } = sharedPage(id);
      const trash = body.in_trash ?? body.archived;
      if (trash !== undefined && typeof trash !== "boolean") throw validation("body failed validation: body.in_trash should be a boolean.");
      if (page.inTrash && trash !== false && body.properties !== undefined) {
        throw validation("Can't edit block that is archived. You must unarchive the block before editing.");
      }
      if (trash !== undefined) page.inTrash = trash;
      writeCells(source, page, body.properties);
      return pageJson(page, source);
    },
  };

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
    const record: RecordedRequest = { method, path, route: `${method} ${route}`, body, status: 0 };
    requests.push(record);
    const failure = take(failures, method, path, route);
    if (failure) {
      record.status = failure.status;
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { "retry-after": String(failure.retryAfter) } : {};
      if (failure.status === 502) return sendHtml(res, 502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>", headers);
      const [code, message] = CODES[failure.status] ?? ["internal_server_error", "Unexpected error occurred."];
      return sendJson(res, failure.status, errorBody(failure.status, failure.code ?? code, failure.message ?? message), headers);
    }
    let status = 200;
    let response: unknown;
    try {
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${token}`) throw new NotionApiError(401, "unauthorized", "API token is invalid.");
      const version = req.headers["notion-version"];
      if (version === undefined) throw new NotionApiError(400, "missing_version", "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.");
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

  function seed(rows: SeedRow[], databaseId?: string): void {
    const source = sourceOf(databaseId);
    const title = [...source.columns.values()].find((c) => c.type === "title") as { name: string };
    const ensure = (name: string, type: string) => {
      if (!source.columns.has(name)) source.columns.set(name, newColumn(name, type));
    };
    for (const row of rows) {
      ensure(dateProperty, "date");
      const properties: Record<string, unknown> = {
        [title.name]: { title: [{ text: { content: row.date } }] },
        [dateProperty]: { date: { start: row.date } },
      };
      for (const [name, value] of Object.entries(row.metrics ?? {})) {
        ensure(name, "number");
        properties[name] = { number: value };
      }
      if (row.reportSent !== undefined) {
        ensure("Report sent", "checkbox");
        properties["Report sent"] = { checkbox: row.reportSent };
      }
      if (row.alerted !== undefined) {
        ensure("Alerted", "rich_text");
        properties.Alerted = { rich_text: [{ text: { content: row.alerted.join(", ") } }] };
      }
      addPage(source, properties);
    }
  }

  function rowOf(page: FakePage, source: FakeDataSource): FakeRow {
    const row: FakeRow = { id: page.id, title: "", metrics: {}, reportSent: false, alerted: [], trashed: page.inTrash, createdTime: page.createdTime };
    for (const column of source.columns.values()) {
      const cell = page.cells.get(column.id);
      if (column.type === "number" && typeof cell === "number") row.metrics[column.name] = cell;
      else if (column.name === dateProperty && column.type === "date" && typeof cell === "string") row.date = cell;
      else if (column.type === "title") row.title = String(cell ?? "");
      else if (column.name === "Report sent") row.reportSent = cell === true;
      else if (column.name === "Alerted" && typeof cell === "string") row.alerted = cell.split(",").map((s) => s.trim()).filter(Boolean);
    }
    return row;
  }

  return {
    url: server.url,
    token,
    databaseId: main.id,
    dataSourceId: main.dataSourceId,
    parentPageId: main.parentPageId,
    requests,
    get requestCount() {
      return requests.length;
    },
    count: (route) => requests.filter((r) => r.route === route).length,
    counts: () => requests.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.route]: (acc[r.route] ?? 0) + 1 }), {}),
    resetCounts: () => void requests.splice(0),
    rows(databaseId) {
      const source = sourceOf(databaseId);
      return source.pages
        .map((p) => rowOf(p, source))
        .sort((a, b) => (a.date ?? "").localeCompare(b.date ?? "") || a.createdTime.localeCompare(b.createdTime));
    },
    columns: (databaseId) => Object.fromEntries([...sourceOf(databaseId).columns.values()].map((c) => [c.name, c.type])),
    addColumn(name, type, databaseId) {
      sourceOf(databaseId).columns.set(name, newColumn(name, type));
    },
    seedRows: (rows) => seed(rows),
    seedDays(count, seedOptions = {}) {
      const end = seedOptions.end ?? "2026-01-31";
      const metrics = seedOptions.metrics ?? ((i: number) => ({ mrr: 1000 + i }));
      seed(Array.from({ length: count }, (_, i) => {
        const date = addDays(end, i - count + 1);
        return { date, metrics: metrics(i, date) };
      }));
    },
    seedDuplicate: (date, metrics) => seed([{ date, metrics }]),
    failNext(n, status, failOptions = {}) {
      failures.push({ ...failOptions, status, remaining: n });
    },
    delayNext(ms, delayOptions = {}) {
      delays.push({ ...delayOptions, ms, remaining: delayOptions.count ?? 1 });
    },
    unshare(databaseId) {
      sharedDb(databaseId ?? main.id).shared = false;
    },
    share(databaseId) {
      const db = databases.get(normalizeId(databaseId ?? main.id));
      if (db) db.shared = true;
    },
    async close() {
      for (const release of [...timers]) release();
      await server.close();
    },
  };
}
