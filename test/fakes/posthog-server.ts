import { sendJson, startServer, type TestServer } from "../helpers/server.js";

/** What the fake answers a valid query with: the caller evaluates it over its own events. */
export interface HogqlResult {
  columns: string[];
  types: [string, string][];
  results: unknown[][];
}

export interface FakePosthogOptions {
  /** Each personal API key, its scopes (e.g. `query:read`) and the projects it may read. */
  keys: Record<string, { scopes: string[]; projects: string[] }>;
  /** Evaluates a query whose placeholders all have values. */
  evaluate(query: string, values: Record<string, unknown>): HogqlResult;
}

export interface FakePosthog {
  url: string;
  requests: TestServer["requests"];
  /** Answer the next `times` queries with 429 throttled (a concurrency or rate limit). */
  throttleNext(times?: number): void;
  close(): Promise<void>;
}

const PATH = /^\/api\/projects\/([^/]+)\/query\/?$/;
const REFRESH = ["blocking", "async", "force_blocking", "force_async", "force_cache", "lazy_async", "async_except_on_cache_miss"];

/**
 * PostHog's query endpoint (`POST /api/projects/:id/query/`) on 127.0.0.1, from posthog-query.md:
 * Bearer personal keys with the `query:read` scope, the DRF error shape, 429 `throttled`, and the
 * two checks of HogQL's parser a client can trip: string literals that don't close (what splicing
 * a quoted value does) and `{placeholders}` with no value.
 */
export async function startFakePosthog(options: FakePosthogOptions): Promise<FakePosthog> {
  let throttled = 0;
  const server = await startServer((req, res) => {
    const match = PATH.exec(req.url ?? "");
    if (req.method !== "POST" || !match) return sendJson(res, 404, { type: "invalid_request", code: "not_found", detail: "Not found.", attr: null });
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const grant = key === undefined ? undefined : options.keys[key];
    if (!grant)
      return sendJson(res, 401, { type: "authentication_error", code: "authentication_failed", detail: "Incorrect authentication credentials.", attr: null });
    if (!grant.scopes.includes("query:read")) {
      return sendJson(res, 403, { type: "authentication_error", code: "permission_denied", detail: "API key missing required scope 'query:read'", attr: null });
    }
    if (!grant.projects.includes(match[1] ?? ""))
      return sendJson(res, 403, { type: "authentication_error", code: "permission_denied", detail: "You don't have access to the project.", attr: null });
    if (throttled > 0) {
      throttled--;
      return sendJson(res, 429, { type: "throttled_error", code: "throttled", detail: "Request was throttled. Expected available in 1 second.", attr: null });
    }
    let body: { query?: { kind?: unknown; query?: unknown; values?: unknown }; refresh?: unknown };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return sendJson(res, 400, { type: "validation_error", code: "parse_error", detail: "JSON parse error", attr: null });
    }
    const invalid = (detail: string, attr: string | null = null) => sendJson(res, 400, { type: "validation_error", code: null, detail, attr });
    const { query } = body;
    if (!query || query.kind !== "HogQLQuery") return invalid("Unsupported query kind", "query");
    if (typeof query.query !== "string") return invalid("This field is required.", "query__query");
    if (body.refresh !== undefined && !REFRESH.includes(body.refresh as string))
      return invalid(`${JSON.stringify(body.refresh)} is not a valid choice.`, "refresh");
    const values = (query.values ?? {}) as Record<string, unknown>;
    const syntax = checkSyntax(query.query, values);
    if (syntax) return invalid(syntax);
    const result = options.evaluate(query.query, values);
    sendJson(res, 200, { ...result, hasMore: false, limit: 100, offset: 0, is_cached: false, query: query.query, timings: [] });
  });
  return {
    url: server.url,
    requests: server.requests,
    throttleNext: (times = 1) => void (throttled += times),
    close: () => server.close(),
  };
}

/** HogQL's complaint about `text`, if its string literals don't close or a placeholder has no value. */
function checkSyntax(text: string, values: Record<string, unknown>): string | undefined {
  let outside = "";
  for (let i = 0; i < text.length; i++) {
    const quote = text[i];
    if (quote !== "'" && quote !== '"' && quote !== "`") {
      outside += quote;
      continue;
    }
    let j = i + 1;
    while (j < text.length && text[j] !== quote) j += text[j] === "\\" ? 2 : 1;
    if (j >= text.length) return `Syntax error at line 1, column ${i}: unterminated string literal`;
    i = j;
  }
  for (const [, name] of outside.matchAll(/\{(\w+)\}/g)) {
    if (!(name! in values)) return `Placeholder {${name}} is not available in this context.`;
  }
  return undefined;
}
