import { describe, expect, it } from "@jest/globals";
import { formatHistoryCsv, parseHistoryCsv } from "../../src/history/csv.js";
import type { HistoryRow } from "../../src/types.js";

const HEADER = "date,STARS,Report sent,Alerted";

describe("history CSV", () => {
  it("reads back every number the writer writes, exactly", () => {
    const values = [0, -3, 1234.5, 0.1 + 0.2, 1e21, 1.5e-7, -2.5e-9, Number.MAX_SAFE_INTEGER, 123456789.123];
    const rows: HistoryRow[] = values.map((value, i) => ({ date: `2026-01-${String(i + 1).padStart(2, "0")}`, metrics: { V: value } }));
    rows[0] = { ...rows[0]!, reportSent: true, alerted: ["a", "b"] };
    expect(parseHistoryCsv(formatHistoryCsv(rows))).toEqual(rows);
  });

  it("reads a CRLF file and skips blank lines, counting lines as an editor does", () => {
    expect(parseHistoryCsv(`${HEADER}\r\n\r\n2026-01-01,5,,\r\n`)).toEqual([{ date: "2026-01-01", metrics: { STARS: 5 } }]);
    expect(() => parseHistoryCsv(`${HEADER}\n\n2026-01-01,5,,\n2026-01-02,0x10,,\n`)).toThrow(/^line 4, column STARS: "0x10"/);
  });

  it.each([
    ["hex", "0x10"],
    ["an exponent the writer never writes", "1e3"],
    ["a digit separator", "1_000"],
    ["a leading plus", "+5"],
    ["spaces inside", "1 234"],
    ["trailing text", "12abc"],
    ["Infinity", "Infinity"],
    ["NaN", "NaN"],
    ["a trailing zero", "1.50"],
  ])("refuses %s, naming the line and the column", (_, cell) => {
    expect(() => parseHistoryCsv(`${HEADER}\n2026-01-01,7,,\n2026-01-02,${cell},,\n`)).toThrow(
      /^line 3, column STARS: .* is not a number as kpi-collector writes it/,
    );
  });

  it.each([
    [
      "a line cut short mid-row",
      `${HEADER}\n2026-01-01,7,,\n2026-01-02,12\n`,
      /^line 3 has 2 cells where the header has 4; the line is cut short or malformed/,
    ],
    ["a last line without its newline", `${HEADER}\n2026-01-01,7,,\n2026-01-02,12,,`, /^line 3 is cut short \(no newline at its end\)/],
    ["an extra cell", `${HEADER}\n2026-01-01,7,,,x\n`, /^line 2 has 5 cells/],
    ["a cut date", `${HEADER}\n2026-01,7,,\n`, /^line 2: "2026-01" is not a date/],
    ["a date twice", `${HEADER}\n2026-01-01,7,,\n2026-01-01,8,,\n`, /^line 3: 2026-01-01 is already on line 2/],
    ["a report mark that is not true", `${HEADER}\n2026-01-01,7,yes,\n`, /^line 2, column Report sent: "yes" is neither empty nor true/],
    // A hand-merged header: one of two values would be dropped without a word.
    ["a column twice", "date,a,a,Alerted,Reported to\n2026-01-01,1,2,,\n", /^line 1: column "a" is there twice \(columns 2 and 3\)/],
    ["a column with no name", "date,,Alerted,Reported to\n2026-01-01,5,,\n", /^line 1: column 2 has no name/],
    [
      "a __proto__ column, whose values would vanish",
      "date,__proto__,Alerted,Reported to\n2026-01-01,5,,\n",
      /^line 1: column "__proto__" is not a metric name kpi-collector writes/,
    ],
  ])("refuses %s", (_, text, error) => {
    expect(() => parseHistoryCsv(text)).toThrow(error);
  });

  it("writes an empty cell, not a function's source, for a day without a metric named like an object's own property", () => {
    const text = formatHistoryCsv([
      { date: "2026-01-01", metrics: { constructor: 5, toString: 6 } },
      { date: "2026-01-02", metrics: {} },
    ]);
    expect(text.split("\n")[2]).toBe("2026-01-02,,,,");
    expect(parseHistoryCsv(text)[1]).toEqual({ date: "2026-01-02", metrics: {} });
  });

  it("reads an empty file and a header alone as no rows", () => {
    expect(parseHistoryCsv("")).toEqual([]);
    expect(parseHistoryCsv(`${HEADER}\n`)).toEqual([]);
  });
});
