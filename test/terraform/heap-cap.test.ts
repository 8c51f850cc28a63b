import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { convertFiles } from "@cdktf/hcl2json";
import { DEFAULT_MAX_PARSE_BYTES } from "../../src/sources/extract.js";
import { sendHtml, startServer, type TestServer } from "../helpers/server.js";
import { built } from "../helpers/built.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = built("cli/bin.js");
const SOURCES = 8;

/** A page just under the parse limit, dense with tiny elements: the most DOM per byte a selector meets. */
function densePage(bytes: number): string {
  const cell = '<i class="row">1</i>';
  const tail = '<p>Total: <span id="total">42</span></p></body></html>';
  return `<!doctype html><html><body>${cell.repeat(Math.floor((bytes - 200) / cell.length))}${tail}`;
}

let server: TestServer;
let nodeOptions: string;
beforeAll(async () => {
  const page = densePage(DEFAULT_MAX_PARSE_BYTES);
  server = await startServer((_req, res) => sendHtml(res, 200, page));
  const tf = (await convertFiles(join(ROOT, "terraform"))) as Record<string, any>;
  nodeOptions = tf.resource.google_cloudfunctions2_function.collector[0].service_config[0].environment_variables.NODE_OPTIONS;
});
afterAll(async () => server.close());

describe("the deployed heap cap and the html parse limit", () => {
  it("the function's NODE_OPTIONS leave room for pages at maxParseBytes, 8 sources at once", async () => {
    expect(nodeOptions).toMatch(/--max-old-space-size=\d+/);
    const dir = await mkdtemp(join(tmpdir(), "kpi-heap-"));
    const config = join(dir, "kpi.config.yaml");
    const sources = Array.from({ length: SOURCES }, (_, i) => `  - { name: page${i}, type: html, url: "${server.url}/p${i}", metrics: { TOTAL_${i}: { selector: "#total" }, ROWS_${i}: { selector: "i.row", extract: count } } }`);
    await writeFile(config, `sources:\n${sources.join("\n")}\n`);
    // A heap too small for one page's DOM crashes the whole process: that is what this guards.
    const { stdout } = await run(process.execPath, [BIN, "run", "--config", config, "--dry-run", "--date", "2026-11-16"], {
      env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: nodeOptions },
      maxBuffer: 10 * 1024 * 1024,
    });
    const summary = stdout.split("\n").filter((line) => line.includes('"metricsCollected"')).map((line) => JSON.parse(line));
    expect(summary).toEqual([expect.objectContaining({ metricsCollected: 2 * SOURCES, sourcesFailed: [] })]);
  });
});
