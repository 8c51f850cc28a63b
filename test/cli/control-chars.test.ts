import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { main } from "../../src/cli/main.js";
import { runCommand } from "../../src/cli/run.js";
import { formatSnapshotTable } from "../../src/snapshot-table.js";
import { printable, printableLine } from "../../src/printable.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";
import { FakeTerminal } from "./fake-terminal.js";

/** Clears the screen, retitles the window (OSC 0, ended by BEL), a C1 CSI, a bidi override. */
const HOSTILE = "\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eevil";
const RAW = ["\u001b[2J", "\u001b]0;", "\u0007", "\u009b", "\u202e"];

let site: TestServer;
let config: string;
beforeAll(async () => {
  site = await startServer((_, res) => sendJson(res, 200, { n: HOSTILE }));
  config = join(await mkdtemp(join(tmpdir(), "kpi-ctl-")), "kpi.config.yaml");
  await writeFile(
    config,
    `sources:\n  - { name: api, type: json, url: "${site.url}/stats", metrics: { USERS: { path: n } } }\ndestinations:\n  - type: console\n`,
  );
});
afterAll(async () => site.close());

describe("control characters from servers", () => {
  it("are escaped, never sent raw, in the progress, the warning lines and the console table of a terminal run", async () => {
    const terminal = new FakeTerminal(200);
    expect(await runCommand({ config, date: "2026-11-16" }, { env: {}, stdout: terminal, stderr: terminal })).toBe(0);
    const written = terminal.writes.join("");
    for (const raw of RAW) expect(written).not.toContain(raw);
    expect(written).toContain("\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202eevil");
    // The failure is shown once, in the failed sources list, escaped.
    expect(written).toMatch(/✗ api: .*\\u001b\[2J/);
  });

  it("are escaped in the table written off a terminal (to stderr)", async () => {
    const stdout = {
      writes: [] as string[],
      write(text: string) {
        this.writes.push(text);
      },
    };
    const stderr = {
      writes: [] as string[],
      write(text: string) {
        this.writes.push(text);
      },
    };
    await runCommand({ config, date: "2026-11-16" }, { env: {}, stdout, stderr });
    const table = stderr.writes.join("");
    expect(table).toContain("Failed sources");
    for (const raw of RAW) expect(table).not.toContain(raw);
  });

  it("are escaped in the CLI's error lines", async () => {
    const stderr = {
      writes: [] as string[],
      write(text: string) {
        this.writes.push(text);
      },
    };
    const stdout = { write: () => true };
    expect(await main(["validate", "--config", `missing${HOSTILE}.yaml`], { env: {}, stdout, stderr })).toBe(2);
    const text = stderr.writes.join("");
    expect(text).toContain("missing\\u001b[2J");
    for (const raw of RAW) expect(text).not.toContain(raw);
  });

  it("keep a failure to one line in the console table", () => {
    const table = formatSnapshotTable({
      date: "2026-11-16",
      job: "daily",
      metrics: {},
      failures: [{ source: "api", error: "bad\nKPI snapshot forged\r" }],
    } as never);
    expect(table).toContain("  ✗ api: bad\\nKPI snapshot forged\\r\n");
  });
});

describe("printable", () => {
  it.each([
    ["plain text, tabs and newlines", "a\tb\nc", "a\tb\nc"],
    ["ESC", "\u001b[2J", "\\u001b[2J"],
    ["BEL and NUL", "\u0007\u0000", "\\u0007\\u0000"],
    ["carriage return", "a\rb", "a\\rb"],
    ["DEL and C1", "\u007f\u0085\u009b", "\\u007f\\u0085\\u009b"],
    ["bidi overrides and isolates", "\u202ex\u2066y\u200f", "\\u202ex\\u2066y\\u200f"],
    ["letters beyond ASCII", "café 12 345 −5 ✓", "café 12 345 −5 ✓"],
  ])("%s", (_, text, expected) => {
    expect(printable(text)).toBe(expected);
  });

  it("printableLine escapes newlines too", () => {
    expect(printableLine("a\nb\tc")).toBe("a\\nb\tc");
  });
});
