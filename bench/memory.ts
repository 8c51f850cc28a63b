import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertFiles } from "@cdktf/hcl2json";
import { sendHtml, startServer } from "../test/helpers/server.js";
import { mib, round, type Figure } from "./figures.js";
import type { MemoryReport } from "./memory-child.js";
import { ROOT } from "./paths.js";
import { failureText, runNode } from "./run-node.js";

const PAGES = 200;
const PAGE_BYTES = 1024 * 1024;
const LIMIT_MIB = 150;

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

/**
 * The function's NODE_OPTIONS, read from terraform/function.tf, so the child runs with exactly
 * the flags the deployed function gets and the two can't drift apart.
 */
export async function functionNodeOptions(): Promise<string> {
  const tf = (await convertFiles(join(ROOT, "terraform"))) as { resource?: Record<string, Record<string, { service_config?: { environment_variables?: Record<string, unknown> }[] }[]>> };
  const value = tf.resource?.google_cloudfunctions2_function?.collector?.[0]?.service_config?.[0]?.environment_variables?.NODE_OPTIONS;
  if (typeof value !== "string" || value === "") throw new Error("memory: terraform/function.tf sets no NODE_OPTIONS in service_config.environment_variables");
  return value;
}

/** Runs the child with `nodeOptions` as its NODE_OPTIONS, or with none at all (V8's defaults). */
async function measureChild(url: string, nodeOptions: string | undefined): Promise<MemoryReport> {
  const child = fileURLToPath(new URL("./memory-child.js", import.meta.url));
  const { NODE_OPTIONS: _inherited, ...env } = process.env;
  const run = await runNode([child, url, String(PAGES)], { env: nodeOptions ? { ...env, NODE_OPTIONS: nodeOptions } : env, timeoutMs: 300_000 });
  if (run.code !== 0) throw new Error(`memory: the child (${nodeOptions ?? "default flags"}) failed: ${failureText(run)}`);
  const report = JSON.parse(run.stdout.trim()) as MemoryReport;
  if (report.failures.length || report.metrics !== PAGES * 2) {
    throw new Error(`memory: ${report.failures.length} sources failed, ${report.metrics} metrics: ${report.failures.slice(0, 3).join("; ")}`);
  }
  return report;
}

/**
 * Peak RSS of a child process that collects 200 html sources of 1 MiB each, with the function's
 * NODE_OPTIONS (the target) and, for comparison, with V8's default heap sizing.
 */
export async function benchMemory(): Promise<Figure[]> {
  const page = bigPage();
  const nodeOptions = await functionNodeOptions();
  const server = await startServer((_req, res) => sendHtml(res, 200, page));
  try {
    const deployed = await measureChild(server.url, nodeOptions);
    const plain = await measureChild(server.url, undefined);
    const detail = (report: MemoryReport) => ({
      pages: PAGES,
      pageBytes: Buffer.byteLength(page),
      runMs: round(report.ms),
      sampledPeakRssMiB: mib(report.sampledPeakRssBytes),
      heapTotalAtPeakMiB: mib(report.heapTotalAtPeakBytes),
      externalAtPeakMiB: mib(report.externalAtPeakBytes),
    });
    return [
      { bench: "memory", name: `peak RSS, ${PAGES} html sources × 1 MiB (child's maxRSS, NODE_OPTIONS="${nodeOptions}" as deployed)`, value: mib(deployed.maxRssBytes), unit: "MiB", target: { max: LIMIT_MIB, text: `< ${LIMIT_MIB} MiB` }, detail: detail(deployed) },
      { bench: "memory", name: "peak heap used (sampled every 5 ms), as deployed", value: mib(deployed.peakHeapUsedBytes), unit: "MiB" },
      { bench: "memory", name: "RSS with modules loaded, before the run", value: mib(deployed.baselineRssBytes), unit: "MiB" },
      { bench: "memory", name: `collection of ${PAGES} pages, as deployed`, value: round(deployed.ms), unit: "ms" },
      { bench: "memory", name: "peak RSS with V8's default flags (no NODE_OPTIONS)", value: mib(plain.maxRssBytes), unit: "MiB", detail: detail(plain) },
      { bench: "memory", name: "peak heap used with V8's default flags", value: mib(plain.peakHeapUsedBytes), unit: "MiB" },
      { bench: "memory", name: `collection of ${PAGES} pages, V8's default flags`, value: round(plain.ms), unit: "ms" },
    ];
  } finally {
    await server.close();
  }
}
