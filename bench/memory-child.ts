import type { AddressInfo } from "node:net";
import { REPORT_PREFIX, type MemoryReport, type MemorySample } from "./memory-report.js";
import { builtUrl } from "./paths.js";

function sample(ms: number): MemorySample {
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { ms, rss, heapTotal, heapUsed, external, arrayBuffers };
}

/** An Eventarc delivery of a Pub/Sub message: a binary-mode CloudEvent. */
function postEvent(base: string, job: string): Promise<Response> {
  const id = `bench-${Date.now()}`;
  const time = new Date().toISOString();
  return fetch(base, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "ce-specversion": "1.0",
      "ce-type": "google.cloud.pubsub.topic.v1.messagePublished",
      "ce-source": "//pubsub.googleapis.com/projects/kpi/topics/kpi-collector-runs",
      "ce-id": id,
      "ce-time": time,
    },
    body: JSON.stringify({
      subscription: "projects/kpi/subscriptions/eventarc-kpi-collector",
      message: { data: Buffer.from(JSON.stringify({ job })).toString("base64"), attributes: {}, messageId: id, publishTime: time },
    }),
  });
}

/**
 * Run by memory.ts in a child process, as the deployed function runs: it imports the built entry
 * dist/src/function/entry.js (the Functions Framework, express and the handler), serves it with the
 * framework's own server and posts one Pub/Sub CloudEvent, as Eventarc does. The handler then loads
 * the config file named by KPI_CONFIG and runs the job. Only src modules built by `npm run build`
 * load, never the benchmark's own copy. Prints the handler's JSON log lines, then one
 * `MEMORY_REPORT {...}` line.
 */
async function main(): Promise<MemoryReport> {
  const startRssBytes = process.memoryUsage.rss();
  await import(builtUrl("function/entry.js"));
  // After the entry, which loads the same framework module and registers the function in it.
  const { getTestServer } = await import("@google-cloud/functions-framework/testing");
  const server = getTestServer("kpiCollector");
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baselineRssBytes = process.memoryUsage.rss();
  const started = performance.now();
  const seconds = new Map<number, MemorySample>();
  let atPeak = sample(0);
  const maxima = { ...atPeak };
  const take = () => {
    const s = sample(Math.round(performance.now() - started));
    if (s.rss > atPeak.rss) atPeak = s;
    for (const key of ["rss", "heapTotal", "heapUsed", "external", "arrayBuffers"] as const) maxima[key] = Math.max(maxima[key], s[key]);
    const second = Math.floor(s.ms / 1000);
    if (s.rss > (seconds.get(second)?.rss ?? 0)) seconds.set(second, s);
  };
  const sampler = setInterval(take, 5);
  try {
    const response = await postEvent(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, process.env.KPI_BENCH_JOB ?? "daily");
    await response.text();
    take();
    const { ms: _ms, ...max } = maxima;
    return {
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      atPeak,
      maxima: max,
      startRssBytes,
      baselineRssBytes,
      timeline: [...seconds.values()],
      status: response.status,
      ms: performance.now() - started,
    };
  } finally {
    clearInterval(sampler);
    server.closeAllConnections();
    server.close();
  }
}

process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(await main())}\n`);
