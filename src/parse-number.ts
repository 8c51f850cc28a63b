/**
 * The one reader of numbers written as text, for html pages, json string values and presets.
 * A number is read whole or not at all: the first run of digits found, with everything glued to
 * it (separators, a sign, an exponent), must be one valid number, or the reading fails naming it.
 */

/** What a source may set: the BCP 47 locale that decides `1,234` and `1.234`. @default "en" */
export const DEFAULT_NUMBER_LOCALE = "en";

/** The outcome of reading a number; on failure, `found` is the text that is not one number. */
export type NumberReading =
  { ok: true; value: number } | { ok: false; problem: "none" | "no_match" | "not_whole" | "malformed" | "not_finite" | "inexact"; found?: string };

export interface NumberOptions {
  /** Narrows the text first; its first capture group is used when it has one. */
  regex?: RegExp;
  /** @default "en" */
  locale?: string;
}

const SUFFIXES: Record<string, number> = { k: 3, m: 6, b: 9 };
/** Separators that only ever group digits by threes: space, no-break, narrow no-break, thin, apostrophes. */
const GROUP_ONLY = " \u00a0\u202f\u2009'\u2019";
/** Between two digits these glue a token that is not one number: `2024-01-05`, `3/4`, `12:30`. */
const JOINERS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212/:";
const MINUS = "-\u2212";
/** Dashes a typesetter may use for minus; read as a sign they could be a range, so they fail. */
const OTHER_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015";
const SIGNS = MINUS + OTHER_DASHES + "+";
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/**
 * Reads the first number in `text` as people write it on pages: `1,234`, `12 345`, `1.234,5`,
 * `−5`, `1.5e3`, `1.2k`, `12,5 %`, ` 42 `. A unit right after it is not part of it: `24h` is 24.
 */
export function readNumber(text: string, options: NumberOptions = {}): NumberReading {
  let scope = text;
  if (options.regex) {
    const match = options.regex.exec(text);
    if (!match) return { ok: false, problem: "no_match" };
    scope = match[1] ?? match[0];
  }
  const token = findToken(scope);
  if (!token) return { ok: false, problem: "none" };
  return token.glued ? { ok: false, problem: "malformed", found: token.glued } : readToken(token, options.locale);
}

/**
 * A JSON value as a number: numbers as they are (when finite), strings only when they are wholly
 * one number (`"1,234"`, `" 42 "`, `"1.2k"`, `"12%"`; `"2024-01-05"` is not 2024).
 */
export function readNumberValue(value: unknown, locale?: string): NumberReading {
  if (typeof value === "number") return Number.isFinite(value) ? exact(value, String(value)) : { ok: false, problem: "not_finite", found: String(value) };
  if (typeof value !== "string") return { ok: false, problem: "none" };
  const token = findToken(value);
  if (!token) return { ok: false, problem: "none" };
  if (token.glued) return { ok: false, problem: "malformed", found: token.glued };
  const whole = /^\s*$/.test(value.slice(0, token.start)) && /^\s*%?\s*$/.test(value.slice(token.end));
  return whole ? readToken(token, locale) : { ok: false, problem: "not_whole", found: value.trim() };
}

/** The reason a reading failed, for an error message; `quote` shows text that came from a server. */
export function describeProblem(reading: Extract<NumberReading, { ok: false }>, quote: (text: string) => string): string {
  const found = reading.found === undefined ? "" : `"${quote(reading.found)}"`;
  switch (reading.problem) {
    case "malformed":
      return `holds ${found}, which is not one number (see "Numbers as pages write them" in docs/sources.md)`;
    case "not_finite":
      return `holds ${found}, which is not a finite number`;
    case "not_whole":
      return `holds ${found}, not a number`;
    case "inexact":
      return `holds ${found}, a whole number beyond 9,007,199,254,740,991, which can't be recorded exactly (JSON parsers and Notion round it)`;
    default:
      return "holds no number";
  }
}

interface Token {
  /** The sign, digits and separators, e.g. `−1.234,5e3`. */
  text: string;
  start: number;
  /** Where the token ends, after a `k`/`M`/`B` suffix if any. */
  end: number;
  /** Powers of ten of the suffix. */
  shift: number;
  /** Set when letters and digits are glued to the token (`0x10`, `7d12h`): the whole run. */
  glued?: string;
}

