const SUFFIXES: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9 };
// The number is taken whole or not at all: it may not start or end inside a run of digits
// (`(?<!…)`, `(?!…)`), so "24h" is 24, never 2, and "1.2.3" is no number. A suffix counts only
// as a word of its own letter: "1.2k" is 1200, "100ms" is 100.
const NUMBER = /(?<![\d.])([-+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+))(?![.,]?\d)(?:\s*([kmb])(?![a-z]))?/i;

/**
 * Reads the first number in a text as people write it on web pages:
 * `1,234`, `1.2k`, `3.4M`, `12%`, ` 42 `. A unit after the digits is not a suffix: `24h` is 24,
 * `100ms` is 100. Returns `undefined` when there is none.
 * A `regex` narrows the text first; its first capture group is used when it has one.
 */
export function parseNumber(text: string, regex?: RegExp): number | undefined {
  let scope = text;
  if (regex) {
    const match = regex.exec(text);
    if (!match) return undefined;
    scope = match[1] ?? match[0];
  }
  const match = NUMBER.exec(scope.replace(/\u00a0/g, " "));
  if (!match?.[1]) return undefined;
  const value = Number(match[1].replace(/,/g, ""));
  if (!Number.isFinite(value)) return undefined;
  const multiplier = match[2] ? SUFFIXES[match[2].toLowerCase()] ?? 1 : 1;
  // Round away float noise such as 1.2 * 1000 = 1199.9999999999998.
  return Number((value * multiplier).toPrecision(12));
}

/** A string that is one number and nothing else (around it only spaces and a `%`). */
const WHOLE_NUMBER = new RegExp(`^\\s*${NUMBER.source}\\s*%?\\s*$`, "i");

/**
 * A JSON value as a number: numbers as they are, strings only when they are wholly a number
 * (`"1,234"`, `" 42 "`, `"1.2k"`, `"12%"`; `"2024-01-05"` is not 2024); anything else undefined.
 */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && WHOLE_NUMBER.test(value)) return parseNumber(value);
  return undefined;
}
