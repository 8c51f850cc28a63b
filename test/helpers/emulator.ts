import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { freePort, startProcess, type ManagedProcess } from "./processes.js";

export interface PubSubEmulator {
  /** `127.0.0.1:PORT`, the value of `PUBSUB_EMULATOR_HOST`. */
  host: string;
  project: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** The gcloud CLI on PATH, or undefined. */
export function findGcloud(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "gcloud");
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Why the end-to-end test cannot run here, or undefined when it can.
 * Under `CI` a missing emulator is a failure, so callers throw instead of skipping.
 */
export function emulatorUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!findGcloud(env)) return "the gcloud CLI is not on PATH (install it with the pubsub-emulator component and Java)";
  return undefined;
}

/** Starts `gcloud beta emulators pubsub start` on a free port of 127.0.0.1 and waits for "Server started". */
export async function startPubSubEmulator(options: { project: string; timeoutMs?: number }): Promise<PubSubEmulator> {
  const gcloud = findGcloud();
  if (!gcloud) throw new Error(emulatorUnavailable());
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = startProcess("pubsub-emulator", gcloud, ["beta", "emulators", "pubsub", "start", `--host-port=${host}`, `--project=${options.project}`], {
    env: { ...process.env, CLOUDSDK_CORE_DISABLE_PROMPTS: "1" },
  });
  try {
    await child.waitForOutput(/Server started, listening on \d+/, options.timeoutMs ?? 60_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { host, project: options.project, process: child, stop: () => child.stop() };
}
