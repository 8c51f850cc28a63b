import * as z from "zod";
import { metricName, sourceBase } from "../config/common.js";
import { errorMessage, SourceError } from "../errors.js";
import { describeUrl, type HttpResponse } from "../http/client.js";
import type { Secrets } from "../log/secrets.js";
import { describeProblem, readNumberValue } from "../parse-number.js";
import type { Metrics, Source, SourceContext } from "../types.js";
import { countMatches } from "./parse-page.js";
import { snippet } from "./snippet.js";
import { formatPath, parsePath, resolvePath, type PathSegment } from "./json-path.js";
import { assertLoggedIn, loginSelectors } from "./login.js";
import { fetchPage, pageRequest, type PageRequest } from "./page.js";

export const JSON_TYPE = "json";

const jsonPath = z
  .string()
  .min(1)
  .superRefine((path, ctx) => {
    try {
      parsePath(path);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `invalid path: ${(error as Error).message}` });
    }
  });

export const jsonSourceSchema = z
  .object({
    type: z.literal(JSON_TYPE),
    ...sourceBase,
    ...pageRequest,
    method: z.enum(["GET", "POST", "PUT", "PATCH"]).optional().describe("HTTP method. Only GET is retried on 429 and 5xx. @default GET"),
    body: z
      .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
      .optional()
      .describe("Request body: a string is sent as is, anything else as JSON."),
    metrics: z
      .record(metricName, z.object({ path: jsonPath.describe('Where the number is, e.g. data.items[0].count or ["key.with.dots"].') }).strict())
      .refine((metrics) => Object.keys(metrics).length > 0, "name at least one metric")
      .meta({ minProperties: 1 })
      .describe("Metric name to the path of its number in the response."),
  })
  .strict()
  .superRefine((source, ctx) => {
    if (source.login?.check) {
      ctx.addIssue({
        code: "custom",
        path: ["login", "check"],
        message: "only applies to html sources; a json source detects a failed login by a 401/403 or an answer that is not JSON",
      });
    }
  })
  .meta({ allOf: [{ properties: { login: { not: { type: "object", required: ["check"], properties: { check: true } } } } }] })
  .describe("Numbers read from a JSON API response.");

/** A JSON API, read by paths. */
export type JsonSourceOptions = z.infer<typeof jsonSourceSchema>;

export function createJsonSource(options: JsonSourceOptions): Source {
  const paths = Object.entries(options.metrics).map(([name, { path }]) => [name, parsePath(path)] as const);
  return {
    name: options.name,
    timeoutMs: options.timeoutMs,
    metricNames: paths.map(([name]) => name),
    collect: (context) => fetchJsonMetrics(options.name, context, options, paths, options.locale),
  };
}

/** Fetches one JSON document and reads each metric at its path. Presets use this too. */
export async function fetchJsonMetrics(
  source: string,
  context: SourceContext,
  request: PageRequest,
  paths: readonly (readonly [string, PathSegment[]])[],
  locale?: string,
): Promise<Metrics> {
  const response = await fetchPage(source, context, request);
  const document = await parseJson(source, request, response, context);
  const metrics: Metrics = {};
  for (const [name, path] of paths) metrics[name] = readNumber(source, document, path, response.url, context.secrets, locale);
  return metrics;
}

async function parseJson(source: string, request: PageRequest, response: HttpResponse, context: SourceContext): Promise<unknown> {
  try {
    return JSON.parse(response.body);
  } catch (error) {
    if (request.login) {
      const counts = await countMatches(context, response.body, loginSelectors(request.login)).catch((parseError: unknown) => {
        throw new SourceError(source, `the response of ${describeUrl(response.url)} is neither JSON nor a readable page: ${errorMessage(parseError)}`, {
          cause: parseError,
        });
      });
      assertLoggedIn(source, request.login, counts, request.url);
    }
    const type = response.headers["content-type"] ?? "no content-type";
    const start = response.body.trim() === "" ? "an empty body" : `it starts with "${snippet(response.body, 40, context.secrets)}"`;
    throw new SourceError(source, `the response of ${describeUrl(response.url)} is not JSON (${String(type)}; ${start})`, { cause: error });
  }
}

/** The number at `path`; a missing path or a value that is not a number is an error, never 0. */
function readNumber(source: string, document: unknown, path: readonly PathSegment[], url: string, secrets?: Secrets, locale?: string): number {
  const shown = formatPath(path);
  const resolved = resolvePath(document, path);
  if (!resolved.found) {
    const where = resolved.missing === shown ? "" : ` (${resolved.missing} is not there)`;
    throw new SourceError(source, `path ${shown} is missing in the response of ${describeUrl(url)}${where}`);
  }
  const reading = readNumberValue(resolved.value, locale);
  if (reading.ok) return reading.value;
  const problem =
    reading.problem === "malformed" || reading.problem === "not_finite" || reading.problem === "inexact"
      ? describeProblem(reading, (text) => snippet(text, 40, secrets))
      : `holds ${describeValue(resolved.value, secrets)}, not a number`;
  throw new SourceError(source, `path ${shown} ${problem} (${describeUrl(url)})`);
}

function describeValue(value: unknown, secrets?: Secrets): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `"${snippet(value, 40, secrets)}"`;
  return String(value);
}
