import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { configFileLoader } from "../../src/function/load-pipeline.js";
import { DEFAULT_MAX_EVENT_AGE_MS } from "../../src/function/options.js";
import { silentLogger } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { sharedParsePool } from "../../src/sources/parse-pool.js";
import { runCli } from "../helpers/cli.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

let site: TestServer;
let dir: string;
beforeAll(async () => {
  site = await startServer((_req, res) => sendJson(res, 200, { n: 5 }));
  dir = await mkdtemp(join(tmpdir(), "kpi-warm-cli-"));
});
afterEach(() => sharedParsePool().close());
afterAll(async () => {
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

const JSON_SOURCE = (url: string) => `  - { name: api, type: json, url: "${url}/n.json", metrics: { N: { path: n } } }\n`;
const HTML_SOURCE = `  - { name: page, type: html, url: "http://127.0.0.1:9/", metrics: { P: { selector: ".p" } } }\n`;

async function dryRun(sources: string, ...args: string[]) {
  const config = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(config, `sources:\n${sources}`);
  return runCli(["run", "--dry-run", "--config", config, ...args]);
}

describe("kpi-collector run starts the parse worker before loading the run", () => {
  it("when the config holds a selector, even if this run (--only) parses no page", async () => {
    const result = await dryRun(JSON_SOURCE(site.url) + HTML_SOURCE, "--only", "api");
    expect(result.code).toBe(0);
    // Only the warmed worker can be alive: no page was parsed.
    expect(sharedParsePool().threads).toBe(1);
  });

  it("not when the config holds none", async () => {
    expect((await dryRun(JSON_SOURCE(site.url))).code).toBe(0);
    expect(sharedParsePool().threads).toBe(0);
  });
});

describe("the function's first event starts it too, as it loads the config", () => {
  it.each([
    ["a selector", HTML_SOURCE, 1],
    ["none", "", 0],
  ] as const)("a config with %s: %i worker(s) before any page", async (_what, extra, threads) => {
    await writeFile(join(dir, "kpi.config.yaml"), `sources:\n${JSON_SOURCE(site.url)}${extra}`);
    const load = configFileLoader({}, { root: dir });
    await load({ configPath: "kpi.config.yaml", maxEventAgeMs: DEFAULT_MAX_EVENT_AGE_MS }, { secrets: new Secrets(), logger: silentLogger() });
    expect(sharedParsePool().threads).toBe(threads);
  });
});
