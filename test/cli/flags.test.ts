import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { runCli } from "../helpers/cli.js";
import { closest } from "../../src/cli/flags.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

const cli = (args: string[], now = new Date("2026-12-02T10:00:00Z")) => runCli(args, { now });

let site: TestServer;
let config: string;
beforeAll(async () => {
  site = await startServer((_req, res) => sendJson(res, 200, { n: 5 }));
  const dir = await mkdtemp(join(tmpdir(), "kpi-flags-"));
  config = join(dir, "kpi.yaml");
  await writeFile(
    config,
    `sources:\n  - { name: github, type: json, url: "${site.url}/a", metrics: { A: { path: n } } }\n  - { name: npm, type: json, url: "${site.url}/b", metrics: { B: { path: n } } }\n`,
  );
});
afterAll(() => site.close());

describe("flag mistakes are usage errors (exit 2) that say what was meant", () => {
  it.each([
    [["run", "--dryrun"], "unknown flag --dryrun (did you mean --dry-run?); run takes --config, --job, --date, --only, --dry-run"],
    [["validate", "--force"], "validate does not take --force; validate takes --config"],
    [["report", "--only", "x"], "report does not take --only; report takes --config, --date, --dry-run, --force"],
    [["schema", "--config", "x.yaml"], "schema does not take --config; schema takes no flags"],
    [["notion", "init", "--dry-run"], "notion init does not take --dry-run; notion init takes --config, --parent, --title"],
    [["run", "--date", "yesterday"], '--date: "yesterday" is not a date; use YYYY-MM-DD, e.g. --date 2026-03-09'],
    [["run", "daily"], 'run takes no argument "daily" (flags start with --, e.g. --job daily); run takes --config, --job, --date, --only, --dry-run'],
    [["validate", "kpi.yaml"], 'validate takes no argument "kpi.yaml" (flags start with --, e.g. --config kpi.yaml); validate takes --config'],
    [["runn"], 'unknown command "runn" (did you mean run?); the commands are run, validate, schema, report, notion init, chart'],
    [["run", "--date", "2026-12-03"], "--date: 2026-12-03 is after today (2026-12-02 in UTC); a run is never dated in the future"],
    [["report", "--date", "2027-01-01", "--dry-run"], "--date: 2027-01-01 is after today (2026-12-02 in UTC); a run is never dated in the future"],
  ])("%j", async (args, message) => {
    const result = await cli([...args, ...(args.includes("--config") || args[0] === "schema" ? [] : ["--config", config])]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${message}\n\nRun "kpi-collector help" for usage.\n`);
    expect(result.stderr).not.toMatch(/Invalid config/);
  });

  it("--only with a name that is no source lists the sources", async () => {
    const result = await cli(["run", "--config", config, "--only", "npn"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain('--only: no source named "npn" (did you mean "npm"?); the sources are github, npm');
  });

  it("closest: a near name, and nothing for a far one", () => {
    expect(closest("dryrun", ["config", "dry-run"])).toBe("dry-run");
    expect(closest("zzzzzz", ["config", "dry-run"])).toBeUndefined();
  });
});

describe("run --date says what it does", () => {
  it("the help calls it re-recording a missed day with today's values", async () => {
    expect((await cli(["help"])).stdout).toMatch(/--date DATE\s+store this run under DATE[\s\S]*re-record a missed day[\s\S]*today's numbers under that date/);
  });

  it("warns when the date is more than a few days back, and not for yesterday", async () => {
    const old = await cli(["run", "--config", config, "--date", "2026-11-20", "--dry-run"]);
    expect(old.code).toBe(0);
    expect(old.stderr).toContain(
      "warning: --date 2026-11-20 is 12 days ago: the values are collected now and stored under 2026-11-20; they are today's numbers, not that day's",
    );
    const recent = await cli(["run", "--config", config, "--date", "2026-12-01", "--dry-run"]);
    expect(recent.code).toBe(0);
    expect(recent.stderr).not.toMatch(/days ago/);
  });
});
