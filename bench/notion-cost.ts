import { buildPipeline } from "../src/build.js";
import { loadConfig } from "../src/config/load.js";
import { addDays, dateInTimeZone } from "../src/dates.js";
import { silentLogger } from "../src/log/logger.js";
import type { Job } from "../src/types.js";
import { startFakeDiscord, type FakeDiscord } from "../test/fakes/discord-server.js";
import { startFakeNotion, type FakeNotion } from "../test/fakes/notion-server.js";
import { sendJson, startServer, type TestServer } from "../test/helpers/server.js";
import type { Figure } from "./figures.js";
import { fakeDestinationsYaml } from "../test/fakes/config.js";

const HISTORY_SIZES = [10, 1_000, 3_000];
/** A weekly run also claims its report before posting: one write more than the mark after it. */
const BUDGET: Record<Job, number> = { daily: 4, "weekly-report": 7 };

/** The notion + discord config of a deployment, pointed at the fakes. */
export function fakesConfig(sources: string, notion: FakeNotion): string {
  return `timezone: UTC
northStar: MRR
sources:
${sources}
${fakeDestinationsYaml(notion)}`;
}

/** The columns `kpi-collector notion init` leaves, so no run pays for a schema change. */
export function prepareDatabase(notion: FakeNotion, days: number, today: string, metrics: (index: number, date: string) => Record<string, number>): void {
  notion.addColumn("Alerted", "rich_text");
  notion.addColumn("Reported to", "rich_text");
  notion.seedDays(days, { end: addDays(today, -1), metrics });
}

async function costOfRun(site: TestServer, days: number, job: Job): Promise<{ notion: FakeNotion; discord: FakeDiscord }> {
  const today = dateInTimeZone(new Date(), "UTC");
  const notion = await startFakeNotion();
  const discord = await startFakeDiscord();
  try {
    prepareDatabase(notion, days, today, (i) => ({ MRR: 1000 + i, USERS: 100 + i }));
    const sources = `  - name: app\n    type: json\n    url: ${site.url}/stats\n    metrics:\n      MRR: { path: mrr }\n      USERS: { path: users }`;
    const config = loadConfig(fakesConfig(sources, notion), { NOTION_TOKEN: notion.token, DISCORD_WEBHOOK_URL: discord.webhookUrl });
    const pipeline = await buildPipeline(config, { logger: silentLogger() });
    const result = await pipeline.process(job, { date: today });
    if (!result.ok || result.snapshot.failures.length) throw new Error(`notion cost: the ${job} run failed: ${JSON.stringify(result.destinations)}`);
    const row = notion.rows().find((r) => r.date === today);
    if (row?.metrics.MRR !== 5000) throw new Error(`notion cost: today's row was not written by the ${job} run`);
    if (job === "weekly-report" && (!row.reportedTo.includes("discord") || discord.messages.length === 0))
      throw new Error("notion cost: the weekly report was not sent and recorded");
    return { notion, discord };
  } finally {
    await notion.close();
    await discord.close();
  }
}

/** Notion requests of one daily and one weekly run (each a fresh process's pipeline), against 10 to 3,000 rows of history. */
export async function benchNotionCost(): Promise<Figure[]> {
  const site = await startServer((_req, res) => sendJson(res, 200, { mrr: 5000, users: 321 }));
  const figures: Figure[] = [];
  try {
    for (const job of ["daily", "weekly-report"] as const) {
      for (const days of HISTORY_SIZES) {
        const { notion, discord } = await costOfRun(site, days, job);
        const name = `${job} run, ${days.toLocaleString("en-US")} rows of history`;
        figures.push(
          {
            bench: "notion",
            name: `${name}: Notion requests`,
            value: notion.requestCount,
            unit: "requests",
            target: { max: BUDGET[job], text: `≤ ${BUDGET[job]}` },
            detail: notion.counts(),
          },
          { bench: "notion", name: `${name}: Discord requests`, value: discord.requests.length, unit: "requests" },
        );
      }
    }
    return figures;
  } finally {
    await site.close();
  }
}
