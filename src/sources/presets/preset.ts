import * as z from "zod";
import { metricName, sourceBase } from "../../config/common.js";
import { HttpError, SourceError } from "../../errors.js";
import type { Secrets } from "../../log/secrets.js";
import type { Metrics, Source, SourceContext } from "../../types.js";
import { httpUrl } from "../option-checks.js";
import { snippet } from "../snippet.js";
import { fetchJsonMetrics } from "../json.js";
import { parsePath } from "../json-path.js";

/** Keys every preset accepts besides its own. */
const presetBase = {
  ...sourceBase,
  baseUrl: httpUrl.optional().describe("The API's base URL; override it for a proxy, an enterprise host or tests."),
};

/** `metrics:` of a preset: each key renamed, or `false` to skip it. Keys left out keep their default name. */
function presetMetrics<K extends string>(keys: readonly K[]) {
  const rename = z.union([metricName, z.literal(false)]).optional();
  const shape = Object.fromEntries(keys.map((key) => [key, rename])) as Record<K, typeof rename>;
  return z
    .object(shape)
    .strict()
    .optional()
    .describe(
      `Rename metrics (key: NEW_NAME) or skip them (key: false). Keys: ${keys.join(", ")}. By default each is named <SOURCE_NAME>_<KEY> in upper snake case.`,
    );
}

/** The options every preset has, whatever its own. */
export interface PresetOptions {
  name: string;
  timeoutMs?: number;
  locale?: string;
  baseUrl?: string;
  metrics?: Partial<Record<string, string | false | undefined>>;
}

/** `zenml-github` → `ZENML_GITHUB`; `myApp` → `MY_APP`. */
function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
}

/** Each key's metric name, or `undefined` when `metrics:` skips it. */
export function presetMetricNames<K extends string>(options: PresetOptions, keys: readonly K[]): Record<K, string | undefined> {
  const prefix = upperSnake(options.name);
  const names = {} as Record<K, string | undefined>;
  for (const key of keys) {
    const rename = options.metrics?.[key];
    names[key] = rename === false ? undefined : (rename ?? `${prefix}_${upperSnake(key)}`);
  }
  return names;
}

/** A preset's options schema: `type`, the shared keys, its own `shape`, and `metrics` over `keys`. */
export function presetSchema<T extends string, K extends string, S extends z.ZodRawShape>(type: T, keys: readonly K[], shape: S, description: string) {
  return z
    .object({ type: z.literal(type), ...presetBase, ...shape, metrics: presetMetrics(keys) })
    .strict()
    .superRefine((options, ctx) => checkPresetMetrics(keys, options as PresetOptions, ctx))
    .describe(description);
}

/** At least one metric is kept, and the default names are valid metric names. */
function checkPresetMetrics(keys: readonly string[], options: PresetOptions, ctx: z.RefinementCtx): void {
  const names = Object.entries(presetMetricNames(options, keys));
  if (names.every(([, name]) => name === undefined)) ctx.addIssue({ code: "custom", path: ["metrics"], message: "every metric is skipped; keep at least one" });
  for (const [key, name] of names) {
    if (name !== undefined && !metricName.safeParse(name).success) {
      ctx.addIssue({ code: "custom", path: ["name"], message: `gives the metric name ${name}, which must start with a letter; rename it with metrics.${key}` });
    }
  }
}

/** One API call of a preset and the JSON path of each metric key it answers. */
export interface PresetRequest<K extends string> {
  url: string;
  headers?: Record<string, string>;
  paths: Partial<Record<K, string>>;
}

export interface PresetSpec<K extends string> {
  keys: readonly K[];
  requests: (baseUrl: string) => PresetRequest<K>[];
  defaultBaseUrl: string;
  /** A hint added to an HTTP failure's message, e.g. why a 404 happens; `body` is the start of the answer's. */
  hint?: (status: number, body: string) => string | undefined;
  /** Secret option values, added to the context's secrets before any request. */
  secrets?: (string | undefined)[];
}

/** A preset is a thin layer over the `json` source: fixed URLs and paths, names from the source name. */
export function createPresetSource<K extends string>(options: PresetOptions, spec: PresetSpec<K>): Source {
  const names = presetMetricNames(options, spec.keys);
  const baseUrl = (options.baseUrl ?? spec.defaultBaseUrl).replace(/\/+$/, "");
  const requests = spec
    .requests(baseUrl)
    .map(({ paths, ...request }) => ({
      request,
      paths: Object.entries<string | undefined>(paths).flatMap(([key, path]) => {
        const name = names[key as K];
        return name && path ? [[name, parsePath(path)] as const] : [];
      }),
    }))
    .filter(({ paths }) => paths.length > 0);
  return {
    name: options.name,
    timeoutMs: options.timeoutMs,
    metricNames: spec.keys.flatMap((key) => names[key] ?? []),
    async collect(context: SourceContext): Promise<Metrics> {
      context.secrets.add(...(spec.secrets ?? []));
      const settled = await Promise.allSettled(requests.map(({ request, paths }) => fetchJsonMetrics(options.name, context, request, paths, options.locale)));
      // The first failure in request order, so the message does not depend on timing.
      const failure = settled.find((result) => result.status === "rejected");
      if (failure) throw withHint(options.name, failure.reason, spec.hint, context.secrets);
      return Object.assign({}, ...settled.map((result) => (result.status === "fulfilled" ? result.value : {}))) as Metrics;
    },
  };
}

/** `error` with the hint for its HTTP status added to its message, when there is one; what the hint quotes of the answer is redacted. */
export function withHint(source: string, error: unknown, hint: PresetSpec<string>["hint"], secrets: Secrets): unknown {
  const http = error instanceof HttpError ? error : error instanceof SourceError && error.cause instanceof HttpError ? error.cause : undefined;
  const text = http?.status === undefined ? undefined : hint?.(http.status, secrets.redact(http.body ?? ""));
  return http && text ? new SourceError(source, `${http.message} (${text})`, { cause: http }) : error;
}

/** `: "reason"`, an API's own words from the string at `path` of a JSON error body (cut to 300 characters), or nothing. */
export function quoteReason(body: string, ...path: string[]): string {
  let reason: unknown;
  try {
    reason = path.reduce<unknown>((at, key) => (at && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined), JSON.parse(body));
  } catch {
    return "";
  }
  const text = typeof reason === "string" ? snippet(reason, 300) : "";
  return text ? `: "${text}"` : "";
}
