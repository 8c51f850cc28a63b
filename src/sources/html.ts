import type { CheerioAPI } from "cheerio/slim";
import * as z from "zod";
import { metricName, sourceBase } from "../config/common.js";
import { errorMessage, SourceError } from "../errors.js";
import { describeUrl } from "../http/client.js";
import type { Secrets } from "../log/secrets.js";
import { describeProblem, readNumber } from "../parse-number.js";
import type { Metrics, Source } from "../types.js";
import { cssSelector, DEFAULT_MAX_PARSE_BYTES, documentParser, regexPattern, select, snippet } from "./extract.js";
import { assertLoggedIn } from "./login.js";
import { fetchPage, pageRequest } from "./page.js";

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
      .describe("number: a number read from the first match's text (the default); count: how many elements match; attribute: a number read from the first match's `attribute`."),
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
      .describe("A larger page fails this source instead of being parsed: a parsed page takes about 18 times its size in memory. @default 1.5 MiB"),
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
      const page = await fetchPage(options.name, context, { ...options, maxResponseBytes: limit }).catch((error: unknown) => {
        if (!(error instanceof SourceError) || (error.cause as { code?: string } | undefined)?.code !== "response_too_large") throw error;
        const hint = `an html source parses at most ${limit} bytes (maxParseBytes), as a parsed page takes about 18 times its size in memory`;
        throw new SourceError(options.name, `${errorMessage(error).replace(`[${options.name}] `, "")}; ${hint}`, { cause: error });
      });
      const parse = await documentParser();
      const $ = parse(page.body, options.xml);
      if (options.login) assertLoggedIn(options.name, options.login, $, options.url);
      const metrics: Metrics = {};
      for (const [name, metric] of Object.entries(options.metrics)) {
        metrics[name] = extractMetric(options.name, $, metric, page.url, context.secrets, options.locale);
      }
      return metrics;
    },
  };
}

/** Reads one metric; a selector matching nothing or text without a number is an error, never 0. */
function extractMetric(source: string, $: CheerioAPI, metric: HtmlMetricOptions, url: string, secrets?: Secrets, locale?: string): number {
  const fail = (message: string) => new SourceError(source, `${message} (${describeUrl(url)})`);
  let matches: ReturnType<CheerioAPI>;
  try {
    matches = select($, metric.selector);
  } catch (error) {
    throw new SourceError(source, (error as Error).message, { cause: error });
  }
  const extract = metric.extract ?? "number";
  if (matches.length === 0) {
    if (extract === "count" && metric.allowEmpty) return 0;
    throw new SourceError(source, `selector "${metric.selector}" matched nothing on ${describeUrl(url)} (has the page layout changed?)`);
  }
  if (extract === "count") return matches.length;
  const regex = metric.regex ? new RegExp(metric.regex) : undefined;
  const quote = (text: string) => snippet(text, 60, secrets);
  if (extract === "attribute") {
    const name = metric.attribute as string;
    const value = matches.first().attr(name);
    if (value === undefined) throw fail(`attribute "${name}" is missing on the first match of "${metric.selector}"`);
    const reading = readNumber(value, { regex, locale });
    if (!reading.ok) throw fail(`attribute ${name}="${quote(value)}" at "${metric.selector}" ${describeProblem(reading, quote)}`);
    return reading.value;
  }
  const text = matches.first().text();
  const reading = readNumber(text, { regex, locale });
  if (!reading.ok) {
    const how = regex && reading.found === undefined ? ` matching /${metric.regex}/` : "";
    throw fail(`text "${quote(text)}" at "${metric.selector}" ${describeProblem(reading, quote)}${how}`);
  }
  return reading.value;
}
