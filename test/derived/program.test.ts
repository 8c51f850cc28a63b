import { configIssues as errorsOf } from "../helpers/config-issues.js";
import { describe, expect, it } from "@jest/globals";
import { loadConfig } from "../../src/config/load.js";
import { compileDerived, derivedIssues } from "../../src/derived/program.js";
import { ConfigError } from "../../src/errors.js";

const SOURCES = new Set(["SIGNUPS", "DAILY_ACTIVE_USERS", "MONTHLY_ACTIVE_USERS", "MRR"]);
const issues = (definitions: Record<string, string>) =>
  derivedIssues(Object.fromEntries(Object.entries(definitions).map(([k, expr]) => [k, { expr }])), SOURCES);

describe("derived metrics: the grammar refuses what it doesn't whitelist", () => {
  it.each([
    ["DAILY_ACTIVE_USERS.length", 'derived.X.expr: "DAILY_ACTIVE_USERS.length": properties are not allowed'],
    ["SIGNUPS[0]", 'derived.X.expr: "SIGNUPS[0]": properties are not allowed'],
    ['"text"', 'derived.X.expr: "text" is not a number'],
    ["true", "derived.X.expr: true is not a number"],
    ["MRR ? 1 : 2", "derived.X.expr: a ? b : c is not allowed"],
    ["MRR == 1", 'derived.X.expr: operator "==" is not allowed'],
    ["MRR % 2", 'derived.X.expr: operator "%" is not allowed'],
    ["!MRR", 'derived.X.expr: operator "!" is not allowed'],
    ["this", "derived.X.expr: this is not allowed"],
    ["[MRR]", "derived.X.expr: [...] is not allowed"],
    ["eval(MRR)", "derived.X.expr: unknown function eval(); use one of sum, avg, min, max, ago, change, pct_change, round"],
    ["constructor(MRR)", "derived.X.expr: unknown function constructor()"],
    ["MRR.constructor(1)", "derived.X.expr: unknown function MRR.constructor()"],
    ["sum(MRR)", "derived.X.expr: sum() takes 2 arguments, a metric name and a number of days"],
    ["sum(MRR + SIGNUPS, 7)", "derived.X.expr: sum(): the first argument must be a metric name"],
    ["sum(MRR, 0)", "derived.X.expr: sum(MRR, N): days must be a whole number from 1 to 366"],
    ["avg(MRR, 1.5)", "derived.X.expr: avg(MRR, N): days must be a whole number from 1 to 366"],
    ["ago(MRR, 367)", "derived.X.expr: ago(MRR, N): days must be a whole number from 1 to 366"],
    ["change(MRR, SIGNUPS)", "derived.X.expr: change(MRR, N): days must be a whole number"],
    ["round(MRR, 11)", "derived.X.expr: round(x, digits): digits must be a whole number from 0 to 10"],
    ["round()", "derived.X.expr: round() takes 1 or 2 arguments"],
    ["MRR SIGNUPS", "derived.X.expr: one expression expected"],
    ["(MRR", "derived.X.expr: unclosed ( at character 4"],
    ["MRR +", "derived.X.expr: expected expression after +"],
  ])("%s", (expr, message) => {
    const found = issues({ X: expr });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
    expect(found[0]).toContain(`(in "${expr}")`);
  });
});

describe("derived metrics: names", () => {
  it("an unknown name is refused with a did-you-mean", () => {
    expect(issues({ WEEKLY: "sum(SIGNUP, 7)" })).toEqual(['derived.WEEKLY.expr: unknown metric "SIGNUP"; did you mean "SIGNUPS"?']);
    expect(issues({ S: "daily_active_users / 2" })).toEqual(['derived.S.expr: unknown metric "daily_active_users"; did you mean "DAILY_ACTIVE_USERS"?']);
    expect(issues({ RATIO: "MRR / 2", R: "RATOI * 2" })).toEqual(['derived.R.expr: unknown metric "RATOI"; did you mean "RATIO"?']);
    expect(issues({ X: "ZZZ + 1" })).toEqual(['derived.X.expr: unknown metric "ZZZ"; use a metric of a source or another derived metric']);
  });

  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "prototype"])("the builtin name %s is an unknown metric", (name) => {
    expect(issues({ X: `${name} + 1` })).toEqual([expect.stringMatching(new RegExp(`^derived\\.X\\.expr: unknown metric "${name}"`))]);
    expect(issues({ X: `sum(${name}, 7)` })).toEqual([expect.stringMatching(new RegExp(`^derived\\.X\\.expr: unknown metric "${name}"`))]);
  });

  it("a derived name a source already produces is refused", () => {
    expect(issues({ MRR: "SIGNUPS * 2" })).toEqual(["derived.MRR: a source already produces MRR; rename the derived metric"]);
  });
});

