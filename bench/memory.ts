import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sendHtml, startServer } from "../test/helpers/server.js";
import { functionNodeOptions } from "../test/helpers/terraform.js";
import { ROOT } from "./paths.js";
import { DEFAULT_MAX_PARSE_BYTES } from "../src/sources/option-checks.js";
import { PARSE_HEAP_MIB } from "../src/sources/parse-pool.js";
import { median, mib, round, type Figure } from "./figures.js";
import { REPORT_PREFIX, type MemoryReport } from "./memory-report.js";
import { failureText, runNode } from "./run-node.js";

const PAGES = 200;
const PAGE_BYTES = 1024 * 1024;
const LIMIT_MIB = 150;
/** The deployed flags may cost at most this much wall time over V8's defaults. */
const MAX_SLOWDOWN = 1.25;
/** The largest page parsed by default, at least. */
const MIN_PAGE_MIB = 5;
/**
 * The targets are judged on the median of this many runs of each, deployed and default flags
 * alternating: one run's peak varies by a few MiB with GC timing, and its time with the machine's load.
 */
const RUNS = 3;

/** A customer table of about 1 MiB with the total at the very end, so a selector walks it all. */
export function bigPage(bytes = PAGE_BYTES): string {
  const rows: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const row = `<tr class="row"><td class="name">Customer ${i}</td><td class="plan">Pro</td><td class="value">${((i * 37) % 10_000).toLocaleString("en-US")}</td></tr>\n`;
    rows.push(row);
    size += row.length;
  }
  return `<!doctype html><html><head><title>Customers</title></head><body><table>\n${rows.join("")}</table><p>Total: <span id="total">1,234,567</span></p></body></html>`;
}

/** `count` html sources on `url`/page/N, two metrics each, printed to the console destination. */
function htmlConfig(url: string, count: number, concurrency?: number): string {
  const sources = Array.from(
    { length: count },
    (_, i) =>
      `  - name: page${i}\n    type: html\n    url: ${url}/page/${i}\n    metrics:\n      ROWS_${i}: { selector: "tr.row", extract: count }\n      TOTAL_${i}: { selector: "#total" }`,
  ).join("\n");
  // A generous source limit: on a loaded machine a page can wait for the CPU longer than the default 30 s.
  return `sourceTimeoutMs: 180000\n${concurrency === undefined ? "" : `concurrency: ${concurrency}\n`}sources:\n${sources}\ndestinations:\n  - type: console\n`;
}

export interface ChildOptions {
  /** The child's NODE_OPTIONS; undefined runs it with none (V8's defaults). */
  nodeOptions: string | undefined;
  /** @default PAGES */
  pages?: number;
  /** The config's `concurrency`. @default the config's default */
  concurrency?: number;
}

/** The summary line the handler logs at the end of a run. */
type RunSummaryRecord = {
  metricsCollected: number;
  sourcesFailed: string[];
  destinationsFailed: string[];
};

