import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { built } from "../helpers/built.js";

/**
 * A daily run must not pay for the chart: its modules (src/report/chart, echarts, resvg) load only
 * through the weekly path's dynamic import. A child process runs the CLI with a loader hook that
 * records every ES module it loads, and lists the CommonJS modules it required at exit.
 */
const CHARTING = /\/report\/chart\/|\/node_modules\/echarts\/|\/node_modules\/@resvg\//;

let dir: string;
let discord: FakeDiscord;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpi-graph-"));
  discord = await startFakeDiscord();
  const hook = `import { appendFileSync } from "node:fs"; export async function load(url, context, next) { appendFileSync(process.env.KPI_LOADED, url + "\\n"); return next(url, context); }`;
  await writeFile(join(dir, "hook.mjs"), hook);
  const runner = [
    `import { register, createRequire } from "node:module";`,
    `import { appendFileSync } from "node:fs";`,
    `register(${JSON.stringify(pathToFileURL(join(dir, "hook.mjs")).href)});`,
    `const { main } = await import(${JSON.stringify(pathToFileURL(built("cli/main.js")).href)});`,
    `const io = { env: process.env, stdout: { write: () => true }, stderr: process.stderr };`,
    `process.exitCode = await main(process.argv.slice(2), io);`,
    `appendFileSync(process.env.KPI_LOADED, Object.keys(createRequire(import.meta.url).cache).join("\\n") + "\\n");`,
  ].join("\n");
  await writeFile(join(dir, "runner.mjs"), runner);
  await writeFile(join(dir, "history.csv"), "date,USERS\n2026-11-01,10\n");
  // The source needs no server: a failed source still runs every destination, the discord alert included.
  await writeFile(
    join(dir, "kpi.yaml"),
    `sources:\n  - { name: s, type: json, url: "http://127.0.0.1:9/", metrics: { USERS: { path: n } } }\ndestinations:\n  - { type: file, path: "${join(dir, "history.csv")}" }\n  - { type: discord, webhookUrl: "${discord.webhookUrl}" }\n`,
  );
}, 60_000);
afterAll(() => discord.close());

async function loadedBy(job: string): Promise<string[]> {
  const log = join(dir, `${job}.log`);
  await writeFile(log, "");
  await promisify(execFile)(process.execPath, [join(dir, "runner.mjs"), "run", "--config", join(dir, "kpi.yaml"), "--job", job, "--date", "2026-11-30"], {
    env: { ...process.env, KPI_LOADED: log, NODE_OPTIONS: "" },
  }).catch((error: { code?: number }) => {
    // Exit code 1: the unreachable source failed, as intended.
    if (error.code !== 1) throw error;
  });
  return (await readFile(log, "utf8")).split("\n").filter(Boolean);
}

describe("the charting modules", () => {
  it("are never loaded by a daily run", async () => {
    const loaded = await loadedBy("daily");
    expect(loaded.some((url) => url.includes("/destinations/discord/"))).toBe(true);
    expect(loaded.filter((url) => CHARTING.test(url))).toEqual([]);
  }, 60_000);

  it("are loaded by a weekly run, which draws the chart (so the check above can fail)", async () => {
    const loaded = await loadedBy("weekly-report");
    expect(loaded.some((url) => url.includes("/report/chart/render-chart.js"))).toBe(true);
    expect(loaded.some((url) => url.includes("/node_modules/echarts/"))).toBe(true);
    expect(discord.messages.at(-1)?.attachments).toHaveLength(1);
  }, 60_000);
});
