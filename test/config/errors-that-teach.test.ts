import { configIssues as errorsOf } from "../helpers/config-issues.js";
import { describe, expect, it } from "@jest/globals";

const page = (metric: string) => `  - name: page\n    type: html\n    url: https://example.com/\n    metrics:\n      M: ${metric}\n`;

describe("YAML syntax errors", () => {
  it("an unquoted [ in a flow map: the first error only, its line and column, and how to quote it", () => {
    const issues = errorsOf(`sources:\n  - name: api\n    type: json\n    url: https://x.test/a\n    metrics:\n      COUNT: { path: data.items[0].count }\n`);
    expect(issues).toEqual([
      'kpi.config.yaml:6:32: Unexpected flow-seq-start at node end; quote values that contain [ ] { } or ", ", e.g. path: "data.items[0].count"',
    ]);
  });

  it("an unclosed quote: its position once, no dangling colon", () => {
    const [issue, ...rest] = errorsOf(`sources:\n  - name: "api\n    type: json\n`);
    expect(rest).toEqual([]);
    expect(issue).toBe('kpi.config.yaml:4:1: Missing closing "quote; a quote opened earlier is not closed');
  });
});

describe("one pass names every problem", () => {
  it("two unknown keys are two problems, and northStar is checked while another source fails", () => {
    const issues = errorsOf(
      `northStar: NOPE\nsources:\n  - { name: api, type: json, url: "https://x.test", bogus: 1, other: 2, metrics: { A: { path: a } } }\n${page("{ selector: .m }")}`,
    );
    expect(issues).toEqual([
      "sources[0].bogus: unknown key; remove it or check its spelling",
      "sources[0].other: unknown key; remove it or check its spelling",
      'northStar: "NOPE" is not a metric of any source; use one of M',
    ]);
  });

  it("northStar waits for a failing source that may produce it (named there, or a preset's prefix)", () => {
    expect(
      errorsOf(`northStar: A\nsources:\n  - { name: api, type: json, bogus: 1, metrics: { A: { path: a } } }\n${page("{ selector: .m }")}`),
    ).not.toContainEqual(expect.stringMatching(/^northStar/));
    expect(errorsOf(`northStar: GH_STARS\nsources:\n  - { name: gh, type: github }\n${page("{ selector: .m }")}`)).not.toContainEqual(
      expect.stringMatching(/^northStar/),
    );
  });
});

describe("mistakes caught at load, not at run time", () => {
  it.each([
    ["span[", "Expected name, found the end of the selector"],
    ["div:nope", "Unknown pseudo-class :nope"],
  ])("the selector %j is refused with cheerio's reason", (selector, reason) => {
    expect(errorsOf(`sources:\n${page(`{ selector: "${selector}" }`)}`)).toEqual([`sources[0].metrics.M.selector: is not a valid CSS selector: ${reason}`]);
  });

  it("a login form selector is checked too", () => {
    const yaml = `sources:\n${page("{ selector: .m }")}    login: { url: "https://example.com/login", form: "form[", fields: { user: me } }\n`;
    expect(errorsOf(yaml)).toEqual(["sources[0].login.form: is not a valid CSS selector: Expected name, found the end of the selector"]);
  });

  it("a bad regex shows the engine's reason", () => {
    expect(errorsOf(`sources:\n${page('{ selector: .m, regex: "([0-9]+" }')}`)).toEqual([
      "sources[0].metrics.M.regex: is not a valid regular expression: Unterminated group",
    ]);
  });
});
