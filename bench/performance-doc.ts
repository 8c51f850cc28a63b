import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatValue, type Figure, type Verdict } from "./figures.js";
import { ROOT } from "./paths.js";

export const PERFORMANCE_DOC = join(ROOT, "docs/performance.md");
const START = "<!-- figures:start (generated from bench/results.json by npm run bench; do not edit) -->";
const END = "<!-- figures:end -->";

interface Results {
  ranAt: string;
  machine: { nproc: number; cpuModel: string; node: string; totalMemoryBytes: number; loadAverage: number[] };
  figures: (Figure & { result?: Verdict })[];
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The generated part of docs/performance.md: when and where the run was, and every figure. */
export function renderFigures(results: Results): string {
  const { machine } = results;
  const memory = Math.round(machine.totalMemoryBytes / 1024 ** 3);
  const lines = [
    `Latest run: ${results.ranAt.slice(0, 10)}, on ${machine.nproc} vCPUs (${machine.cpuModel}), ${memory} GiB RAM, Node ${machine.node}, load average ${machine.loadAverage[0]} at the start.`,
    "",
    "| benchmark | figure | value | target | result |",
    "|---|---|---:|---|---|",
    ...results.figures.map((f) => `| ${f.bench} | ${cell(f.name)} | ${formatValue(f)} | ${cell(f.target?.text ?? "")} | ${f.result ?? ""} |`),
  ];
  return `${START}\n${lines.join("\n")}\n${END}`;
}

/** docs/performance.md with its generated block replaced; the prose around it is kept. */
export function withFigures(doc: string, results: Results): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${PERFORMANCE_DOC} has no ${START} … ${END} block`);
  return doc.slice(0, start) + renderFigures(results) + doc.slice(end + END.length);
}

export async function readResults(path = join(ROOT, "bench/results.json")): Promise<Results> {
  return JSON.parse(await readFile(path, "utf8")) as Results;
}

/** Regenerates the figures in docs/performance.md from bench/results.json. */
export async function updatePerformanceDoc(): Promise<void> {
  const doc = await readFile(PERFORMANCE_DOC, "utf8");
  await writeFile(PERFORMANCE_DOC, withFigures(doc, await readResults()));
}
