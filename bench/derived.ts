import { buildPipeline } from "../src/build.js";
import { loadConfig } from "../src/config/load.js";
import { addDays, dateInTimeZone } from "../src/dates.js";
import { evaluateDerived } from "../src/derived/evaluate.js";
import { compileDerived, type DerivedDefinition } from "../src/derived/program.js";
import { silentLogger } from "../src/log/logger.js";
import type { Job, Metrics } from "../src/types.js";
import { startFakeDiscord } from "../test/fakes/discord-server.js";
import { derivedSourcesYaml, prepareDerivedDatabase, TEN_DERIVED_NAMES, TODAY_VALUES } from "../test/fakes/derived-config.js";
import { startFakeNotion } from "../test/fakes/notion-server.js";
import { sendJson, startServer, type TestServer } from "../test/helpers/server.js";
import { median, round, type Figure } from "./figures.js";

const HISTORY_SIZES = [10, 1_000, 3_000];
/** Runs cost 4 and 7 without derived metrics (bench/notion-cost.ts); the one history read may add 1 to a daily run, nothing to a weekly one. */
const BUDGET: Record<Job, number> = { daily: 5, "weekly-report": 7 };
const EVAL_METRICS = 100;
const EVAL_DAYS = 90;
const EVAL_TARGET_MS = 20;
const EVAL_REPEATS = 25;

/**
 * Notion requests of a run with ten derived metrics (windows up to 90 days). The daily run has Notion
 * as its only destination: with 10 rows the windows are short of days, and a Discord failure alert
 * would add its own mark of the alerted sources. The weekly run posts its report to a fake Discord.
 */
async function runCost(site: TestServer, days: number, job: Job): Promise<{ requests: number; counts: Record<string, number>; missing: number }> {
  const today = dateInTimeZone(new Date(), "UTC");
  const notion = await startFakeNotion();
  const discord = job === "weekly-report" ? await startFakeDiscord() : undefined;
  try {
    prepareDerivedDatabase(notion, days, today);
    const hook = discord ? `  - type: discord\n    webhookUrl: ${discord.webhookUrl}\n` : "";
    const yaml = `${derivedSourcesYaml(`${site.url}/stats`)}destinations:\n  - type: notion\n    token: \${NOTION_TOKEN}\n    database: ${notion.databaseId}\n    baseUrl: ${notion.url}\n${hook}`;
    const pipeline = await buildPipeline(loadConfig(yaml, { NOTION_TOKEN: notion.token }), { logger: silentLogger(), customSources: [] });
    const result = await pipeline.process(job, { date: today });
    if (!result.ok) throw new Error(`derived cost: the ${job} run failed: ${JSON.stringify(result.destinations)}`);
    if (discord && !discord.messages.length) throw new Error("derived cost: the weekly report was not posted");
    const row = notion.rows().find((r) => r.date === today);
    if (row?.metrics.MRR !== TODAY_VALUES.MRR) throw new Error("derived cost: today's row was not written");
    if (days >= 91 && (result.snapshot.failures.length || TEN_DERIVED_NAMES.some((n) => row.metrics[n] === undefined))) {
      throw new Error(`derived cost: derived metrics missing with ${days} rows: ${JSON.stringify(result.snapshot.failures)}`);
    }
    return { requests: notion.requestCount, counts: notion.counts(), missing: result.snapshot.failures.length };
  } finally {
    await notion.close();
    await discord?.close();
  }
}

/** 100 derived metrics of every kind over 10 source metrics, and the 90 days of history they read. */
function evaluationCase(today: string): { definitions: Record<string, DerivedDefinition>; days: Map<string, Metrics> } {
  const days = new Map<string, Metrics>();
  for (let back = EVAL_DAYS; back >= 0; back--) {
    days.set(addDays(today, -back), Object.fromEntries(Array.from({ length: 10 }, (_, m) => [`M${m}`, 1000 + m * 10 + back])));
  }
  const kinds = [
    (i: number) => `sum(M${i % 10}, 90)`,
    (i: number) => `avg(M${i % 10}, 28)`,
    (i: number) => `min(M${i % 10}, 90)`,
    (i: number) => `max(M${i % 10}, 7)`,
    (i: number) => `pct_change(M${i % 10}, 90)`,
    (i: number) => `change(M${i % 10}, 30)`,
    (i: number) => `M${i % 10} / M${(i + 1) % 10} * 100`,
    (i: number) => `round(avg(M${i % 10}, 90) / M${(i + 3) % 10}, 2)`,
    (i: number) => `D${i - 1} + ago(M${i % 10}, 60)`,
    (i: number) => `D${i - 8} - D${i - 2}`,
  ];
  const definitions = Object.fromEntries(
    Array.from({ length: EVAL_METRICS }, (_, i) => [`D${i}`, { expr: (kinds[i % kinds.length] as (i: number) => string)(i) }]),
  );
  return { definitions, days };
}

/** The daily run's Notion requests at 10 to 3,000 rows, and the time to evaluate 100 derived metrics over 90 days. */
export async function benchDerived(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const site = await startServer((_req, res) => sendJson(res, 200, TODAY_VALUES));
  try {
    for (const job of ["daily", "weekly-report"] as const) {
      for (const days of HISTORY_SIZES) {
        const cost = await runCost(site, days, job);
        figures.push({
          bench: "derived",
          name: `${job} run, 10 derived metrics (windows up to 90 days), ${days.toLocaleString("en-US")} rows of history: Notion requests`,
          value: cost.requests,
          unit: "requests",
          target: { max: BUDGET[job], text: `≤ ${BUDGET[job]}` },
          detail: { ...cost.counts, derivedMissingForShortHistory: cost.missing },
        });
      }
    }
  } finally {
    await site.close();
  }
  const today = dateInTimeZone(new Date(), "UTC");
  const { definitions, days } = evaluationCase(today);
  const program = compileDerived(definitions);
  const times: number[] = [];
  for (let i = 0; i < EVAL_REPEATS; i++) {
    const started = performance.now();
    const outcome = evaluateDerived(program, today, days);
    times.push(performance.now() - started);
    if (outcome.missing.length || Object.keys(outcome.values).length !== EVAL_METRICS)
      throw new Error(`derived eval: ${outcome.missing.length} missing: ${JSON.stringify(outcome.missing.slice(0, 3))}`);
  }
  figures.push({
    bench: "derived",
    name: `evaluate ${EVAL_METRICS} derived metrics over ${EVAL_DAYS} days (median of ${EVAL_REPEATS})`,
    value: round(median(times), 2),
    unit: "ms",
    target: { max: EVAL_TARGET_MS, text: `< ${EVAL_TARGET_MS} ms` },
    detail: { firstRunMs: round(times[0] ?? 0, 2), maxMs: round(Math.max(...times), 2), lookbackDays: program.lookbackDays },
  });
  return figures;
}
