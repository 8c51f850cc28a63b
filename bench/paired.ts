import { median, round } from "./figures.js";
import { failureText, runNode } from "./run-node.js";

/** Process wall times of paired runs A B A B …, each A against the B that ran next to it. */
export interface Paired {
  aMs: number[];
  bMs: number[];
  /** Median of the per-pair differences A − B. */
  medianDiffMs: number;
  /** Median of the per-pair ratios A / B. */
  medianRatio: number;
  /** Median of the per-pair differences of CPU time (user + system, all threads), which a loaded machine sways less than wall time. */
  medianCpuDiffMs: number;
}

// Loaded first in both A and B: prints the process's CPU time as it exits.
const CPU_REPORT = `data:text/javascript,process.on("exit",()=>{const c=process.cpuUsage();process.stderr.write("\\ncpu-us="+(c.user+c.system)+"\\n")})`;

function cpuMs(stderr: string): number {
  const match = /\ncpu-us=(\d+)\n/.exec(stderr);
  if (!match) throw new Error(`no CPU time reported:\n${stderr.slice(-500)}`);
  return Number(match[1]) / 1000;
}

/**
 * Runs `node A` and `node B` alternately `runs` times, so a burst of load on the machine hits both alike,
 * and quotes the medians of the pairs' differences and ratios (robust to one slow pair). `check` reads each A's output.
 */
export async function pairedRuns(
  runs: number,
  a: string[],
  b: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; check?: (output: string) => void },
): Promise<Paired> {
  const time = async (args: string[]) => {
    const run = await runNode([`--import=${CPU_REPORT}`, ...args], { cwd: options.cwd, env: options.env, timeoutMs: 60_000 });
    if (run.code !== 0) throw new Error(`node ${args.join(" ")} failed: ${failureText(run)}`);
    if (args === a) options.check?.(run.stdout + run.stderr);
    return { wall: run.ms, cpu: cpuMs(run.stderr) };
  };
  // A warm-up pair, not counted: the first run pays for the disk cache.
  await time(a);
  await time(b);
  const pairs: { a: { wall: number; cpu: number }; b: { wall: number; cpu: number } }[] = [];
  for (let i = 0; i < runs; i++) pairs.push({ a: await time(a), b: await time(b) });
  return {
    aMs: pairs.map((p) => round(p.a.wall)),
    bMs: pairs.map((p) => round(p.b.wall)),
    medianDiffMs: round(median(pairs.map((p) => p.a.wall - p.b.wall))),
    medianRatio: round(median(pairs.map((p) => p.a.wall / p.b.wall)), 2),
    medianCpuDiffMs: round(median(pairs.map((p) => p.a.cpu - p.b.cpu))),
  };
}
