import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { runCommand } from "../../src/cli/run.js";
import type { Source } from "../../src/types.js";
import { sendHtml, sendJson, startServer, type TestServer } from "../helpers/server.js";
import { FakeTerminal } from "./fake-terminal.js";

let site: TestServer;
let config: string;
beforeAll(async () => {
  site = await startServer((req, res) => {
    if (req.url === "/blog") return sendHtml(res, 200, "<article></article><article></article>");
    sendJson(res, 404, { error: "not found" });
  });
  const longPath = `/api/${"very-long-path-segment/".repeat(6)}stats`;
  config = join(await mkdtemp(join(tmpdir(), "kpi-tty-")), "kpi.config.yaml");
  await writeFile(
    config,
    `sources:
  - { name: blog, type: html, url: "${site.url}/blog", metrics: { BLOG_POSTS: { selector: article, extract: count } } }
  - { name: api, type: json, url: "${site.url}${longPath}", metrics: { USERS: { path: n } } }
destinations:
  - type: console
`,
  );
});
afterAll(async () => site.close());

const billing: Source = { name: "billing", metricNames: ["MRR"], collect: async () => ({ MRR: 1234 }) };

describe("kpi-collector run on a terminal", () => {
  it("finishes the live progress before the table, so the whole table and the failures stay on screen", async () => {
    const terminal = new FakeTerminal(80);
    const code = await runCommand({ config, date: "2026-11-16" }, { env: {}, stdout: terminal, stderr: terminal, customSources: [billing] });
    expect(code).toBe(0);
    const screen = terminal.screen();
    const text = screen.join("\n");
    // One progress line per source, custom sources included, none wrapped to a second row.
    const progress = screen.filter((row) => /^ {2}\S (blog|api|billing) +\d+\.\d s {2}/.test(row));
    expect(progress).toEqual([
      expect.stringMatching(/^ {2}✓ blog +\d+\.\d s {2}1 metric$/),
      expect.stringMatching(/^ {2}✗ api +\d+\.\d s {2}failed$/),
      expect.stringMatching(/^ {2}✓ billing +\d+\.\d s {2}1 metric$/),
    ]);
    // The table's last rows and the failure list are all visible, after the progress.
    expect(text).toMatch(/MRR\s+1,234\n/);
    expect(text).toMatch(/Failed sources \(their metrics are absent, not 0\):\n {2}✗ api: /);
    expect(text.indexOf("✓ billing")).toBeLessThan(text.indexOf("KPI snapshot 2026-11-16"));
    expect(text).toContain("✓ console written");
    // Every progress redraw comes before the table.
    const table = terminal.writes.findIndex((w) => w.startsWith("KPI snapshot"));
    expect(terminal.writes.slice(table).some((w) => w.includes("\x1b["))).toBe(false);
  });

  it("shows each failure once, and the summary after the last destination's line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kpi-tty-"));
    const path = join(dir, "kpi.config.yaml");
    // The file destination fails: its path is a directory.
    await writeFile(path, (await readFile(config, "utf8")) + `  - { type: file, path: "${dir}" }\n`);
    const terminal = new FakeTerminal(60);
    const code = await runCommand({ config: path, date: "2026-11-16" }, { env: {}, stdout: terminal, stderr: terminal });
    expect(code).toBe(1);
    const text = terminal.screen().join("\n");
    const sourceReason = "Request failed with status code 404";
    expect(text.split(sourceReason)).toHaveLength(2);
    expect(text.match(/file failed/g)).toHaveLength(1);
    const rows = terminal.screen();
    const ticks = rows.map((row, i) => (/^[✓✗] (console|file) /.test(row) ? i : -1)).filter((i) => i >= 0);
    expect(ticks).toHaveLength(2);
    const summary = rows.findIndex((row) => row.includes("destinations written") || /^error: daily 2026-11-16 done/.test(row));
    expect(summary).toBeGreaterThan(Math.max(...ticks));
  });
});
