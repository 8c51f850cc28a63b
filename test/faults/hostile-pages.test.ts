import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { built } from "../helpers/built.js";
import { sendHtml, sendJson, startServer, type TestServer } from "../helpers/server.js";
import { functionNodeOptions } from "../helpers/terraform.js";

const run = promisify(execFile);
const BIN = built("cli/bin.js");
const LIMIT_MS = 4000;

/** 600 KB of markup nested 200,000 elements deep: it never finishes parsing in time. */
const DEEP = `<!doctype html><html><body>${"<b>".repeat(200_000)}<span id="n">1</span></body></html>`;
/** A long run of "a" that `(a+)+$` backtracks over without end. */
const LONG_TEXT = `<p id="t">${"a".repeat(50_000)}!</p>`;

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === "/deep") return sendHtml(res, 200, DEEP);
    if (req.url === "/text") return sendHtml(res, 200, LONG_TEXT);
    if (req.url === "/api") return sendJson(res, 200, { users: 7 });
    sendHtml(res, 200, '<p>Stars: <span id="stars">1,234</span></p>');
  });
  dir = await mkdtemp(join(tmpdir(), "kpi-hostile-"));
});
afterAll(async () => server.close());

describe("a hostile page fails its own source, never the run (the built CLI, deployed NODE_OPTIONS)", () => {
  it("a page nested 200,000 deep and a catastrophic regex fail within their time limit; the other sources reach every destination", async () => {
    const [history, copy] = [join(dir, "history.csv"), join(dir, "copy.csv")];
    const config = join(dir, "kpi.config.yaml");
    await writeFile(
      config,
      `sources:
  - { name: deep, type: html, url: "${server.url}/deep", timeoutMs: ${LIMIT_MS}, metrics: { DEEP: { selector: "#n" } } }
  - { name: backtrack, type: html, url: "${server.url}/text", timeoutMs: ${LIMIT_MS}, metrics: { BACKTRACK: { selector: "#t", regex: "(a+)+$" } } }
  - { name: stars, type: html, url: "${server.url}/stars", metrics: { STARS: { selector: "#stars" } } }
  - { name: api, type: json, url: "${server.url}/api", metrics: { USERS: { path: users } } }
destinations:
  - { type: file, name: history, path: "${history}" }
  - { type: file, name: copy, path: "${copy}" }
`,
    );
    const nodeOptions = await functionNodeOptions();
    // Exit 0: every destination wrote. A crash (heap limit, stack abort) or a hang fails here.
    const { stdout } = await run(process.execPath, [BIN, "run", "--config", config, "--date", "2026-11-16"], {
      env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: nodeOptions },
      maxBuffer: 10 * 1024 * 1024,
      timeout: 120_000,
    });
    const records = stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = records.find((r) => "metricsCollected" in r);
    expect(summary).toEqual(expect.objectContaining({ metricsCollected: 2, sourcesFailed: ["backtrack", "deep"], destinationsFailed: [] }));
    for (const source of ["deep", "backtrack"]) {
      expect(records).toContainEqual(expect.objectContaining({ message: `source ${source} failed: timed out after ${LIMIT_MS} ms`, source }));
    }
    for (const file of [history, copy]) {
      const [header, row, ...rest] = (await readFile(file, "utf8")).trim().split("\n");
      const values = Object.fromEntries((header ?? "").split(",").map((column, i) => [column, row?.split(",")[i]]));
      expect(values).toEqual(expect.objectContaining({ date: "2026-11-16", STARS: "1234", USERS: "7" }));
      expect(values).not.toHaveProperty("DEEP");
      expect(rest).toEqual([]);
    }
  });
});
