import { buildPipeline } from "../src/build.js";
import { loadConfig } from "../src/config/load.js";
import { addDays, dateInTimeZone } from "../src/dates.js";
import { evaluateDerived } from "../src/derived/evaluate.js";
import { compileDerived, type DerivedDefinition } from "../src/derived/program.js";
import { silentLogger } from "../src/log/logger.js";
import type { Metrics } from "../src/types.js";
import { derivedSourcesYaml, prepareDerivedDatabase, TEN_DERIVED_NAMES, TODAY_VALUES } from "../test/fakes/derived-config.js";
import { startFakeNotion } from "../test/fakes/notion-server.js";
import { sendJson, startServer, type TestServer } from "../test/helpers/server.js";
import { median, round, type Figure } from "./figures.js";

const HISTORY_SIZES = [10, 1_000, 3_000];
/** Today's daily run costs 4 (bench/notion-cost.ts); derived metrics may add the one history read. */
const DAILY_BUDGET = 5;
const EVAL_METRICS = 100;
const EVAL_DAYS = 90;
const EVAL_TARGET_MS = 20;
const EVAL_REPEATS = 25;

/** Notion requests of a daily run with ten derived metrics (windows up to 90 days), Notion as the only destination. */
async function dailyCost(site: TestServer, days: number): Promise<{ requests: number; counts: Record<string, number>; missing: number }> {
  const today = dateInTimeZone(new Date(), "UTC");
  const notion = await startFakeNotion();
  try {
    prepareDerivedDatabase(notion, days, today);
    const yaml = `${derivedSourcesYaml(`${site.url}/stats`)}destinations:\n  - type: notion\n    token: \${NOTION_TOKEN}\n    database: ${notion.databaseId}\n    baseUrl: ${notion.url}\n`;
    const pipeline = await buildPipeline(loadConfig(yaml, { NOTION_TOKEN: notion.token }), { logger: silentLogger(), customSources: [] });
    const result = await pipeline.process("daily", { date: today });
    if (!result.ok) throw new Error(`derived cost: the daily run failed: ${JSON.stringify(result.destinations)}`);
    const row = notion.rows().find((r) => r.date === today);
    if (row?.metrics.MRR !== TODAY_VALUES.MRR) throw new Error("derived cost: today's row was not written");
    if (days >= 91 && (result.snapshot.failures.length || TEN_DERIVED_NAMES.some((n) => row.metrics[n] === undefined))) {
      throw new Error(`derived cost: derived metrics missing with ${days} rows: ${JSON.stringify(result.snapshot.failures)}`);
    }
    return { requests: notion.requestCount, counts: notion.counts(), missing: result.snapshot.failures.length };
  } finally {
    await notion.close();
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
  const definitions = Object.fromEntries(Array.from({ length: EVAL_METRICS }, (_, i) => [`D${i}`, { expr: (kinds[i % kinds.length] as (i: number) => string)(i) }]));
  return { definitions, days };
}

/** The daily run's Notion requests at 10 to 3,000 rows, and the time to evaluate 100 derived metrics over 90 days. */
export async function benchDerived(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const site = await startServer((_req, res) => sendJson(res, 200, TODAY_VALUES));
  try {
    for (const days of HISTORY_SIZES) {
      const cost = await dailyCost(site, days);
      figures.push({
        bench: "derived",
        name: `daily run, 10 derived metrics (windows up to 90 days), ${days.toLocaleString("en-US")} rows of history: Notion requests`,
        value: cost.requests,
        unit: "requests",
        target: { max: DAILY_BUDGET, text: `≤ ${DAILY_BUDGET}` },
        detail: { ...cost.counts, derivedMissingForShortHistory: cost.missing },
      });
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
    if (outcome.missing.length || Object.keys(outcome.values).length !== EVAL_METRICS) throw new Error(`derived eval: ${outcome.missing.length} missing: ${JSON.stringify(outcome.missing.slice(0, 3))}`);
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
