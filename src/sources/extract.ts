import type * as cheerioSlim from "cheerio/slim";
import type { CheerioAPI } from "cheerio/slim";
import { createRequire } from "node:module";
import * as z from "zod";
import { errorMessage } from "../errors.js";
import type { Secrets } from "../log/secrets.js";

/** An absolute http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" });

/**
 * The largest page parsed: a parsed page takes about 18 times its size in memory, and the
 * 256 MB function caps its heap at 72 MB (terraform/function.tf; test/terraform/heap-cap.test.ts).
 */
export const DEFAULT_MAX_PARSE_BYTES = 1.5 * 1024 * 1024;

/**
 * Parses HTML, or XML (RSS, Atom) with `xml`. cheerio is imported on first use, so a run
 * without html sources or logins never loads it, and `cheerio/slim` uses htmlparser2,
 * a much smaller DOM than parse5.
 */
export async function loadDocument(body: string, xml = false): Promise<CheerioAPI> {
  return (await documentParser())(body, xml);
}

/**
 * The parser of `loadDocument`, for reading a page with no `await` between parsing and
 * extracting: then only one page's DOM is alive at a time, however many sources are in flight.
 */
export async function documentParser(): Promise<(body: string, xml?: boolean) => CheerioAPI> {
  const { load } = await import("cheerio/slim");
  return (body, xml = false) => load(body, { xml });
}

/** Runs a CSS selector; an invalid selector becomes an `Error` that names it. */
export function select($: CheerioAPI, selector: string): ReturnType<CheerioAPI> {
  try {
    return $(selector);
  } catch (error) {
    throw new Error(`invalid selector "${selector}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Whitespace folded and cut to `max` characters, for quoting page text in messages.
 * Pass `secrets` whenever the text came from a server: it is redacted before it is cut,
 * since a secret cut short no longer matches and would pass redaction.
 */
export function snippet(text: string, max = 60, secrets?: Pick<Secrets, "redact">): string {
  const folded = (secrets ? secrets.redact(text) : text).replace(/\s+/g, " ").trim();
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}

/** Checks a regex option compiles; used by schemas so a bad pattern fails at load, with the engine's reason. */
export const regexPattern = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    try {
      new RegExp(pattern);
    } catch (error) {
      // "Invalid regular expression: /(/: Unterminated group" -> "Unterminated group"
      const reason = errorMessage(error).replace(/^Invalid regular expression: \/.*\/\w*: /s, "");
      ctx.addIssue({ code: "custom", message: `is not a valid regular expression: ${reason}` });
    }
  });

/**
 * A CSS selector cheerio can run, checked at load so `validate` catches it, not the run.
 * cheerio is required lazily: a config without selectors never loads it.
 */
export const cssSelector = z
  .string()
  .min(1)
  .superRefine((selector, ctx) => {
    const reason = selectorProblem(selector);
    if (reason) ctx.addIssue({ code: "custom", message: `is not a valid CSS selector: ${reason}` });
  });

let emptyDocument: CheerioAPI | undefined;
type CheerioSlim = typeof cheerioSlim;

/**
 * Loads cheerio with `import()` for `selectorProblem`, which is synchronous (zod refinements are).
 * Otherwise it falls back to `require`, which in the bundle loads cheerio's CommonJS build from
 * node_modules, file by file, next to the bundled copy the run then loads: the config loader calls
 * this first.
 */
export async function loadSelectorEngine(): Promise<void> {
  emptyDocument ??= (await import("cheerio/slim")).load("");
}

/** Why cheerio refuses `selector`, or undefined when it runs it. */
export function selectorProblem(selector: string): string | undefined {
  emptyDocument ??= (createRequire(import.meta.url)("cheerio/slim") as CheerioSlim).load("");
  try {
    emptyDocument(selector);
    return undefined;
  } catch (error) {
    // css-what ends "Expected name, found " with nothing at the end of the selector.
    return errorMessage(error).replace(/, found\s*$/, ", found the end of the selector");
  }
}