describe("derived metrics: cycles", () => {
  it("a metric using itself is refused", () => {
    expect(issues({ A: "A + 1" })).toEqual(["derived.A.expr: A depends on itself: A → A; break the cycle"]);
    expect(issues({ A: "ago(A, 1) + SIGNUPS" })).toEqual(["derived.A.expr: A depends on itself: A → A; break the cycle"]);
  });

  it("a longer cycle is named once, as a chain, whatever metric it is entered by", () => {
    expect(issues({ A: "B + 1", B: "sum(C, 7)", C: "A / 2", D: "A * 2" })).toEqual(["derived.A.expr: A depends on itself: A → B → C → A; break the cycle"]);
  });

  it("compileDerived throws a ConfigError with every issue", () => {
    expect(() => compileDerived({ A: { expr: "B" }, B: { expr: "A" }, C: { expr: "(" } })).toThrow(ConfigError);
  });
});

describe("derived metrics: the history read", () => {
  it("covers the longest look-back, through derived inputs", () => {
    const program = compileDerived({
      RATIO: { expr: "MRR / SIGNUPS" },
      WEEK: { expr: "sum(SIGNUPS, 7)" },
      NESTED: { expr: "avg(GROWTH, 28)" },
      GROWTH: { expr: "pct_change(MRR, 30)" },
    });
    expect(Object.fromEntries(program.metrics.map((m) => [m.name, m.lookbackDays]))).toEqual({ RATIO: 0, WEEK: 6, GROWTH: 30, NESTED: 57 });
    expect(program.lookbackDays).toBe(57);
    expect(program.metrics.map((m) => m.name).indexOf("GROWTH")).toBeLessThan(program.metrics.map((m) => m.name).indexOf("NESTED"));
  });
});

describe("derived metrics in the config", () => {
  const sources = `sources:
  - name: app
    type: json
    url: https://example.com/stats
    metrics:
      SIGNUPS: { path: signups }
      DAILY_ACTIVE_USERS: { path: dau }
      MONTHLY_ACTIVE_USERS: { path: mau }
`;

  it("loads, and northStar may name a derived metric", () => {
    const config = loadConfig(
      `northStar: SIGNUPS_7D
northStarAggregate: sum
derived:
  STICKINESS: { expr: "DAILY_ACTIVE_USERS / MONTHLY_ACTIVE_USERS * 100", format: percent }
  SIGNUPS_7D: { expr: "sum(SIGNUPS, 7)", minCoverage: 0.8, lowerIsBetter: false }
${sources}`,
      {},
    );
    expect(config.derived).toEqual({
      STICKINESS: { expr: "DAILY_ACTIVE_USERS / MONTHLY_ACTIVE_USERS * 100", format: "percent" },
      SIGNUPS_7D: { expr: "sum(SIGNUPS, 7)", minCoverage: 0.8, lowerIsBetter: false },
    });
    expect(config.northStarAggregate).toBe("sum");
  });

  const broken = (extra = "") => `northStar: SIGNUPS_7
derived:
  SIGNUPS_7D: { expr: "sum(SIGNUP, 7)" }
  LOOP: { expr: "LOOP2 * 2" }
  LOOP2: { expr: "LOOP / 2" }
  BAD: { expr: "SIGNUPS +" }
${extra}${sources}`;

  it("the schema's problems come first: the expressions are checked once every entry has the right keys", () => {
    expect(errorsOf(broken(`  COVER: { expr: "avg(SIGNUPS, 7)", minCoverage: 1.5, colour: red }\n`))).toEqual([
      "derived.COVER.minCoverage: must be at most 1 (a fraction of the window's days)",
      "derived.COVER.colour: unknown key; remove it or check its spelling",
    ]);
  });

  it("names every problem with its path: grammar, names, cycles, north star", () => {
    expect(errorsOf(broken())).toEqual([
      'derived.BAD.expr: expected expression after + at character 9 (in "SIGNUPS +")',
      'derived.SIGNUPS_7D.expr: unknown metric "SIGNUP"; did you mean "SIGNUPS"?',
      "derived.LOOP.expr: LOOP depends on itself: LOOP → LOOP2 → LOOP; break the cycle",
      'northStar: "SIGNUPS_7" is not a metric of any source or derived metric; did you mean "SIGNUPS_7D"?',
    ]);
  });

  it("a derived metric name must be a metric name", () => {
    expect(errorsOf(`derived:\n  __proto__: { expr: "SIGNUPS" }\n${sources}`)).toEqual([
      'derived.__proto__: "__proto__" cannot be a name (JavaScript reserves it); choose another',
    ]);
    expect(errorsOf(`derived:\n  _hidden: { expr: "SIGNUPS" }\n${sources}`)).toEqual([
      expect.stringContaining("metric names use letters, digits and _ and start with a letter"),
    ]);
  });
});
