import { describeUrl, type HttpResponse } from "../http/client.js";
import type { SourceContext } from "../types.js";
import { sharedParsePool } from "./parse-pool.js";
import type { FoundForm, MetricQuery, MetricsResult, PageJob, PageResult } from "./read-page.js";

// Every page a source reads is parsed here, in a parse worker (parse-pool.ts), within the
// source's time limit: never on the main thread.

function parse(context: SourceContext, job: PageJob): Promise<PageResult> {
  return (context.parser ?? sharedParsePool()).run(job, context.signal);
}

/** Reads `metrics` from the page, and counts the `count` selectors' matches (login checks). */
export async function readMetrics(
  context: SourceContext,
  page: HttpResponse,
  options: { xml?: boolean; locale?: string; metrics: Record<string, MetricQuery>; count?: string[] },
): Promise<MetricsResult> {
  const { xml, ...read } = options;
  const task = { kind: "metrics", ...read, where: describeUrl(page.url), secrets: context.secrets.list() } as const;
  return (await parse(context, { body: page.bytes ?? page.body, xml, task })) as MetricsResult;
}

/** How many elements each selector matches on an HTML page. */
export async function countMatches(context: SourceContext, body: string, selectors: string[]): Promise<number[]> {
  return (await parse(context, { body, task: { kind: "count", selectors } })) as number[];
}

/** The first form matching `form` on an HTML page, with the values a browser would submit. */
export async function readForm(context: SourceContext, body: string, form: string): Promise<FoundForm | undefined> {
  return (await parse(context, { body, task: { kind: "form", form } })) as FoundForm | undefined;
}
