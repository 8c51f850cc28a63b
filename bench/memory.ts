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

/** The heap cap proposed for the 256 MiB function (NODE_OPTIONS), measured beside V8's defaults. */
const CAPPED = "--max-old-space-size=128";

async function measureChild(url: string, flags: string[]): Promise<MemoryReport> {
  const child = fileURLToPath(new URL("./memory-child.js", import.meta.url));
  const run = await runNode([...flags, child, url, String(PAGES)], { timeoutMs: 300_000 });
  if (run.code !== 0) throw new Error(`memory: the child (${flags.join(" ") || "default flags"}) failed: ${failureText(run)}`);
  const report = JSON.parse(run.stdout.trim()) as MemoryReport;
  if (report.failures.length || report.metrics !== PAGES * 2) {
    throw new Error(`memory: ${report.failures.length} sources failed, ${report.metrics} metrics: ${report.failures.slice(0, 3).join("; ")}`);
  }
  return report;
}

/** Peak RSS of a child process that collects 200 html sources of 1 MiB each, with V8's default heap sizing and with a cap. */
export async function benchMemory(): Promise<Figure[]> {
  const page = bigPage();
  const server = await startServer((_req, res) => sendHtml(res, 200, page));
  try {
    const plain = await measureChild(server.url, []);
    const capped = await measureChild(server.url, [CAPPED]);
    const detail = (report: MemoryReport) => ({ pages: PAGES, pageBytes: Buffer.byteLength(page), runMs: round(report.ms), sampledPeakRssMiB: mib(report.sampledPeakRssBytes) });
    return [
      { bench: "memory", name: `peak RSS, ${PAGES} html sources × 1 MiB (child's maxRSS, default V8 flags)`, value: mib(plain.maxRssBytes), unit: "MiB", target: { max: LIMIT_MIB, text: `< ${LIMIT_MIB} MiB` }, detail: detail(plain) },
      { bench: "memory", name: "peak heap used (sampled every 5 ms), default V8 flags", value: mib(plain.peakHeapUsedBytes), unit: "MiB" },
      { bench: "memory", name: "RSS with modules loaded, before the run", value: mib(plain.baselineRssBytes), unit: "MiB" },
      { bench: "memory", name: `collection of ${PAGES} pages, default V8 flags`, value: round(plain.ms), unit: "ms" },
      { bench: "memory", name: `peak RSS with ${CAPPED}`, value: mib(capped.maxRssBytes), unit: "MiB", detail: detail(capped) },
      { bench: "memory", name: `peak heap used with ${CAPPED}`, value: mib(capped.peakHeapUsedBytes), unit: "MiB" },
    ];
  } finally {
    await server.close();
  }
}
