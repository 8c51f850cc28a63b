import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";

// Jest gives each test file its own module registry, so format.js is first loaded
// here, after the machine's default locale has been made German.
const RealNumberFormat = Intl.NumberFormat;
const realToLocaleString = Number.prototype.toLocaleString;

describe("number formatting on a machine with another locale", () => {
  beforeAll(() => {
    const german = function (locales?: string | string[], options?: Intl.NumberFormatOptions) {
      return new RealNumberFormat(locales ?? "de-DE", options);
    } as unknown as typeof Intl.NumberFormat;
    Intl.NumberFormat = german;
    Number.prototype.toLocaleString = function (this: number, locales?: string | string[], options?: Intl.NumberFormatOptions) {
      return new RealNumberFormat(locales ?? "de-DE", options).format(this);
    };
  });
  afterAll(() => {
    Intl.NumberFormat = RealNumberFormat;
    Number.prototype.toLocaleString = realToLocaleString;
  });

  it("still writes en-US thousands separators", async () => {
    expect(new Intl.NumberFormat().format(1234567.5)).toBe("1.234.567,5");
    const { formatValue, formatDelta, formatPercentChange } = await import("../../src/report/format.js");
    expect(formatValue(1234567.5)).toBe("1,234,567.5");
    expect(formatValue(1234.5, "currency")).toBe("$1,234.50");
    expect(formatDelta(-1234)).toBe("-1,234");
    expect(formatPercentChange(1234.56)).toBe("+1,234.6%");
  });
});
