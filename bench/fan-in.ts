import { buildPipeline } from "../src/build.js";
import { sleep } from "../src/sleep.js";
import { loadConfig } from "../src/config/load.js";
import { silentLogger } from "../src/log/logger.js";
import { sendJson, startServer } from "../test/helpers/server.js";
import { median, round, timed, type Figure } from "./figures.js";

const SOURCES = 50;
const DELAY_MS = 200;
const DEFAULT_CONCURRENCY = 8;
const REPEATS = 3;

/** `count` json sources, one metric each, with `concurrency` unless undefined (the default). */
function fanInConfig(url: string, count: number, concurrency?: number): string {
  const sources = Array.from(
    { length: count },
    (_, i) => `  - name: s${i}\n    type: json\n    url: ${url}/s/${i}\n    metrics:\n      M${i}: { path: value }`,
  ).join("\n");
  return `${concurrency === undefined ? "" : `concurrency: ${concurrency}\n`}sources:\n${sources}\ndestinations:\n  - type: console\n`;
}

async function collectionMs(url: string, concurrency?: number): Promise<number> {
  const pipeline = await buildPipeline(loadConfig(fanInConfig(url, SOURCES, concurrency), {}), { logger: silentLogger() });
  const { ms, value: snapshot } = await timed(() => pipeline.collect("daily"));
  if (snapshot.failures.length || Object.keys(snapshot.metrics).length !== SOURCES) {
    throw new Error(`fan-in: ${snapshot.failures.length} sources failed: ${JSON.stringify(snapshot.failures.slice(0, 3))}`);
  }
  return ms;
}

/** 50 sources against a server that answers each request after 200 ms, with the default concurrency and with 1. */
export async function benchFanIn(): Promise<Figure[]> {
  const server = await startServer(async (_req, res) => {
    await sleep(DELAY_MS);
    sendJson(res, 200, { value: 1 });
  });
  try {
    // Warm-up: the first run pays for the lazy imports of got and the source modules.
    await collectionMs(server.url);
    const runs: number[] = [];
    for (let i = 0; i < REPEATS; i++) runs.push(await collectionMs(server.url));
    const wall = median(runs);
    const serial = await collectionMs(server.url, 1);
    const ideal = Math.ceil(SOURCES / DEFAULT_CONCURRENCY) * DELAY_MS;
    const detail = {
      sources: SOURCES,
      delayMs: DELAY_MS,
      concurrency: DEFAULT_CONCURRENCY,
      runsMs: runs.map((r) => round(r)),
      requests: server.requests.length,
    };
    return [
      {
        bench: "fan-in",
        name: `collection wall time, ${SOURCES} sources × ${DELAY_MS} ms, concurrency ${DEFAULT_CONCURRENCY} (median of ${REPEATS})`,
        value: round(wall),
        unit: "ms",
        detail,
      },
      { bench: "fan-in", name: `ideal ceil(${SOURCES}/${DEFAULT_CONCURRENCY}) × ${DELAY_MS} ms`, value: ideal, unit: "ms" },
      { bench: "fan-in", name: "wall time / ideal", value: round(wall / ideal, 3), unit: "×", target: { max: 1.15, text: "≤ 1.15×" } },
      { bench: "fan-in", name: "collection wall time, concurrency 1", value: round(serial), unit: "ms" },
      { bench: "fan-in", name: `speed-up of concurrency ${DEFAULT_CONCURRENCY} over 1`, value: round(serial / wall, 2), unit: "×" },
    ];
  } finally {
    await server.close();
  }
}
