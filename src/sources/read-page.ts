import { load, type CheerioAPI } from "cheerio/slim";
import { describeProblem, readNumber } from "../parse-number.js";
import { Secrets } from "../log/secrets.js";
import { snippet } from "./snippet.js";

/** What an html source reads with one selector; see `htmlMetricSchema` for each field. */
export interface MetricQuery {
  selector: string;
  extract?: "number" | "count" | "attribute";
  attribute?: string;
  regex?: string;
  allowEmpty?: boolean;
}

/**
 * A job for a parse worker: everything a source reads from one page in one parse. */
export type PageTask =
  /** The metrics of an html source, and the login selectors `assertLoggedIn` checks. */
  | { kind: "metrics"; metrics: Record<string, MetricQuery>; locale?: string; count?: string[]; secrets: string[]; where: string }
  /** How many elements each selector matches. */
  | { kind: "count"; selectors: string[] }
  /** The first form matching `form`, as a browser would submit it without typing. */
  | { kind: "form"; form: string };

export interface PageJob {
  /** The page; as bytes (UTF-8), moved to the worker rather than copied, and decoded there. */
  body: string | Uint8Array;
  xml?: boolean;
  task: PageTask;
}

/** A metric's number, or the reason there is none (already redacted). */
export type MetricReading = { value: number } | { failure: string };

export interface FoundForm {
  values: Record<string, string>;
  action?: string;
  method?: string;
}

/** What a `metrics` task yields: the `count` selectors' match counts, and each metric read up to the first failure. */
export interface MetricsResult {
  counts: number[];
  metrics: Record<string, MetricReading>;
}

/** `metrics` yields a `MetricsResult`, `count` one count a selector, `form` the form or undefined. */
export type PageResult = MetricsResult | number[] | FoundForm | undefined;

/**
 * Parses the page and runs the task on it. This is the parse worker's whole job (parse-worker.ts);
 * it runs on the main thread only in tests of its own. A selector or regex that throws throws here.
 */
export function readPage(job: PageJob): PageResult {
  const text = typeof job.body === "string" ? job.body : new TextDecoder().decode(job.body);
  const $ = load(text, { xml: job.xml ?? false });
  const task = job.task;
  switch (task.kind) {
    case "count":
      return task.selectors.map((selector) => select($, selector).length);
    case "form":
      return readForm($, task.form);
    case "metrics": {
      const secrets = new Secrets().add(...task.secrets);
      const counts = (task.count ?? []).map((selector) => select($, selector).length);
      const metrics: Record<string, MetricReading> = {};
      for (const [name, metric] of Object.entries(task.metrics)) {
        metrics[name] = readMetric($, metric, task.where, secrets, task.locale);
        // The first failure fails the source: the rest need not be read.
        if ("failure" in metrics[name]) break;
      }
      return { counts, metrics };
    }
  }
}

/** Runs a CSS selector; an invalid selector becomes an `Error` that names it. */
function select($: CheerioAPI, selector: string): ReturnType<CheerioAPI> {
  try {
    return $(selector);
  } catch (error) {
    throw new Error(`invalid selector "${selector}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Reads one metric; a selector matching nothing or text without a number is a failure, never 0. */
function readMetric($: CheerioAPI, metric: MetricQuery, where: string, secrets: Secrets, locale?: string): MetricReading {
  const matches = select($, metric.selector);
  const extract = metric.extract ?? "number";
  if (matches.length === 0) {
    if (extract === "count" && metric.allowEmpty) return { value: 0 };
    return { failure: `selector "${metric.selector}" matched nothing on ${where} (has the page layout changed?)` };
  }
  if (extract === "count") return { value: matches.length };
  const regex = metric.regex ? new RegExp(metric.regex) : undefined;
  const quote = (text: string) => snippet(text, 60, secrets);
  if (extract === "attribute") {
    const name = metric.attribute as string;
    const value = matches.first().attr(name);
    if (value === undefined) return { failure: `attribute "${name}" is missing on the first match of "${metric.selector}" (${where})` };
    const reading = readNumber(value, { regex, locale });
    if (!reading.ok) return { failure: `attribute ${name}="${quote(value)}" at "${metric.selector}" ${describeProblem(reading, quote)} (${where})` };
    return { value: reading.value };
  }
  const text = matches.first().text();
  const reading = readNumber(text, { regex, locale });
  if (!reading.ok) {
    const how = regex && reading.found === undefined ? ` matching /${metric.regex}/` : "";
    return { failure: `text "${quote(text)}" at "${metric.selector}" ${describeProblem(reading, quote)}${how} (${where})` };
  }
  return { value: reading.value };
}

const SKIPPED_INPUTS = new Set(["submit", "button", "image", "reset", "file"]);

/** What a browser would submit without typing: inputs with their preset values, checked boxes, selected options. */
function readForm($: CheerioAPI, selector: string): FoundForm | undefined {
  const form = select($, selector).first();
  if (form.length === 0) return undefined;
  const values: Record<string, string> = {};
  form.find("input[name], textarea[name], select[name]").each((_, el) => {
    const field = $(el);
    const name = field.attr("name") as string;
    if (field.is("textarea")) {
      values[name] = field.text();
    } else if (field.is("select")) {
      const selected = field.find("option[selected]").first();
      const option = selected.length ? selected : field.find("option").first();
      values[name] = option.attr("value") ?? option.text();
    } else {
      const type = (field.attr("type") ?? "text").toLowerCase();
      if (SKIPPED_INPUTS.has(type)) return;
      if ((type === "checkbox" || type === "radio") && field.attr("checked") === undefined) return;
      values[name] = field.attr("value") ?? (type === "checkbox" || type === "radio" ? "on" : "");
    }
  });
  return { values, action: form.attr("action"), method: form.attr("method") };
}
