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
    const run = await runNode(args, { cwd: options.cwd, env: options.env, timeoutMs: 60_000 });
    if (run.code !== 0) throw new Error(`node ${args.join(" ")} failed: ${failureText(run)}`);
    if (args === a) options.check?.(run.stdout + run.stderr);
    return run.ms;
  };
  // A warm-up pair, not counted: the first run pays for the disk cache.
  await time(a);
  await time(b);
  const aMs: number[] = [];
  const bMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    aMs.push(await time(a));
    bMs.push(await time(b));
  }
  const pairs = aMs.map((ms, i) => ({ diff: ms - (bMs[i] as number), ratio: ms / (bMs[i] as number) }));
  return {
    aMs: aMs.map((ms) => round(ms)),
    bMs: bMs.map((ms) => round(ms)),
    medianDiffMs: round(median(pairs.map((p) => p.diff))),
    medianRatio: round(median(pairs.map((p) => p.ratio)), 2),
  };
}
