import * as z from "zod";
import { metricName, sourceBase } from "../config/common.js";
import { errorMessage, isKpiError, SourceError } from "../errors.js";
import { describeUrl } from "../http/client.js";
import type { Metrics, Source } from "../types.js";
import { cssSelector, DEFAULT_MAX_PARSE_BYTES, regexPattern } from "./option-checks.js";
import { assertLoggedIn, loginSelectors } from "./login.js";
import { fetchPage, pageRequest } from "./page.js";
import { readMetrics } from "./parse-page.js";
import { PARSE_HEAP_MIB } from "./parse-pool.js";

export const HTML_TYPE = "html";

/** JSON Schema: the metric has `key`, matching `value` when given. */
function has(key: string, value: object | boolean = true) {
  return { required: [key], properties: { [key]: value } };
}

export const htmlMetricSchema = z
  .object({
    selector: cssSelector.describe('CSS selector, e.g. ".stars" or "item" in a feed.'),
    extract: z
      .enum(["number", "count", "attribute"])
      .optional()
      .describe(
        "number: a number read from the first match's text (the default); count: how many elements match; attribute: a number read from the first match's `attribute`.",
      ),
    attribute: z.string().min(1).optional().describe("The attribute to read with extract: attribute, e.g. data-count."),
    regex: regexPattern.optional().describe("Narrows the text before the number is read; its first capture group is used when it has one."),
    allowEmpty: z.boolean().optional().describe("With extract: count, a selector matching nothing records 0 instead of failing."),
  })
  .strict()
  .superRefine((metric, ctx) => {
    const extract = metric.extract ?? "number";
    if (extract === "attribute" && !metric.attribute) ctx.addIssue({ code: "custom", path: ["attribute"], message: "required with extract: attribute" });
    if (extract !== "attribute" && metric.attribute) ctx.addIssue({ code: "custom", path: ["attribute"], message: "only applies to extract: attribute" });
    if (extract !== "count" && metric.allowEmpty) ctx.addIssue({ code: "custom", path: ["allowEmpty"], message: "only applies to extract: count" });
    if (extract === "count" && metric.regex) ctx.addIssue({ code: "custom", path: ["regex"], message: "does not apply to extract: count" });
  })
  // The same rules for editors (kpi-collector schema).
  .meta({
    allOf: [
      { if: has("extract", { const: "attribute" }), then: has("attribute") },
      { if: has("attribute"), then: has("extract", { const: "attribute" }) },
      { if: has("allowEmpty", { const: true }), then: has("extract", { const: "count" }) },
      { if: has("extract", { const: "count" }), then: { not: has("regex") } },
    ],
  });

export const htmlSourceSchema = z
  .object({
    type: z.literal(HTML_TYPE),
    ...sourceBase,
    ...pageRequest,
    xml: z.boolean().optional().describe("Parse the page as XML, for RSS and Atom feeds. @default false"),
    maxParseBytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        "A larger page fails this source instead of being parsed: a parsed page takes about 18 times its size in memory, in a parse worker of limited heap. @default 5 MiB",
      ),
    metrics: z
      .record(metricName, htmlMetricSchema)
      .refine((metrics) => Object.keys(metrics).length > 0, "name at least one metric")
      .meta({ minProperties: 1 })
      .describe("Metric name to what to read from the page."),
  })
  .strict()
  .describe("Numbers scraped from a web page or feed with CSS selectors.");

/** A web page or feed read with CSS selectors. */
export type HtmlSourceOptions = z.infer<typeof htmlSourceSchema>;
export type HtmlMetricOptions = z.infer<typeof htmlMetricSchema>;

export function createHtmlSource(options: HtmlSourceOptions): Source {
  return {
    name: options.name,
    timeoutMs: options.timeoutMs,
    metricNames: Object.keys(options.metrics),
    async collect(context) {
      const limit = options.maxParseBytes ?? DEFAULT_MAX_PARSE_BYTES;
      // The download stops at the parse limit: a page too big to parse is never held whole.
      const page = await fetchPage(options.name, context, { ...options, maxResponseBytes: limit, bytes: true }).catch((error: unknown) => {
        if (!(error instanceof SourceError) || !isKpiError(error.cause, "response_too_large")) throw error;
        const hint = `an html source parses at most ${limit} bytes (maxParseBytes), as a parsed page takes about 18 times its size in memory (the parse worker's heap is ${PARSE_HEAP_MIB} MiB)`;
        throw new SourceError(options.name, `${error.reason}; ${hint}`, { cause: error });
      });
      const count = options.login ? loginSelectors(options.login) : [];
      const read = await readMetrics(context, page, { xml: options.xml, locale: options.locale, metrics: options.metrics, count }).catch((error: unknown) => {
        throw new SourceError(options.name, `${errorMessage(error)} (${describeUrl(page.url)})`, { cause: error });
      });
      if (options.login) assertLoggedIn(options.name, options.login, read.counts, options.url);
      const metrics: Metrics = {};
      for (const [name, reading] of Object.entries(read.metrics)) {
        if ("failure" in reading) throw new SourceError(options.name, reading.failure);
        metrics[name] = reading.value;
      }
      return metrics;
    },
  };
}
