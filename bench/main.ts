import { benchChart } from "./chart.js";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "../src/errors.js";
import { benchColdStart } from "./cold-start.js";
import { benchDeployArchive } from "./deploy-archive.js";
import { benchDerived } from "./derived.js";
import { benchFanIn } from "./fan-in.js";
import { formatTable, verdict, type Figure } from "./figures.js";
import { describeMachine } from "./machine.js";
import { updatePerformanceDoc } from "./performance-doc.js";
import { benchMemory } from "./memory.js";
import { benchNotionCost } from "./notion-cost.js";
import { ROOT } from "./paths.js";
import { benchWholeRun } from "./whole-run.js";

const BENCHES: Record<string, () => Promise<Figure[]> | Figure[]> = {
  "fan-in": benchFanIn,
  memory: benchMemory,
  notion: benchNotionCost,
  derived: benchDerived,
  "cold-start": benchColdStart,
  "deploy-archive": benchDeployArchive,
  "whole-run": benchWholeRun,
  chart: benchChart,
};

const RESULTS = join(ROOT, "bench/results.json");

/**
 * `npm run bench [NAME...]`: runs the benchmarks one after another against local servers,
 * prints a table and, when all of them were selected and every one ran, writes bench/results.json.
 * Exit 1 when a target is missed or a benchmark failed to run.
 */
async function main(names: string[]): Promise<number> {
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark ${unknown.join(", ")}; use ${Object.keys(BENCHES).join(", ")}\n`);
    return 2;
  }
  const selected = names.length ? names : Object.keys(BENCHES);
  const machine = describeMachine();
  process.stdout.write(`kpi-collector benchmarks on ${machine.cpuModel}, ${machine.nproc} CPUs, node ${machine.node}, load ${machine.loadAverage.join(" ")}\n`);
  const figures: Figure[] = [];
  const errors: { bench: string; error: string }[] = [];
  for (const name of selected) {
    const started = performance.now();
    process.stdout.write(`running ${name}…`);
    try {
      figures.push(...(await (BENCHES[name] as () => Promise<Figure[]>)()));
      process.stdout.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      process.stdout.write(" failed\n");
      errors.push({ bench: name, error: errorMessage(error) });
    }
  }
  process.stdout.write(`\n${formatTable(figures)}`);
  for (const e of errors) process.stdout.write(`\n${e.bench} FAILED to run: ${e.error}\n`);
  const missed = figures.filter((f) => verdict(f) === "FAIL");
  const all = selected.length === Object.keys(BENCHES).length;
  if (all && !errors.length) {
    const results = {
      ranAt: new Date().toISOString(),
      machine: { ...machine, loadAverageAtEnd: describeMachine().loadAverage },
      figures: figures.map((f) => ({ ...f, result: verdict(f) || undefined })),
    };
    // Written whole or not at all: an interrupted or failed run leaves the last results.
    await writeFile(`${RESULTS}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
    await rename(`${RESULTS}.tmp`, RESULTS);
    await updatePerformanceDoc();
    process.stdout.write(
      `\nWrote ${RESULTS} and docs/performance.md${missed.length ? ` (${missed.length} target${missed.length > 1 ? "s" : ""} missed)` : ""}\n`,
    );
  } else {
    const why = all ? `${errors.length} benchmark${errors.length > 1 ? "s" : ""} failed to run` : "only some benchmarks were selected";
    process.stdout.write(`\nNOT written: ${RESULTS} (${why}); it keeps the last complete run\n`);
  }
  return missed.length || errors.length ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
