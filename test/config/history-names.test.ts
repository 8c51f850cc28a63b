import { configIssues as errorsOf } from "../helpers/config-issues.js";
import { describe, expect, it } from "@jest/globals";
import { loadConfig } from "../../src/config/load.js";

const withMetric = (metric: string, destinations = "  - type: file\n") => `sources:
  - name: site
    type: html
    url: https://example.com/
    metrics:
      ${metric}: { selector: .n }
destinations:
${destinations}`;

const NOTION = `  - type: notion
    name: kpis
    token: secret_abcdefghijklmnop
    database: 5f1b2c3d4e5f60718293a4b5c6d7e8f9
`;

describe("metric names that are a history store's own columns", () => {
  it.each([
    ["date", 'the date column of the file store "date"'],
    ["Date", 'the date column of the notion store "Date"'],
    ["DATE", 'the date column of the file store "date"'],
    ["Alerted", 'a column every history store keeps "Alerted"'],
    ["alerted", 'a column every history store keeps "Alerted"'],
  ])("refuses %s, naming the metric and the column", (metric, column) => {
    expect(errorsOf(withMetric(metric))).toEqual([
      `sources[0].metrics.${metric}: the metric name "${metric}" is ${column} (names are compared ignoring case); rename the metric`,
    ]);
  });

  it("refuses the title and date columns a notion destination names, and notion init's title column", () => {
    const custom = `${NOTION}    dateProperty: Day_of_run\n    titleProperty: Week\n`;
    expect(errorsOf(withMetric("week", custom))).toEqual([
      'sources[0].metrics.week: the metric name "week" is the title column of notion destination "kpis" "Week" (names are compared ignoring case); rename the metric',
    ]);
    expect(errorsOf(withMetric("Day_of_run", custom))[0]).toContain('the date column of notion destination "kpis" "Day_of_run"');
    expect(errorsOf(withMetric("Day", NOTION))[0]).toContain('the title column of notion destination "kpis" (as notion init names it) "Day"');
  });

  it("refuses a preset's default name and a custom source's name too", () => {
    const preset = `sources:\n  - { name: x, type: github, repo: a/b, metrics: { stars: Alerted } }\n`;
    expect(errorsOf(preset)).toEqual([expect.stringContaining('the metric name "Alerted" is a column every history store keeps "Alerted"')]);
  });

  it("accepts names that only resemble them", () => {
    expect(() => loadConfig(withMetric("Dates"), {})).not.toThrow();
    expect(() => loadConfig(withMetric("Days", NOTION), {})).not.toThrow();
    expect(() => loadConfig(withMetric("Report_sent"), {})).not.toThrow();
  });
});

describe("metric names every JavaScript object already has", () => {
  it.each([["constructor"], ["toString"], ["hasOwnProperty"], ["valueOf"]])("refuses %s, which a day without it would read as a function", (metric) => {
    expect(errorsOf(withMetric(metric))).toEqual([
      `sources[0].metrics.${metric}: the metric name "${metric}" is a name every JavaScript object has; rename the metric`,
    ]);
  });
});

describe("__proto__ in the config", () => {
  it("is refused as a metric name, where the schema would drop it silently", () => {
    expect(errorsOf(withMetric("__proto__").replace("metrics:\n", "metrics:\n      OTHER: { selector: .m }\n"))).toEqual([
      'sources[0].metrics.__proto__: "__proto__" cannot be a name (JavaScript reserves it); choose another',
    ]);
  });

  it("is refused as a header name", () => {
    const yaml = `sources:\n  - name: api\n    type: json\n    url: https://example.com/\n    headers: { __proto__: x, accept: application/json }\n    metrics: { N: { path: n } }\n`;
    expect(errorsOf(yaml)).toEqual(['sources[0].headers.__proto__: "__proto__" cannot be a name (JavaScript reserves it); choose another']);
  });
});
