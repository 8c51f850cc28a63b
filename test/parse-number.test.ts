import { describe, expect, it } from "@jest/globals";
import { describeProblem, isKnownLocale, readNumber, readNumberValue, type NumberReading } from "../src/parse-number.js";

const value = (reading: NumberReading) => (reading.ok ? reading.value : reading);

describe("readNumber", () => {
  it.each([
    ["42", 42],
    [" 42 ", 42],
    ["1,234", 1234],
    ["1,234,567 downloads", 1234567],
    ["1.2k", 1200],
    ["1.2K stars", 1200],
    ["3.4M", 3400000],
    ["2b", 2e9],
    ["12%", 12],
    ["12.5 %", 12.5],
    ["-7", -7],
    [".5", 0.5],
    ["Members: 15 online", 15],
    ["12 members", 12],
    ["\u00a0 99\u00a0", 99],
    ["$1,299.50", 1299.5],
    ["(-5)", -5],
    ["COVID-19", 19],
    // A unit letter right after the digits ends the number; it never cuts the digits short.
    ["24h", 24],
    ["100ms", 100],
    ["1.5GB", 1.5],
    ["15min", 15],
    ["10x faster", 10],
    ["42nd", 42],
    ["2.5kb", 2.5],
    ["up 7d, 1,024 views", 7],
    ["v2.3 released 14 days ago", 2.3],
    // Issue 10 §1: each of these was cut to a prefix before.
    ["12\u00a0345", 12345],
    ["1 234 567", 1234567],
    ["1\u2009234\u2009567", 1234567],
    ["1\u202f234", 1234],
    ["1'234'567", 1234567],
    ["1\u2019234", 1234],
    ["\u22125", -5],
    ["1.234,5", 1234.5],
    ["12,5%", 12.5],
    ["12,5 %", 12.5],
    ["1.5e3", 1500],
    ["1e5 downloads", 100000],
    ["2.5E-3", 0.0025],
    ["1,234.5", 1234.5],
    ["1 234,5", 1234.5],
    ["1.234.567", 1234567],
    ["0,123", 0.123],
    ["1,2345", 1.2345],
    // Exact: no float noise from multiplying.
    ["1.1k", 1100],
    ["12345678901234", 12345678901234],
  ])("%j -> %d", (text, expected) => {
    expect(value(readNumber(text))).toBe(expected);
  });

  it.each([
    ["1,234", "en", 1234],
    ["1,234", "de", 1.234],
    ["1.234", "en", 1.234],
    ["1.234", "de", 1234],
    ["1,234", "fr", 1.234],
    ["1.234", "pt-BR", 1234],
    ["1,234", "de-CH", 1234],
    // Only one reading: the locale does not matter.
    ["1.234,5", "en", 1234.5],
    ["1,234.5", "de", 1234.5],
    ["12,5", "en", 12.5],
    ["1.234.567", "en", 1234567],
    ["1,234,567", "de", 1234567],
    ["1.2k", "de", 1200],
    ["1.234k", "de", 1234000],
  ])("%j in %s -> %d", (text, locale, expected) => {
    expect(value(readNumber(text, { locale }))).toBe(expected);
  });

  it.each([
    ["1.2.3", "1.2.3"],
    ["v1.2.3", "1.2.3"],
    ["Release 1.2.3 has 15 stars", "1.2.3"],
    ["12 5", "12 5"],
    ["1,23,456", "1,23,456"],
    ["1,234,5", "1,234,5"],
    ["1.234.5", "1.234.5"],
    ["1,234,567.8.9", "1,234,567.8.9"],
    ["1.234,567.8", "1.234,567.8"],
    ["2024-01-05", "2024-01-05"],
    ["3/4", "3/4"],
    ["12:30", "12:30"],
    ["0x10", "0x10"],
    ["7d12h", "7d12h"],
    ["\u20135", "\u20135"],
    ["1e5e3", "1e5e3"],
    ["012 345", "012 345"],
    // Separators doubled or glued by an underscore: reading the digits before them would be a prefix.
    ["1_000", "1_000"],
    ["12..3", "12..3"],
    ["1,,234", "1,,234"],
    // An exponent cut after its sign, a sign doubled.
    ["1.5e+", "1.5e+"],
    ["2E\u2212 apples", "2E\u2212"],
    ["\u2212\u22125", "\u2212\u22125"],
    ["--5", "--5"],
  ])("%j is not one number: names %j", (text, found) => {
    expect(readNumber(text)).toEqual({ ok: false, problem: "malformed", found });
  });

  it.each([["1e309"], ["1e400 views"], ["-1e309"]])("%j is not finite", (text) => {
    expect(readNumber(text)).toMatchObject({ ok: false, problem: "not_finite" });
  });

  it.each([["12,345,678,901,234,567,890"], ["9007199254740993"], ["-9,007,199,254,740,992"], ["1e300"]])(
    "%j is a whole number past 2^53, which would be recorded rounded: refused",
    (text) => {
      expect(readNumber(text)).toMatchObject({ ok: false, problem: "inexact" });
    },
  );

  it("9,007,199,254,740,991 (2^53 - 1) is still read exactly", () => {
    expect(readNumber("9,007,199,254,740,991")).toEqual({ ok: true, value: 9_007_199_254_740_991 });
    expect(readNumberValue(-9_007_199_254_740_991)).toEqual({ ok: true, value: -9_007_199_254_740_991 });
  });

  it.each([[""], ["no digits"], ["   "], ["k"], ["Infinity"], ["NaN"]])("%j has no number", (text) => {
    expect(readNumber(text)).toEqual({ ok: false, problem: "none" });
  });

  it("uses a regex's first group to pick the number", () => {
    expect(value(readNumber("2 open, 15 closed", { regex: /(\d+) closed/ }))).toBe(15);
    expect(value(readNumber("Total: 1.5k users", { regex: /Total: ([\d.]+k)/ }))).toBe(1500);
    expect(value(readNumber("Release 1.2.3 has 15 stars", { regex: /(\d+) stars/ }))).toBe(15);
    expect(readNumber("nothing here", { regex: /(\d+) closed/ })).toEqual({ ok: false, problem: "no_match" });
  });
});