/** Runs memory-child.js, the built function under the Functions Framework, on one daily event. */
export async function measureChild(url: string, options: ChildOptions): Promise<MemoryReport> {
  const pages = options.pages ?? PAGES;
  const dir = await mkdtemp(join(tmpdir(), "kpi-memory-"));
  try {
    const configPath = join(dir, "kpi.config.yaml");
    await writeFile(configPath, htmlConfig(url, pages, options.concurrency));
    const child = fileURLToPath(new URL("./memory-child.js", import.meta.url));
    const { NODE_OPTIONS: _inherited, ...env } = process.env;
    const childEnv = { ...env, KPI_CONFIG: configPath, ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}) };
    const run = await runNode([child], { env: childEnv, cwd: dir, timeoutMs: 300_000 });
    const what = options.nodeOptions ?? "default flags";
    if (run.code !== 0) throw new Error(`memory: the child (${what}) failed: ${failureText(run)}`);
    const lines = run.stdout.split("\n");
    const reportLine = lines.find((line) => line.startsWith(REPORT_PREFIX));
    if (!reportLine) throw new Error(`memory: the child (${what}) printed no report: ${failureText(run)}`);
    const report = JSON.parse(reportLine.slice(REPORT_PREFIX.length)) as MemoryReport;
    const summary = lines.map(jsonRecord).find((r): r is RunSummaryRecord => r !== undefined && "metricsCollected" in r);
    if (report.status >= 300 || !summary || summary.sourcesFailed.length || summary.destinationsFailed.length || summary.metricsCollected !== pages * 2) {
      const problems = lines.filter((line) => /"severity":"(WARNING|ERROR)"/.test(line)).slice(0, 5);
      throw new Error(`memory: the event (${what}) answered ${report.status}; run summary ${JSON.stringify(summary)}\n${problems.join("\n")}`);
    }
    return report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function jsonRecord(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Peak RSS of the built function (entry, Functions Framework, one CloudEvent) collecting 200 html
 * sources of 1 MiB each, with the function's NODE_OPTIONS (the target) and, for comparison, with
 * V8's default heap sizing.
 */
export async function benchMemory(): Promise<Figure[]> {
  const page = bigPage();
  const nodeOptions = await functionNodeOptions(ROOT);
  const server = await startServer((_req, res) => sendHtml(res, 200, page));
  try {
    const runs: MemoryReport[] = [];
    const plainRuns: MemoryReport[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await measureChild(server.url, { nodeOptions }));
      plainRuns.push(await measureChild(server.url, { nodeOptions: undefined }));
    }
    // The run whose peak is the median stands for all: its breakdown explains the figure judged.
    const byRss = (reports: MemoryReport[]) => [...reports].sort((a, b) => a.maxRssBytes - b.maxRssBytes)[Math.floor(RUNS / 2)] as MemoryReport;
    const deployed = byRss(runs);
    const plain = byRss(plainRuns);
    const deployedMs = median(runs.map((r) => r.ms));
    const plainMs = median(plainRuns.map((r) => r.ms));
    const detail = (report: MemoryReport) => ({
      pages: PAGES,
      pageBytes: Buffer.byteLength(page),
      runMs: round(report.ms),
      atPeakMiB: mibFields(report.atPeak),
      maximaMiB: mibFields(report.maxima),
      /** The largest RSS sample of each second: "second: rss heapTotal heapUsed external arrayBuffers" in MiB. */
      timelineMiB: report.timeline.map((t) => `${Math.floor(t.ms / 1000)}: ${Object.values(mibFields(t)).join(" ")}`),
    });
    return [
      {
        bench: "memory",
        name: `peak RSS, ${PAGES} html sources × 1 MiB, built entry under the Functions Framework (child's maxRSS, median of ${RUNS}, NODE_OPTIONS="${nodeOptions}" as deployed)`,
        value: mib(deployed.maxRssBytes),
        unit: "MiB",
        target: { max: LIMIT_MIB, text: `< ${LIMIT_MIB} MiB` },
        detail: { runsMiB: runs.map((r) => mib(r.maxRssBytes)), ...detail(deployed) },
      },
      {
        bench: "memory",
        name: "heapTotal at the peak RSS sample (sampled every 5 ms), as deployed",
        value: mib(deployed.atPeak.heapTotal),
        unit: "MiB",
        detail: { externalMiB: mib(deployed.atPeak.external), heapUsedMiB: mib(deployed.atPeak.heapUsed) },
      },
      {
        bench: "memory",
        name: "largest external (Buffers) of the run, as deployed",
        value: mib(deployed.maxima.external),
        unit: "MiB",
        detail: { arrayBuffersMiB: mib(deployed.maxima.arrayBuffers) },
      },
      {
        bench: "memory",
        name: "RSS of an idle instance: entry imported, server listening",
        value: mib(deployed.baselineRssBytes),
        unit: "MiB",
        detail: { bareNodeRssMiB: mib(deployed.startRssBytes) },
      },
      {
        bench: "memory",
        name: `collection of ${PAGES} pages, as deployed (median of ${RUNS})`,
        value: round(deployedMs),
        unit: "ms",
        detail: { runsMs: runs.map((r) => round(r.ms)) },
      },
      { bench: "memory", name: "peak RSS with V8's default flags (no NODE_OPTIONS)", value: mib(plain.maxRssBytes), unit: "MiB", detail: detail(plain) },
      { bench: "memory", name: "peak heap used with V8's default flags", value: mib(plain.maxima.heapUsed), unit: "MiB" },
      {
        bench: "memory",
        name: `collection of ${PAGES} pages, V8's default flags (median of ${RUNS})`,
        value: round(plainMs),
        unit: "ms",
        detail: { runsMs: plainRuns.map((r) => round(r.ms)) },
      },
      {
        bench: "memory",
        name: "wall time as deployed against V8's default flags",
        value: round(deployedMs / plainMs, 2),
        unit: "×",
        target: { max: MAX_SLOWDOWN, text: `≤ ${MAX_SLOWDOWN}×` },
      },
      {
        bench: "memory",
        name: `largest page an html source parses by default (DEFAULT_MAX_PARSE_BYTES; a parse worker's heap is ${PARSE_HEAP_MIB} MiB; test/terraform/heap-cap.test.ts parses dense pages of this size within the function's memory)`,
        value: mib(DEFAULT_MAX_PARSE_BYTES),
        unit: "MiB",
        target: { min: MIN_PAGE_MIB, text: `≥ ${MIN_PAGE_MIB} MiB` },
      },
    ];
  } finally {
    await server.close();
  }
}

function mibFields(s: MemoryReport["maxima"]): Record<"rss" | "heapTotal" | "heapUsed" | "external" | "arrayBuffers", number> {
  return { rss: mib(s.rss), heapTotal: mib(s.heapTotal), heapUsed: mib(s.heapUsed), external: mib(s.external), arrayBuffers: mib(s.arrayBuffers) };
}
