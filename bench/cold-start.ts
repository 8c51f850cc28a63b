import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chunkOf, readBundleMeta } from "../test/helpers/bundle-graph.js";
import { startServer } from "../test/helpers/server.js";
import { median, round, type Figure } from "./figures.js";
import { pairedRuns } from "./paired.js";
import { ROOT, builtPath } from "./paths.js";
import { failureText, runNode } from "./run-node.js";

const RUNS = 8;
const BUNDLE = join(ROOT, "dist/bundle");

/** What the function imports at its first event (function/load-pipeline.ts and the destination registry). */
const FIRST_EVENT = ["src/config/load.ts", "src/build.ts", "src/destinations/notion/index.ts", "src/destinations/discord/destination.ts"];

/** In one process: the entry, then the first event's chunks, timed separately; cheerio comes with the first html source. */
function firstEventScript(entry: string, firstEvent: string[], cheerio: string): string {
  return `
const t0 = performance.now();
await import(${JSON.stringify(entry)});
const t1 = performance.now();
for (const m of ${JSON.stringify(firstEvent)}) await import(m);
const t2 = performance.now();
await import(${JSON.stringify(cheerio)});
const t3 = performance.now();
console.log(JSON.stringify({ entry: t1 - t0, firstEvent: t2 - t1, cheerio: t3 - t2 }));
`;
}

const CONFIG = (url: string) => `sources:
  - name: page
    type: html
    url: ${url}/
    metrics:
      SIGNUPS: { selector: ".signups" }
`;

/**
 * Cold start, as paired runs against `node -e 0`: `kpi-collector run --dry-run` with one html source
 * that answers at once (the bundle and, for comparison, tsc's output), and the function's entry import;
 * then, in one process, the imports of the function's first event.
 */
export async function benchColdStart(): Promise<Figure[]> {
  const meta = readBundleMeta(BUNDLE);
  const site = await startServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end('<p class="signups">1,234</p>');
  });
  const dir = await mkdtemp(join(tmpdir(), "kpi-cold-"));
  try {
    const config = join(dir, "kpi.config.yaml");
    await writeFile(config, CONFIG(site.url));
    const bare = ["-e", "0"];
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const check = (output: string) => {
      if (!/SIGNUPS +1,234/.test(output)) throw new Error(`cold start: the dry run did not print SIGNUPS 1,234:\n${output.slice(-2000)}`);
    };
    const dryRun = (bin: string) => [bin, "run", "--dry-run", "--config", config];
    const cli = await pairedRuns(RUNS, dryRun(join(BUNDLE, "kpi-collector.js")), bare, { cwd: dir, env, check });
    const cliTsc = await pairedRuns(RUNS, dryRun(builtPath("cli/bin.js")), bare, { cwd: dir, env, check });
    const importArgs = (file: string) => ["--input-type=module", "-e", `await import(${JSON.stringify(pathToFileURL(file).href)})`];
    const entry = await pairedRuns(RUNS, importArgs(join(BUNDLE, "function.js")), bare, { cwd: ROOT, env });

    const url = (out: string) => pathToFileURL(join(ROOT, out)).href;
    const script = firstEventScript(
      url(chunkOf(meta, "src/function/entry.ts")),
      FIRST_EVENT.map((source) => url(chunkOf(meta, source))),
      url(chunkOf(meta, "node_modules/cheerio/dist/esm/slim.js")),
    );
    const inProcess: { entry: number; firstEvent: number; cheerio: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await runNode(["--input-type=module", "-e", script], { cwd: ROOT, timeoutMs: 60_000 });
      if (run.code !== 0) throw new Error(`cold start: the first-event imports failed: ${failureText(run)}`);
      inProcess.push(JSON.parse(run.stdout.trim()) as (typeof inProcess)[number]);
    }
    const of = (key: keyof (typeof inProcess)[number]) => round(median(inProcess.map((r) => r[key])));
    const pairs = (p: typeof cli) => ({ medianRatio: p.medianRatio, medianCpuDiffMs: p.medianCpuDiffMs, aMs: p.aMs, bareMs: p.bMs });
    return [
      { bench: "cold start", name: `node -e 0 (median of ${RUNS}, paired with the CLI's bundle)`, value: round(median(cli.bMs)), unit: "ms" },
      {
        bench: "cold start",
        name: `kpi-collector run --dry-run, one html source, bundle: over bare Node (median of ${RUNS} pairs; ratio ${cli.medianRatio}×)`,
        value: cli.medianDiffMs,
        unit: "ms",
        target: { max: 200, text: "≤ +200 ms" },
        detail: pairs(cli),
      },
      { bench: "cold start", name: "the same run: CPU time (user + system) over bare Node's, median of the pairs", value: cli.medianCpuDiffMs, unit: "ms" },
      {
        bench: "cold start",
        name: `the same run from tsc's output (dist/src), for comparison (ratio ${cliTsc.medianRatio}×; CPU +${cliTsc.medianCpuDiffMs} ms)`,
        value: cliTsc.medianDiffMs,
        unit: "ms",
        detail: pairs(cliTsc),
      },
      {
        bench: "cold start",
        name: `function: import the entry dist/bundle/function.js, over bare Node (median of ${RUNS} pairs; ratio ${entry.medianRatio}×)`,
        value: entry.medianDiffMs,
        unit: "ms",
        target: { max: 40, text: "≤ 40 ms" },
        detail: pairs(entry),
      },
      {
        bench: "cold start",
        name: `function: the first event's imports (config, pipeline, Notion, Discord), after the entry (median of ${RUNS})`,
        value: of("firstEvent"),
        unit: "ms",
        target: { max: 120, text: "≤ 120 ms" },
        detail: { modules: FIRST_EVENT, runsMs: inProcess.map((r) => round(r.firstEvent)) },
      },
      { bench: "cold start", name: "first html source: cheerio/slim's chunk", value: of("cheerio"), unit: "ms" },
    ];
  } finally {
    await Promise.all([site.close(), rm(dir, { recursive: true, force: true })]);
  }
}
