import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { convertFiles } from "@cdktf/hcl2json";
import { DEFAULT_MAX_PARSE_BYTES } from "../../src/sources/option-checks.js";
import { sendHtml, startServer, type TestServer } from "../helpers/server.js";
import { built } from "../helpers/built.js";
import { functionNodeOptions } from "../helpers/terraform.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = built("cli/bin.js");
/** One more than the parse workers (2), so a page also waits for a worker that another freed. */
const SOURCES = 3;
const UNITS: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

/** A page just under the parse limit, dense with tiny elements: the most DOM per byte a selector meets. */
function densePage(bytes: number): string {
  const cell = '<i class="row">1</i>';
  const tail = '<p>Total: <span id="total">42</span></p></body></html>';
  return `<!doctype html><html><body>${cell.repeat(Math.floor((bytes - 200) / cell.length))}${tail}`;
}

let server: TestServer;
let memoryBytes: number;
beforeAll(async () => {
  const page = densePage(DEFAULT_MAX_PARSE_BYTES);
  server = await startServer((_req, res) => sendHtml(res, 200, page));
  const tf = (await convertFiles(join(ROOT, "terraform"))) as {
    resource: { google_cloudfunctions2_function: { collector: { service_config: { available_memory: string }[] }[] } };
  };
  const memory = String(tf.resource.google_cloudfunctions2_function.collector[0]?.service_config[0]?.available_memory);
  const [, amount, unit] = /^(\d+)(k|M|G|Ki|Mi|Gi)$/.exec(memory) ?? [];
  memoryBytes = Number(amount) * (UNITS[unit ?? ""] ?? NaN);
});
afterAll(async () => server.close());

describe("the deployed memory and the html parse limit", () => {
  it("the function's memory and NODE_OPTIONS hold dense pages at maxParseBytes, two parsed at once", async () => {
    expect(DEFAULT_MAX_PARSE_BYTES).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(memoryBytes).toBeGreaterThan(0);
    const dir = await mkdtemp(join(tmpdir(), "kpi-heap-"));
    const config = join(dir, "kpi.config.yaml");
    const sources = Array.from(
      { length: SOURCES },
      (_, i) =>
        `  - { name: page${i}, type: html, url: "${server.url}/p${i}", metrics: { TOTAL_${i}: { selector: "#total" }, ROWS_${i}: { selector: "i.row", extract: count } } }`,
    );
    // A generous limit: on a loaded machine a 5 MiB page can wait for the CPU a long time.
    await writeFile(config, `sourceTimeoutMs: 300000\nsources:\n${sources.join("\n")}\n`);
    // The process's high-water mark, threads included, printed as it exits.
    const reportRss = join(dir, "report-rss.mjs");
    await writeFile(reportRss, 'process.on("exit", () => process.stderr.write(`MAX_RSS ${process.resourceUsage().maxRSS * 1024}\\n`));\n');
    // A heap too small for one page's DOM fails the source (a parse worker) or crashes the process (the main heap).
    const { stdout, stderr } = await run(process.execPath, ["--import", reportRss, BIN, "run", "--config", config, "--dry-run", "--date", "2026-11-16"], {
      env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: await functionNodeOptions() },
      maxBuffer: 10 * 1024 * 1024,
    });
    const summary = stdout
      .split("\n")
      .filter((line) => line.includes('"metricsCollected"'))
      .map((line) => JSON.parse(line));
    expect(summary).toEqual([expect.objectContaining({ metricsCollected: 2 * SOURCES, sourcesFailed: [] })]);
    const maxRss = Number(/MAX_RSS (\d+)/.exec(stderr)?.[1]);
    expect(maxRss).toBeLessThan(memoryBytes);
  });
});
