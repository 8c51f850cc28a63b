import { main } from "../../src/cli/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as `kpi-collector ARGS` would, with `env` as its whole environment; what it printed, and its exit code. */
export async function runCli(args: string[], options: { env?: Record<string, string>; now?: Date } = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const now = options.now;
  const code = await main(args, {
    env: options.env ?? {},
    ...(now ? { now: () => now } : {}),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}
