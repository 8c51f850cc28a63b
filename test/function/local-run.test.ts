import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { LOCAL_FUNCTION_LOG, readEventLog } from "../../src/scripts/local-log.js";
import { built } from "../helpers/built.js";
import { emulatorUnavailable, startPubSubEmulator, type PubSubEmulator } from "../helpers/emulator.js";
import { freePort, startProcess, stopAll, waitFor, type ManagedProcess } from "../helpers/processes.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

/**
 * The local run as docs/function.md documents it, with the built scripts as real processes:
 * `npm start` (start-local.js), `npm run trigger:local`, `npm run emulator:setup`, `npm run publish`.
 */
const execFileAsync = promisify(execFile);
const PROJECT = "kpi-local";
const baseEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", METADATA_SERVER_DETECTION: "none" };

async function script(name: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [built(`scripts/${name}.js`), ...args], {
      cwd,
      env: { ...baseEnv, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function startFunction(cwd: string, port: number, env: Record<string, string> = {}): Promise<ManagedProcess> {
  const fn = startProcess("start-local", process.execPath, [built("scripts/start-local.js")], { cwd, env: { ...baseEnv, PORT: String(port), ...env } });
  await fn.waitForOutput(/URL: http:\/\/localhost:\d+\//, 60_000);
  return fn;
}

let site: TestServer;
let dir: string;
beforeAll(async () => {
  site = await startServer((_req, res) => sendJson(res, 200, { users: 42 }));
  dir = await mkdtemp(join(tmpdir(), "kpi-local-"));
  // What `npm start` runs when KPI_CONFIG is unset; the shipped one fetches public sites.
  await writeFile(
    join(dir, "kpi.local.yaml"),
    `sources:\n  - { name: app, type: json, url: "${site.url}/stats", metrics: { users: { path: users } } }\ndestinations:\n  - { type: file, path: history.csv }\n  - { type: console }\n`,
  );
  await writeFile(
    join(dir, "needs-secrets.yaml"),
    `sources:\n  - { name: app, type: json, url: "${site.url}/stats", metrics: { users: { path: users } } }\ndestinations:\n  - { type: notion, token: "\${NOTION_TOKEN}", database: "11111111111111111111111111111111" }\n`,
  );
});

afterAll(async () => {
  await stopAll();
  await site.close();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe("npm start, then npm run trigger:local", () => {
  it("with no server running, says so and how to start one", async () => {
    const port = await freePort();
    const result = await script("trigger-local", ["daily", "--url", `http://127.0.0.1:${port}`], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`No function is listening at http://127.0.0.1:${port}. Start one in another terminal with \`npm start\``);
    expect(result.stderr).not.toMatch(/fetch failed/);
  });

  it("runs kpi.local.yaml by default, and reports the run's outcome", async () => {
    const port = await freePort();
    const fn = await startFunction(dir, port);
    try {
      const result = await script("trigger-local", ["daily", "--date", "2026-11-30", "--url", `http://127.0.0.1:${port}`], dir);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toMatch(/: 204\n/);
      expect(result.stdout).toContain("outcome: ok: daily 2026-11-30 done: 1 metric collected, 0 sources failed, 2/2 destinations written");
      expect(await readFile(join(dir, "history.csv"), "utf8")).toMatch(/2026-11-30.*42/);
    } finally {
      await fn.stop();
    }
  }, 120_000);

  it("a config that needs a secret: the 204 comes with the config error and exit code 1", async () => {
    const port = await freePort();
    const fn = await startFunction(dir, port, { KPI_CONFIG: "needs-secrets.yaml" });
    try {
      for (let i = 0; i < 2; i++) {
        // The second event is acknowledged with a short warning; the outcome still names the problem.
        const result = await script("trigger-local", ["daily", "--url", `http://127.0.0.1:${port}`], dir);
        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(/: 204\n/);
        expect(result.stdout).toMatch(/outcome: config-error: [^\n]*Invalid config[\s\S]*NOTION_TOKEN is not set/);
      }
    } finally {
      await fn.stop();
    }
  }, 120_000);
});

const unavailable = emulatorUnavailable();
const CI = !!process.env.CI && process.env.CI !== "false" && process.env.CI !== "0";
if (unavailable && !CI) process.stderr.write(`\n[local-run] SKIPPED the emulator recipe: ${unavailable}\n`);

(unavailable && !CI ? describe.skip : describe)("the Pub/Sub emulator recipe: emulator:setup, then publish", () => {
  let emulator: PubSubEmulator;
  let fn: ManagedProcess;
  let port: number;
  beforeAll(async () => {
    if (unavailable) throw new Error(`CI is set but the Pub/Sub emulator cannot run: ${unavailable}`);
    emulator = await startPubSubEmulator({ project: PROJECT });
    port = await freePort();
    fn = await startFunction(dir, port);
  }, 150_000);
  afterAll(async () => {
    await fn?.stop();
    await emulator?.stop();
  }, 30_000);

  it("publish before setup names the topic, the project and the fix; after setup the run reaches the function", async () => {
    const env = { PUBSUB_EMULATOR_HOST: emulator.host, GOOGLE_CLOUD_PROJECT: PROJECT };
    const early = await script("publish", ["daily"], dir, env);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`could not publish to projects/${PROJECT}/topics/kpi-collector-runs (emulator ${emulator.host}):`);
    expect(early.stderr).toContain("create it with `npm run emulator:setup`");

    const setup = await script("emulator-setup", ["--url", `http://127.0.0.1:${port}`], dir, env);
    expect(setup).toMatchObject({ code: 0 });
    expect(setup.stdout).toContain(`created projects/${PROJECT}/topics/kpi-collector-runs`);
    // Twice is harmless: the topic is kept, the subscription re-pointed.
    expect((await script("emulator-setup", ["--url", `http://127.0.0.1:${port}`], dir, env)).stdout).toContain("kept projects/");

    const published = await script("publish", ["daily", "--date", "2026-12-01"], dir, env);
    expect(published).toMatchObject({ code: 0 });
    const messageId = /message (\S+)$/.exec(published.stdout.trim())?.[1] ?? "";
    const log = await waitFor(() => readEventLog(join(dir, LOCAL_FUNCTION_LOG), messageId), {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: () => `no outcome for message ${messageId}; function output:\n${fn.tail(40)}`,
    });
    expect(log.last).toMatchObject({ outcome: "ok", date: "2026-12-01" });
  }, 150_000);
});
