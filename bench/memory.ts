import { fileURLToPath } from "node:url";
import { sendHtml, startServer } from "../test/helpers/server.js";
import { mib, round, type Figure } from "./figures.js";
import type { MemoryReport } from "./memory-child.js";
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

/** Peak RSS of a child process that collects 200 html sources of 1 MiB each. */
export async function benchMemory(): Promise<Figure[]> {
  const page = bigPage();
  const server = await startServer((_req, res) => sendHtml(res, 200, page));
  try {
    const child = fileURLToPath(new URL("./memory-child.js", import.meta.url));
    const run = await runNode([child, server.url, String(PAGES)], { timeoutMs: 300_000 });
    if (run.code !== 0) throw new Error(`memory: the child failed: ${failureText(run)}`);
    const report = JSON.parse(run.stdout.trim()) as MemoryReport;
    if (report.failures.length || report.metrics !== PAGES * 2) {
      throw new Error(`memory: ${report.failures.length} sources failed, ${report.metrics} metrics: ${report.failures.slice(0, 3).join("; ")}`);
    }
    const detail = { pages: PAGES, pageBytes: Buffer.byteLength(page), requests: server.requests.length, runMs: round(report.ms) };
    return [
      { bench: "memory", name: `peak RSS, ${PAGES} html sources × 1 MiB (maxRSS of the child)`, value: mib(report.maxRssBytes), unit: "MiB", target: { max: LIMIT_MIB, text: `< ${LIMIT_MIB} MiB` }, detail },
      { bench: "memory", name: "peak RSS sampled every 5 ms", value: mib(report.sampledPeakRssBytes), unit: "MiB" },
      { bench: "memory", name: "peak heap used sampled every 5 ms", value: mib(report.peakHeapUsedBytes), unit: "MiB" },
      { bench: "memory", name: "RSS with modules loaded, before the run", value: mib(report.baselineRssBytes), unit: "MiB" },
      { bench: "memory", name: `collection of ${PAGES} pages`, value: round(report.ms), unit: "ms" },
    ];
  } finally {
    await server.close();
  }
}