function findToken(text: string): Token | undefined {
  const first = text.search(/\d/);
  if (first < 0) return undefined;
  let start = first;
  if (text[start - 1] === "." && !isDigit(text[start - 2])) start--;
  const sign = text[start - 1];
  // A sign counts only where a word cannot end: "COVID-19" is 19, "(-5)" is -5.
  const signed = sign !== undefined && SIGNS.includes(sign) && !/[\p{L}\p{N}]/u.test(text[start - 2] ?? "");
  if (signed) start--;
  let end = first;
  while (end < text.length) {
    const c = text.charAt(end);
    if (isDigit(c)) end++;
    else if ((GROUP_ONLY + ".," + JOINERS).includes(c) && isDigit(text[end + 1])) end++;
    else if ((c === "e" || c === "E") && /^[eE][-+\u2212]?\d/.test(text.slice(end, end + 3)))
      end += MINUS.includes(text.charAt(end + 1)) || text[end + 1] === "+" ? 2 : 1;
    else break;
  }
  const tokenText = text.slice(start, end);
  const after = text.slice(end);
  // A sign doubled (`--5`) is not one number either, whichever of the two was meant.
  const before = text[start - 1];
  if (signed && before !== undefined && SIGNS.includes(before)) return { text: tokenText, start, end, shift: 0, glued: text.slice(start - 1, end) };
  // Letters and digits glued (`0x10`), digits after a doubled separator or an underscore (`12..3`, `1_000`), an exponent cut after its sign (`1.5e+`).
  const glued = /^\p{L}+\d[\p{L}\d]*/u.exec(after) ?? /^(?:_+|[.,]{2,})\d[\d_.,]*/.exec(after) ?? /^[eE][-+\u2212](?!\d)/.exec(after);
  if (glued) return { text: tokenText, start, end, shift: 0, glued: tokenText + glued[0] };
  const suffix = /^\s*([kmb])(?!\p{L})/iu.exec(after);
  if (!suffix?.[1]) return { text: tokenText, start, end, shift: 0 };
  return { text: tokenText, start, end: end + suffix[0].length, shift: SUFFIXES[suffix[1].toLowerCase()] ?? 0 };
}

function readToken(token: Token, locale = DEFAULT_NUMBER_LOCALE): NumberReading {
  const malformed: NumberReading = { ok: false, problem: "malformed", found: token.text };
  const match = /^([-+\u2212]?)([^eE]*)(?:[eE]([-+\u2212]?\d+))?$/.exec(token.text);
  if (!match) return malformed;
  const [, sign = "", mantissa = "", exponent = "0"] = match;
  const parts = splitMantissa(mantissa, decimalSeparator(locale));
  if (!parts) return malformed;
  const negative = MINUS.includes(sign) && sign !== "";
  const power = Number(exponent.replace("\u2212", "-")) + token.shift;
  // Shifting the exponent, not multiplying, so 1.2k is exactly 1200.
  const value = Number(`${negative ? "-" : ""}${parts.integer || "0"}.${parts.fraction || "0"}e${power}`);
  if (!Number.isFinite(value)) return { ok: false, problem: "not_finite", found: token.text };
  return exact(value === 0 ? 0 : value, token.text);
}

/**
 * Integer and fraction digits of `1,234.5`-like text, or undefined when it is not one number.
 * Separators group by threes; a lone `.` or `,` before exactly three digits is a decimal point
 * only when it is the locale's.
 */
function splitMantissa(mantissa: string, localeDecimal: string): { integer: string; fraction: string } | undefined {
  if (/^\.\d+$/.test(mantissa)) return { integer: "", fraction: mantissa.slice(1) };
  const groups = mantissa.split(/\D/);
  const separators = mantissa.match(/\D/g) ?? [];
  if (groups.some((group) => group === "") || separators.some((s) => JOINERS.includes(s))) return undefined;
  if (separators.length === 0) return { integer: mantissa, fraction: "" };
  const last = separators.at(-1) as string;
  const same = separators.every((s) => s === last);
  let decimal: boolean;
  if (same) {
    decimal = !GROUP_ONLY.includes(last) && separators.length === 1 && (!groupedByThrees(groups) || last === localeDecimal);
  } else {
    decimal = ".,".includes(last) && separators.slice(0, -1).every((s) => s === separators[0]);
    if (!decimal) return undefined;
  }
  const integerGroups = decimal ? groups.slice(0, -1) : groups;
  if (integerGroups.length > 1 && !groupedByThrees(integerGroups)) return undefined;
  return { integer: integerGroups.join(""), fraction: decimal ? (groups.at(-1) as string) : "" };
}

/** `1,234,567`: a first group of one to three digits not starting with 0, then groups of three. */
function groupedByThrees(groups: readonly string[]): boolean {
  return /^[1-9]\d{0,2}$/.test(groups[0] ?? "") && groups.slice(1).every((group) => /^\d{3}$/.test(group));
}

const decimals = new Map<string, string>();

/** The locale's decimal separator, as `Intl.NumberFormat` writes it (`en` `.`, `de` `,`). */
function decimalSeparator(locale: string): string {
  let decimal = decimals.get(locale);
  if (decimal === undefined) {
    decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === "decimal")?.value ?? ".";
    decimals.set(locale, decimal);
  }
  return decimal;
}

/** A BCP 47 tag that `Intl` knows, for the config schema. */
export function isKnownLocale(locale: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
}

/**
 * Past 2^53 a whole number is stored rounded (12345678901234567890 becomes …67000): refused rather
 * than recorded wrong. For a JSON number the parser has rounded it already, and `found` shows that.
 */
function exact(value: number, found: string): NumberReading {
  return Number.isInteger(value) && !Number.isSafeInteger(value) ? { ok: false, problem: "inexact", found } : { ok: true, value };
}
