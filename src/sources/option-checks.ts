/** Checks of source options, run by the config schemas so `validate` catches a bad URL, regex or selector at load. */
import type * as cheerioSlim from "cheerio/slim";
import type { CheerioAPI } from "cheerio/slim";
import { createRequire } from "node:module";
import { z } from "zod";
import { errorMessage } from "../errors.js";

/** An absolute http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" });

/**
 * The largest page parsed: a parsed page takes about 18 to 25 times its size in memory, and a
 * parse worker's heap (PARSE_HEAP_MIB in parse-pool.ts) holds the DOM of a dense page this big
 * (test/terraform/heap-cap.test.ts).
 */
export const DEFAULT_MAX_PARSE_BYTES = 5 * 1024 * 1024;

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
