import { describe, expect, it } from "@jest/globals";
import { ConfigError } from "../../src/errors.js";
import { eventAgeMs, formatAge } from "../../src/function/event-age.js";
import { DEFAULT_MAX_EVENT_AGE_MS, parseDuration, parseFunctionOptions } from "../../src/function/options.js";

describe("parseFunctionOptions", () => {
  it("defaults to kpi.config.yaml and 6 hours", () => {
    expect(parseFunctionOptions({})).toEqual({ configPath: "kpi.config.yaml", maxEventAgeMs: 6 * 3_600_000 });
    expect(DEFAULT_MAX_EVENT_AGE_MS).toBe(21_600_000);
  });

  it("reads KPI_CONFIG and KPI_MAX_EVENT_AGE", () => {
    expect(parseFunctionOptions({ KPI_CONFIG: "conf/prod.yaml", KPI_MAX_EVENT_AGE: "90m" })).toEqual({
      configPath: "conf/prod.yaml",
      maxEventAgeMs: 5_400_000,
    });
  });

  it("names the variable when the age is not a duration", () => {
    expect(() => parseFunctionOptions({ KPI_MAX_EVENT_AGE: "six hours" })).toThrow(ConfigError);
    expect(() => parseFunctionOptions({ KPI_MAX_EVENT_AGE: "six hours" })).toThrow(/KPI_MAX_EVENT_AGE: "six hours" is not a duration/);
  });
});

describe("parseDuration", () => {
  it.each([
    ["6h", 21_600_000],
    ["90m", 5_400_000],
    ["30s", 30_000],
    ["250ms", 250],
    ["1d", 86_400_000],
    ["45", 45_000],
    ["1.5h", 5_400_000],
    ["0", undefined],
    ["-1h", undefined],
    ["6 hours", undefined],
    ["h", undefined],
  ])("%s -> %s", (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
});

describe("eventAgeMs", () => {
  const now = new Date("2024-05-06T12:00:00Z");
  it("measures from the event time", () => {
    expect(eventAgeMs("2024-05-06T05:00:00Z", now)).toBe(7 * 3_600_000);
  });
  it("is undefined without a usable time, and never negative", () => {
    expect(eventAgeMs(undefined, now)).toBeUndefined();
    expect(eventAgeMs("yesterday", now)).toBeUndefined();
    expect(eventAgeMs("2024-05-06T12:00:05Z", now)).toBe(0);
  });
  it.each([
    [42_000, "42s"],
    [5 * 60_000, "5m"],
    [6 * 3_600_000, "6h"],
    [7 * 3_600_000 + 5 * 60_000, "7h 5m"],
  ])("formats %d ms as %s", (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
