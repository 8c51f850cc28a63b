import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_CONFIG } from "../src/demo/config.js";
import { demoMetrics } from "../src/demo/model.js";
import { DEMO_API_TOKEN, DEMO_PASSWORD, DEMO_USER, startDemoSite } from "../src/demo/site.js";
import { dateInTimeZone } from "../src/dates.js";
import type { Job } from "../src/types.js";
import { startFakeDiscord } from "../test/fakes/discord-server.js";
import { startFakeNotion } from "../test/fakes/notion-server.js";
import { median, round, type Figure } from "./figures.js";
import { fakesConfig, prepareDatabase } from "./notion-cost.js";
import { builtPath } from "./paths.js";
import { failureText, runNode } from "./run-node.js";

const RUNS = 3;
const HISTORY_DAYS = 60;

/** The demo's sources (a blog, a feed, a JSON API, a dashboard behind a login), written to notion and discord. */
function demoSources(): string {
  const sources = /^sources:\n([\s\S]*?)^destinations:/m.exec(DEMO_CONFIG)?.[1];
  if (!sources) throw new Error("whole run: DEMO_CONFIG has no sources section");
  return sources.trimEnd();
}

/** One `kpi-collector run --job JOB` process against fresh fakes holding 60 days of history, timed from spawn to exit. */
async function timeRun(siteUrl: string, job: Job, dir: string): Promise<number> {
  const today = dateInTimeZone(new Date(), "UTC");
  const notion = await startFakeNotion();
  const discord = await startFakeDiscord();
  try {
    prepareDatabase(notion, HISTORY_DAYS, today, (_i, date) => demoMetrics(date));
    const configPath = join(dir, "kpi.config.yaml");
    await writeFile(configPath, fakesConfig(demoSources(), notion).replace("northStar: MRR", "northStar: WEEKLY_ACTIVE_USERS"));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DEMO_SITE_URL: siteUrl,
      DEMO_API_TOKEN,
      DEMO_USER,
      DEMO_PASSWORD,
      NOTION_TOKEN: notion.token,
      DISCORD_WEBHOOK_URL: discord.webhookUrl,
    };
    const run = await runNode([builtPath("cli/bin.js"), "run", "--config", configPath, "--job", job], { cwd: dir, env, timeoutMs: 120_000 });
    if (run.code !== 0) throw new Error(`whole run: kpi-collector run --job ${job} failed: ${failureText(run)}`);
    const row = notion.rows().find((r) => r.date === today);
    const reported = job !== "weekly-report" || (row?.reportedTo.includes("discord") === true && discord.messages.length > 0);
    if (Object.keys(row?.metrics ?? {}).length !== 7 || !reported) {
      throw new Error(`whole run: the ${job} run left row ${JSON.stringify(row)} and ${discord.messages.length} Discord messages`);
    }
    return run.ms;
  } finally {
    await Promise.all([notion.close(), discord.close()]);
  }
}

/** `kpi-collector run` as a process against the demo site and the fakes: the daily and the weekly-report job. */
export async function benchWholeRun(): Promise<Figure[]> {
  const site = await startDemoSite(dateInTimeZone(new Date(), "UTC"));
  const dir = await mkdtemp(join(tmpdir(), "kpi-bench-"));
  try {
    const times = async (job: Job) => {
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await timeRun(site.url, job, dir));
      return runs;
    };
    const daily = await times("daily");
    const weekly = await times("weekly-report");
    return [
      {
        bench: "whole run",
        name: `CLI run --job daily: 4 demo sources → notion + discord (median of ${RUNS})`,
        value: round(median(daily)),
        unit: "ms",
        detail: { runsMs: daily.map((r) => round(r)) },
      },
      {
        bench: "whole run",
        name: `CLI run --job weekly-report (median of ${RUNS})`,
        value: round(median(weekly)),
        unit: "ms",
        detail: { runsMs: weekly.map((r) => round(r)) },
      },
    ];
  } finally {
    await Promise.all([site.close(), rm(dir, { recursive: true, force: true })]);
  }
}
