import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { buildPipeline } from "../build.js";
import { loadConfig } from "../config/load.js";
import { addDays, dateInTimeZone } from "../dates.js";
import { CHART_HISTORY_DAYS, renderChartImage } from "../report/chart-image.js";
import { errorMessage } from "../errors.js";
import { createLogger, type LogRecord } from "../log/logger.js";
import { buildWeeklyReport } from "../report/build-report.js";
import { renderReportText } from "../destinations/discord/render-text.js";
import { DEMO_CONFIG } from "./config.js";
import { isMain } from "../is-main.js";
import { seedDemoHistory } from "./seed.js";
import { compileDerived } from "../derived/program.js";
import { DEMO_API_TOKEN, DEMO_PASSWORD, DEMO_USER, startDemoSite } from "./site.js";

export const DEMO_HISTORY = ".kpi/demo-history.csv";
/** Enough for every point of the report's eight-week sparklines (the oldest reads 55 days back). */
const SPARKLINE_DAYS = 63;

/**
 * `npm run demo`: the main job on the embedded default config, offline and without credentials,
 * against a demo site on 127.0.0.1, with a local history file.
 */
export async function runDemo(out: (text: string) => void = (t) => process.stdout.write(t), historyPath = DEMO_HISTORY): Promise<number> {
  const started = Date.now();
  const today = dateInTimeZone(new Date(), "UTC");
  const site = await startDemoSite(today);
  try {
    const env = { DEMO_SITE_URL: site.url, DEMO_API_TOKEN, DEMO_USER, DEMO_PASSWORD, DEMO_HISTORY: historyPath };
    const config = loadConfig(DEMO_CONFIG, env, "demo config");
    const warnings: LogRecord[] = [];
    const logger = createLogger({ secrets: config.secrets, sink: (r) => warnings.push(r), minSeverity: "WARNING" });
    const pipeline = await buildPipeline(config, { logger, write: out, customSources: [] });
    const history = pipeline.history;
    if (!history) throw new Error("the demo config has no history store");

    out(`kpi-collector demo: a demo site is serving on ${site.url}\n`);
    await rm(historyPath, { force: true });
    const derived = config.derived ? compileDerived(config.derived) : undefined;
    // The oldest sparkline point of a derived metric reads its own look-back further back.
    const seedDays = SPARKLINE_DAYS + (derived?.lookbackDays ?? 0);
    await seedDemoHistory(history, today, seedDays, derived);
    out(`Seeded ${historyPath} with ${seedDays} days of past rows.\n\n`);

    out(`1) The daily job: ${config.sources.length} sources (a blog page, an RSS feed, a JSON API behind a token, a dashboard behind a login form),\n`);
    out(
      `   then ${Object.keys(config.derived ?? {}).length} derived metrics computed from them and the history (a ratio, a 7-day average, week-on-week and 28-day changes)\n\n`,
    );
    const daily = await pipeline.process("daily", { date: today });

    out(`\n2) The weekly-report job: the same snapshot, compared with 14 days earlier. The Discord message would read:\n\n`);
    const weekly = await pipeline.process("weekly-report", { date: today });
    const report = await buildWeeklyReport(weekly.snapshot, history, pipeline.reportSettings);
    out(renderReportText(report).replace(/^/gm, "    ") + "\n");
    // The image the Discord message would carry, beside the history file (`.kpi/demo-report.png`).
    const chartPath = join(dirname(historyPath), "demo-report.png");
    try {
      const chart = await renderChartImage(report, await history.range(addDays(today, 1 - CHART_HISTORY_DAYS), today));
      await mkdir(dirname(chartPath), { recursive: true });
      await writeFile(chartPath, chart.png);
      out(`\n    The chart attached to it: ${chartPath}\n`);
    } catch (error) {
      out(`\nwarning: the chart could not be drawn: ${errorMessage(error)}\n`);
    }

    const failed = [...daily.destinations, ...weekly.destinations].filter((d) => !d.ok);
    for (const record of warnings) out(`${record.severity.toLowerCase()}: ${record.message}\n`);
    out(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. History: ${historyPath}\n`);
    out(`Next: edit the sources in kpi.config.yaml and see their numbers with "npx kpi-collector run --dry-run" (it writes nothing,\n`);
    out(`so it needs no Notion or Discord credentials); then export NOTION_TOKEN and DISCORD_WEBHOOK_URL and check everything\n`);
    out(`with "npx kpi-collector validate". The README has the rest.\n`);
    return failed.length || daily.snapshot.failures.length ? 1 : 0;
  } finally {
    await site.close();
  }
}

if (isMain(import.meta.url)) {
  process.exitCode = await runDemo();
}
