import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMain } from "../is-main.js";
import { LOCAL_CONFIG, LOCAL_FUNCTION_LOG } from "./local-log.js";

/**
 * `npm start`: the function under the Functions Framework on PORT (8080), with `kpi.local.yaml`
 * unless KPI_CONFIG names another config. Its output is shown and also copied to
 * `.kpi/function.log`, where `npm run trigger:local` reads how each run ended.
 */
export function startLocal(env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const entry = fileURLToPath(new URL("../function/entry.js", import.meta.url));
  // The package exports only its index; its command line (the `functions-framework` bin) sits beside it.
  const framework = join(dirname(createRequire(import.meta.url).resolve("@google-cloud/functions-framework")), "main.js");
  const config = env.KPI_CONFIG?.trim() || LOCAL_CONFIG;
  const logPath = resolve(cwd, LOCAL_FUNCTION_LOG);
  mkdirSync(dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath, { flags: "w" });
  process.stderr.write(`Starting the function with ${config} (KPI_CONFIG); its log is copied to ${LOCAL_FUNCTION_LOG}.\n`);
  const args = [framework, `--source=${entry}`, "--target=kpiCollector", "--signature-type=cloudevent", `--port=${env.PORT ?? "8080"}`];
  const child = spawn(process.execPath, args, { cwd, env: { ...env, KPI_CONFIG: config }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    log.write(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  return new Promise((done) => {
    child.on("exit", (code, signal) => log.end(() => done(code ?? (signal ? 0 : 1))));
  });
}

if (isMain(import.meta.url)) {
  process.exitCode = await startLocal(process.env, process.cwd());
}