describe("readNumberValue", () => {
  it.each<[unknown, number]>([
    [5, 5],
    [-0.5, -0.5],
    ["1,024", 1024],
    [" 1.2k ", 1200],
    ["12%", 12],
    ["3.4M", 3_400_000],
    ["12\u00a0345", 12345],
    ["\u22125", -5],
    ["1.5e3", 1500],
    ["12,5 %", 12.5],
  ])("%j -> %d", (input, expected) => {
    expect(value(readNumberValue(input))).toBe(expected);
  });

  it("reads an ambiguous string by the locale", () => {
    expect(value(readNumberValue("1.234", "de"))).toBe(1234);
    expect(value(readNumberValue("1.234", "en"))).toBe(1.234);
  });

  it.each<[unknown, string]>([
    ["2024-05-01", "malformed"],
    ["about 5", "not_whole"],
    ["24h", "not_whole"],
    ["100ms", "not_whole"],
    ["1.2.3", "malformed"],
    ["1e309", "not_finite"],
    [Number.POSITIVE_INFINITY, "not_finite"],
    [Number.NaN, "not_finite"],
    [2 ** 60, "inexact"],
    ["12345678901234567890", "inexact"],
    [null, "none"],
    [{}, "none"],
    ["", "none"],
    ["Infinity", "none"],
  ])("%j is refused (%s)", (input, problem) => {
    expect(readNumberValue(input)).toMatchObject({ ok: false, problem });
  });
});

describe("describeProblem", () => {
  it("names the text found, through the quote function", () => {
    expect(describeProblem({ ok: false, problem: "malformed", found: "1.2.3" }, (t) => t.toUpperCase())).toMatch(/^holds "1\.2\.3", which is not one number/);
    expect(describeProblem({ ok: false, problem: "not_finite", found: "1e309" }, (t) => t)).toBe('holds "1e309", which is not a finite number');
    expect(describeProblem({ ok: false, problem: "none" }, (t) => t)).toBe("holds no number");
  });
});

describe("isKnownLocale", () => {
  it.each([
    ["en", true],
    ["de-CH", true],
    ["fr", true],
    ["en_US", false],
    ["", false],
    ["not a locale", false],
  ])("%j -> %s", (locale, known) => {
    expect(isKnownLocale(locale)).toBe(known);
  });
});
