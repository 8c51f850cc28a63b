import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { addDays } from "../src/dates.js";
import { renderChartImage } from "../src/report/chart-image.js";
import type { MetricLine, WeeklyReport } from "../src/report/build-report.js";
import { startFakeDiscord } from "../test/fakes/discord-server.js";
import { sendJson, startServer } from "../test/helpers/server.js";
import { functionMemoryMib, functionNodeOptions } from "../test/helpers/terraform.js";
import { median, mib, round, timed, type Figure } from "./figures.js";
import { REPORT_PREFIX, type MemoryReport } from "./memory-report.js";
import { ROOT } from "./paths.js";
import { failureText, runNode } from "./run-node.js";

const TARGET_MS = 1500;
/** The weekly run's peak RSS must leave this share of the function's memory free. */
const MARGIN = 0.3;
const DATE = "2026-11-30";
const METRICS = Array.from({ length: 12 }, (_, i) => `METRIC_${i}`);

const line = (name: string, value: number): MetricLine => ({
  name,
  label: name,
  format: "number",
  lowerIsBetter: false,
  value,
  previous: value - 5,
  delta: 5,
  percent: 1,
  verdict: "better",
  weekly: [],
});

/**
 * The weekly run's chart: the time to draw it the first time (echarts and resvg loaded then, as
 * on a weekly run) and warm, and the peak RSS of a whole weekly run of the built function under
 * the Functions Framework with the Terraform file's NODE_OPTIONS, chart included.
 */
export async function benchChart(): Promise<Figure[]> {
  const rows = Array.from({ length: 84 }, (_, i) => ({
    date: addDays(DATE, i - 83),
    metrics: Object.fromEntries([...METRICS, "MRR"].map((m, j) => [m, 1000 + i * (j + 1)])),
  }));
  const report: WeeklyReport = {
    date: DATE,
    compareDays: 14,
    comparisonDate: addDays(DATE, -14),
    baseline: false,
    currency: "USD",
    metrics: METRICS.map((m) => line(m, 2000)),
    failures: [],
    northStar: line("MRR", 1500),
  };
  const first = await timed(() => renderChartImage(report, rows));
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push((await timed(() => renderChartImage(report, rows))).ms);
  const weekly = await weeklyRunRss();
  const memory = await functionMemoryMib(ROOT);
  const rssTarget = Math.floor(memory * (1 - MARGIN));
  return [
    {
      bench: "chart",
      name: "weekly run's chart, first render: echarts + resvg loaded, 84 days, North Star + 12 panels, PNG",
      value: round(first.ms),
      unit: "ms",
      target: { max: TARGET_MS, text: `≤ ${TARGET_MS} ms` },
      detail: { pngBytes: first.value.png.length },
    },
    {
      bench: "chart",
      name: "chart render, modules loaded (median of 5)",
      value: round(median(warm)),
      unit: "ms",
      detail: { runsMs: warm.map((ms) => round(ms)) },
    },
    {
      bench: "chart",
      name: `peak RSS of a weekly run with its chart, built entry under the Functions Framework (child's maxRSS, NODE_OPTIONS="${weekly.nodeOptions}" as deployed)`,
      value: mib(weekly.report.maxRssBytes),
      unit: "MiB",
      target: { max: rssTarget, text: `< ${rssTarget} MiB (${memory} MiB less ${MARGIN * 100}%)` },
      detail: { runMs: round(weekly.report.ms), discordMessages: weekly.messages },
    },
  ];
}

/** One weekly-report event to the built function: a JSON source, a CSV history of 84 days, the fake Discord. */
async function weeklyRunRss(): Promise<{ report: MemoryReport; nodeOptions: string; messages: number }> {
  const nodeOptions = await functionNodeOptions(ROOT);
  const api = await startServer((_req, res) => sendJson(res, 200, { users: 4200, mrr: 12_000 }));
  const discord = await startFakeDiscord();
  const dir = await mkdtemp(join(tmpdir(), "kpi-chart-bench-"));
  try {
    const today = new Date().toISOString().slice(0, 10);
    const history = ["date,USERS,MRR", ...Array.from({ length: 90 }, (_, i) => `${addDays(today, i - 90)},${4000 + i},${10_000 + i * 20}`)].join("\n");
    await writeFile(join(dir, "history.csv"), `${history}\n`);
    const config = `northStar: MRR\nsources:\n  - { name: api, type: json, url: "${api.url}/", metrics: { USERS: { path: users }, MRR: { path: mrr } } }\ndestinations:\n  - { type: file, path: "${join(dir, "history.csv")}" }\n  - { type: discord, webhookUrl: "${discord.webhookUrl}" }\n`;
    await writeFile(join(dir, "kpi.config.yaml"), config);
    const child = fileURLToPath(new URL("./memory-child.js", import.meta.url));
    const { NODE_OPTIONS: _inherited, ...env } = process.env;
    const run = await runNode([child], {
      env: { ...env, KPI_CONFIG: join(dir, "kpi.config.yaml"), KPI_BENCH_JOB: "weekly-report", NODE_OPTIONS: nodeOptions },
      cwd: dir,
      timeoutMs: 300_000,
    });
    const reportLine = run.stdout.split("\n").find((l) => l.startsWith(REPORT_PREFIX));
    if (run.code !== 0 || !reportLine) throw new Error(`chart: the weekly run failed: ${failureText(run)}`);
    const report = JSON.parse(reportLine.slice(REPORT_PREFIX.length)) as MemoryReport;
    const withChart = discord.messages.filter((m) => m.attachments.length).length;
    if (report.status >= 300 || withChart !== 1)
      throw new Error(`chart: the weekly run answered ${report.status} and posted ${withChart} chart(s): ${failureText(run)}`);
    return { report, nodeOptions, messages: discord.messages.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await discord.close();
    await api.close();
  }
}
