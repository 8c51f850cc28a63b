import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { DEMO_API_TOKEN, DEMO_PASSWORD, DEMO_USER, startDemoSite, type DemoSite } from "../../src/demo/site.js";
import { DEMO_CONFIG } from "../../src/demo/config.js";
import { bundled } from "../helpers/built.js";

const run = promisify(execFile);
// The bin as shipped: the bundle.
const BIN = bundled("kpi-collector.js");

/** Runs the built CLI as a real process; resolves with its exit code and output, whatever the code. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let site: DemoSite;
let dir: string;
let configPath: string;
let env: Record<string, string>;
beforeAll(async () => {
  site = await startDemoSite("2026-11-16");
  dir = await mkdtemp(join(tmpdir(), "kpi-cli-"));
  configPath = join(dir, "kpi.config.yaml");
  await writeFile(configPath, DEMO_CONFIG);
  env = { DEMO_SITE_URL: site.url, DEMO_API_TOKEN, DEMO_USER, DEMO_PASSWORD, DEMO_HISTORY: join(dir, "history.csv") };
});
afterAll(async () => site.close());

describe("kpi-collector CLI (as a process)", () => {
  it("run --dry-run collects every source and writes nothing", async () => {
    const result = await cli(["run", "--config", configPath, "--dry-run", "--date", "2026-11-16"], env);
    expect(result.code).toBe(0);
    // Off a terminal, stdout is one JSON object a line.
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((l) => String(l.message).startsWith("source "))).toHaveLength(4);
    expect(lines.at(-1)).toMatchObject({
      message: expect.stringMatching(/^daily 2026-11-16 done: 7 metrics collected/),
      metricsCollected: 7,
      sourcesFailed: [],
      destinationsWritten: [],
    });
    expect(result.stderr).toMatch(/WEEKLY_ACTIVE_USERS\s+[\d,]+/);
    expect(result.stderr).toContain("(dry run: nothing was written)");
    await expect(import("node:fs/promises").then((fs) => fs.access(env.DEMO_HISTORY ?? ""))).rejects.toThrow();
    for (const secret of [DEMO_PASSWORD, DEMO_API_TOKEN]) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it("run writes the history file and exits 0", async () => {
    const result = await cli(["run", "--config", configPath, "--date", "2026-11-16", "--only", "blog,podcast", "--only", "blog"], env);
    expect(result.code).toBe(0);
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(env.DEMO_HISTORY ?? "", "utf8")).toMatch(/^date,BLOG_POSTS,PODCAST_EPISODES,Alerted,Reported to\n2026-11-16,\d+,\d+,,\n$/);
  });

  it("a failing source is reported, not fatal; its secret stays hidden", async () => {
    const result = await cli(["run", "--config", configPath, "--dry-run"], { ...env, DEMO_PASSWORD: "wrong-password-123" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("login failed for source analytics");
    expect(result.stdout + result.stderr).not.toContain("wrong-password-123");
    expect(result.stderr).not.toMatch(/WEEKLY_ACTIVE_USERS\s+0/);
  });

  it("run exits 1 when a destination fails, naming it", async () => {
    const blocked = join(dir, "not-a-dir");
    await writeFile(blocked, "a file where a folder should be");
    const result = await cli(["run", "--config", configPath, "--date", "2026-11-16", "--only", "blog"], { ...env, DEMO_HISTORY: join(blocked, "history.csv") });
    expect(result.code).toBe(1);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ severity: "ERROR", destination: "file" }));
    // The same closing line, at the same severity, as the Cloud Function logs.
    expect(lines.at(-1)).toMatchObject({ severity: "ERROR", message: expect.stringContaining("done:"), destinationsFailed: ["file"] });
  });

  it("validate accepts a good config", async () => {
    const result = await cli(["validate", "--config", configPath], env);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain("is valid: 4 source(s), 2 destination(s)");
  });

  it("validate names every problem and exits 2", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, `sources:\n  - name: s\n    type: html\n    url: \${SITE}\n    metrics:\n      STARS: { extract: count }\n`);
    const result = await cli(["validate", "--config", bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("sources[0].url: environment variable SITE is not set");
    expect(result.stderr).toContain("sources[0].metrics.STARS.selector: required");
  });

  it("finds the config through KPI_CONFIG, and says so when there is none", async () => {
    expect((await cli(["validate"], { ...env, KPI_CONFIG: configPath })).code).toBe(0);
    const missing = await cli(["validate"], { KPI_CONFIG: join(dir, "nope.yaml") });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.yaml: file not found");
  });

  it("schema prints a JSON Schema", async () => {
    const result = await cli(["schema"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ title: "kpi-collector config", type: "object" });
  });

  it("rejects an unknown command or flag with usage and exit 2", async () => {
    expect(await cli(["frobnicate"])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect((await cli(["run", "--jobb", "daily"])).code).toBe(2);
    expect(await cli(["run", "--config", configPath, "--job", "hourly"], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--job: unknown job"),
    });
  });
});
