import { describe, expect, it } from "@jest/globals";
import { parseNumber, toNumber } from "../src/parse-number.js";

describe("parseNumber", () => {
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
    ["Members: 15 online", 15],
    ["12 members", 12],
    ["\u00a0 99\u00a0", 99],
    ["$1,299.50", 1299.5],
    // A unit letter right after the digits ends the number; it never cuts the digits short.
    ["24h", 24],
    ["100ms", 100],
    ["1.5GB", 1.5],
    ["15min", 15],
    ["10x faster", 10],
    ["42nd", 42],
    ["3rd", 3],
    ["2.5kb", 2.5],
    ["up 7d, 1,024 views", 7],
    ["Release 1.2.3 has 15 stars", 15],
  ])("%j -> %d", (text, expected) => {
    expect(parseNumber(text)).toBe(expected);
  });

  it.each([[""], ["no digits"], ["   "], ["k"], ["1.2.3"], ["v1.2.3"]])("%j has no number", (text) => {
    expect(parseNumber(text)).toBeUndefined();
  });

  it("uses a regex's first group to pick the number", () => {
    expect(parseNumber("2 open, 15 closed", /(\d+) closed/)).toBe(15);
    expect(parseNumber("Total: 1.5k users", /Total: ([\d.]+k)/)).toBe(1500);
    expect(parseNumber("nothing here", /(\d+) closed/)).toBeUndefined();
  });

  it("toNumber accepts numbers and numeric strings only", () => {
    expect(toNumber(5)).toBe(5);
    expect(toNumber("1,024")).toBe(1024);
    expect(toNumber(" 1.2k ")).toBe(1200);
    expect(toNumber("12%")).toBe(12);
    expect(toNumber("2024-05-01")).toBeUndefined();
    expect(toNumber("about 5")).toBeUndefined();
    expect(toNumber("24h")).toBeUndefined();
    expect(toNumber("100ms")).toBeUndefined();
    expect(toNumber("1.2.3")).toBeUndefined();
    expect(toNumber("3.4M")).toBe(3_400_000);
    expect(toNumber(null)).toBeUndefined();
    expect(toNumber({})).toBeUndefined();
    expect(toNumber(Number.NaN)).toBeUndefined();
    expect(toNumber("")).toBeUndefined();
  });
});
