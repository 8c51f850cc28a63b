import type { CheerioAPI } from "cheerio/slim";
import * as z from "zod";
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

/** Checks a regex option compiles; used by schemas so a bad pattern fails at load. */
export const regexPattern = z
  .string()
  .min(1)
  .refine((pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }, "is not a valid regular expression");
