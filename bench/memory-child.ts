import { buildPipeline } from "../src/build.js";
import { loadConfig } from "../src/config/load.js";
import { silentLogger } from "../src/log/logger.js";

/**
 * Run by memory.ts in a child process, so only the collector's memory counts:
 * `count` html sources on `url`/page/N through loadConfig and buildPipeline, one daily run.
 * Prints one JSON line with the peak RSS.
 */
export interface MemoryReport {
  /** process.resourceUsage().maxRSS: the kernel's high-water mark, in bytes. */
  maxRssBytes: number;
  /** The largest of the RSS samples taken every 5 ms. */
  sampledPeakRssBytes: number;
  peakHeapUsedBytes: number;
  /** The V8 heap's committed size and the memory outside it (Buffers), at the largest RSS sample. */
  heapTotalAtPeakBytes: number;
  externalAtPeakBytes: number;
  /** RSS with the modules loaded, before the run. */
  baselineRssBytes: number;
  metrics: number;
  failures: string[];
  ms: number;
}

function htmlConfig(url: string, count: number): string {
  const sources = Array.from({ length: count }, (_, i) =>
    `  - name: page${i}\n    type: html\n    url: ${url}/page/${i}\n    metrics:\n      ROWS_${i}: { selector: "tr.row", extract: count }\n      TOTAL_${i}: { selector: "#total" }`).join("\n");
  return `sources:\n${sources}\ndestinations:\n  - type: console\n`;
}

async function main(url: string, count: number): Promise<MemoryReport> {
  const baselineRssBytes = process.memoryUsage.rss();
  let sampledPeakRssBytes = baselineRssBytes;
  let peakHeapUsedBytes = 0;
  let atPeak = { heapTotal: 0, external: 0 };
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss > sampledPeakRssBytes) atPeak = usage;
    sampledPeakRssBytes = Math.max(sampledPeakRssBytes, usage.rss);
    peakHeapUsedBytes = Math.max(peakHeapUsedBytes, usage.heapUsed);
  }, 5);
  const started = performance.now();
  try {
    const pipeline = await buildPipeline(loadConfig(htmlConfig(url, count), {}), { logger: silentLogger(), write: () => {} });
    const result = await pipeline.process("daily");
    return {
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      sampledPeakRssBytes,
      peakHeapUsedBytes,
      heapTotalAtPeakBytes: atPeak.heapTotal,
      externalAtPeakBytes: atPeak.external,
      baselineRssBytes,
      metrics: Object.keys(result.snapshot.metrics).length,
      failures: result.snapshot.failures.map((f) => `${f.source}: ${f.error}`),
      ms: performance.now() - started,
    };
  } finally {
    clearInterval(sampler);
  }
}

const [url, count] = process.argv.slice(2);
if (!url || !count) throw new Error("usage: memory-child.js URL COUNT");
process.stdout.write(`${JSON.stringify(await main(url, Number(count)))}\n`);
