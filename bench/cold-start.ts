import { median, round, type Figure } from "./figures.js";
import { ROOT, builtUrl } from "./paths.js";
import { failureText, runNode } from "./run-node.js";

const RUNS = 10;

/** What the entry imports lazily at the first event (function/load-pipeline.ts and the registry). */
const FIRST_EVENT = ["config/load.js", "build.js", "destinations/notion/index.js", "destinations/discord/destination.js"].map(builtUrl);

/** In one process: the entry, then the first event's modules, timed separately; cheerio comes with the first html source. */
const FIRST_EVENT_SCRIPT = `
const t0 = performance.now();
await import(${JSON.stringify(builtUrl("function/entry.js"))});
const t1 = performance.now();
for (const m of ${JSON.stringify(FIRST_EVENT)}) await import(m);
const t2 = performance.now();
await import("cheerio/slim");
const t3 = performance.now();
console.log(JSON.stringify({ entry: t1 - t0, firstEvent: t2 - t1, cheerio: t3 - t2 }));
`;

async function wallMs(args: string[]): Promise<number> {
  const run = await runNode(args, { cwd: ROOT, timeoutMs: 60_000 });
  if (run.code !== 0) throw new Error(`cold start: node ${args.join(" ")} failed: ${failureText(run)}`);
  return run.ms;
}

/** Median process wall times of importing the built entry and of bare Node, then the first event's imports. */
export async function benchColdStart(): Promise<Figure[]> {
  const importArgs = ["--input-type=module", "-e", `await import(${JSON.stringify(builtUrl("function/entry.js"))})`];
  const entry: number[] = [];
  const bare: number[] = [];
  // Interleaved, so a burst of load on the machine hits both alike.
  for (let i = 0; i < RUNS; i++) {
    entry.push(await wallMs(importArgs));
    bare.push(await wallMs(["-e", "0"]));
  }
  const inProcess: { entry: number; firstEvent: number; cheerio: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await runNode(["--input-type=module", "-e", FIRST_EVENT_SCRIPT], { cwd: ROOT, timeoutMs: 60_000 });
    if (run.code !== 0) throw new Error(`cold start: the first-event imports failed: ${failureText(run)}`);
    inProcess.push(JSON.parse(run.stdout.trim()) as (typeof inProcess)[number]);
  }
  const importMs = median(entry);
  const bareMs = median(bare);
  const of = (key: keyof (typeof inProcess)[number]) => round(median(inProcess.map((r) => r[key])));
  return [
    { bench: "cold start", name: `node: import the built entry dist/src/function/entry.js (median of ${RUNS})`, value: round(importMs), unit: "ms", detail: { runsMs: entry.map((r) => round(r)) } },
    { bench: "cold start", name: `node -e 0 (median of ${RUNS})`, value: round(bareMs), unit: "ms", detail: { runsMs: bare.map((r) => round(r)) } },
    { bench: "cold start", name: "entry import over bare Node", value: round(importMs - bareMs), unit: "ms", target: { max: 250, text: "< 250 ms" } },
    { bench: "cold start", name: "first event: config/load + build + notion + discord imports, after the entry", value: of("firstEvent"), unit: "ms", detail: { modules: FIRST_EVENT.map((m) => m.slice(m.indexOf("dist/"))) } },
    { bench: "cold start", name: "first html source: cheerio/slim import", value: of("cheerio"), unit: "ms" },
  ];
}
