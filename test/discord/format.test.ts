import { describe, expect, it } from "@jest/globals";
import { difference, direction, formatDelta, formatPercentChange, formatValue } from "../../src/report/format.js";
import { sparkline, weeklySeries } from "../../src/report/sparkline.js";
import type { HistoryRow } from "../../src/types.js";

describe("formatValue", () => {
  it.each([
    [1234567, "number", "1,234,567"],
    [1234.5678, "number", "1,234.57"],
    [0.1 + 0.2, "number", "0.3"],
    [-0, "number", "0"],
    [12.5, "percent", "12.5%"],
    [1234, "currency", "$1,234"],
    [1234.5, "currency", "$1,234.50"],
    [-40, "currency", "-$40"],
    [1234567890123, "number", "1,234,567,890,123"],
    [987654321987.65, "currency", "$987,654,321,987.65"],
    [123456789012345.5, "number", "123,456,789,012,345.5"],
    [1234.001, "currency", "$1,234"],
    [undefined, "number", "n/a"],
    [Number.NaN, "number", "n/a"],
    [Number.POSITIVE_INFINITY, "percent", "n/a"],
  ] as const)("%p as %s -> %s", (value, format, expected) => {
    expect(formatValue(value, format)).toBe(expected);
  });

  it("takes another currency", () => {
    expect(formatValue(1234, "currency", "EUR")).toBe("€1,234");
  });
});

describe("formatDelta and formatPercentChange", () => {
  it.each([
    [12, "number", "+12"],
    [-1234, "number", "-1,234"],
    [0, "number", "±0"],
    [1.5, "percent", "+1.5 pp"],
    [-40, "currency", "-$40"],
    [1234567890123, "number", "+1,234,567,890,123"],
    [-987654321987.65, "currency", "-$987,654,321,987.65"],
    [1e-17, "number", "±0"],
    [undefined, "number", "n/a"],
  ] as const)("delta %p as %s -> %s", (delta, format, expected) => {
    expect(formatDelta(delta, format)).toBe(expected);
  });

  it.each([
    [8.1234, "+8.1%"],
    [-50, "-50.0%"],
    [0, "±0.0%"],
    [0.04, "±0.0%"],
    [1234.56, "+1,234.6%"],
    [undefined, "n/a"],
    [Number.POSITIVE_INFINITY, "n/a"],
    [Number.NaN, "n/a"],
  ])("percent %p -> %s", (percent, expected) => {
    expect(formatPercentChange(percent)).toBe(expected);
  });

  it.each([
    [0.1 + 0.2, 0.3, 0],
    [0.1 + 0.2, 0.1, 0.2],
    [1234567890123, 1234567890000, 123],
    [987654321987.65, 987654321000, 987.65],
    [-0.5, -0.5, 0],
    [5, 0, 5],
    [0, 0, 0],
  ])("difference(%p, %p) is %p, float noise dropped, every real digit kept", (value, previous, expected) => {
    expect(Object.is(difference(value, previous), expected)).toBe(true);
  });

  it("gives the direction of a change", () => {
    expect(direction(0)).toBe("same");
    expect(direction(3)).toBe("up");
    expect(direction(-3)).toBe("down");
  });
});

describe("sparkline", () => {
  it("scales from the series minimum to its maximum", () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([10, 0, 10])).toBe("█▁█");
  });

  it("keeps gaps in place and draws a flat series mid-height", () => {
    expect(sparkline([undefined, 5, 5, undefined])).toBe("·▄▄·");
    expect(sparkline([undefined, undefined])).toBe("");
  });

  it("takes, for each week, the nearest earlier row of that week", () => {
    const rows: HistoryRow[] = [
      { date: "2024-05-27", metrics: { a: 1 } },
      { date: "2024-05-30", metrics: { a: 2 } },
      { date: "2024-06-01", metrics: { a: 3 } }, // the latest row of the week ending 2024-06-03
      { date: "2024-06-09", metrics: { b: 9 } }, // has no `a`
    ];
    expect(weeklySeries(rows, "2024-06-10", 3, "a", { a: 4 })).toEqual([1, 3, 4]);
    expect(weeklySeries(rows, "2024-06-10", 3, "a")).toEqual([1, 3, undefined]);
  });
});
