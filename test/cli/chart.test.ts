import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { PNG } from "pngjs";
import { main } from "../../src/cli/main.js";
import { FileHistory } from "../../src/destinations/file.js";
import { addDays } from "../../src/dates.js";

const DATE = "2026-11-16";

async function cli(args: string[]) {
  let stdout = "";
  let stderr = "";
  const bytes: Uint8Array[] = [];
  const write = (chunk: string | Uint8Array) => (typeof chunk === "string" ? (stdout += chunk) : bytes.push(chunk));
  const code = await main(args, { env: {}, stdout: { write }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr, bytes: Buffer.concat(bytes) };
}

let dir: string;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpi-chart-"));
  const history = new FileHistory({ type: "file", path: join(dir, "history.csv") });
  for (let i = 0; i < 90; i += 3)
    await history.upsert({ date: addDays(DATE, -i), job: "daily", metrics: { USERS: 500 - i, MRR: 9000 - i * 10 }, failures: [] });
  config = join(dir, "kpi.yaml");
  // The webhook's variable is unset: drawing posts nothing, so it is not needed.
  await writeFile(
    config,
    `northStar: MRR\nsources:\n  - { name: s, type: json, url: "http://127.0.0.1:9/", metrics: { USERS: { path: n }, MRR: { path: m } } }\ndestinations:\n  - { type: file, path: "${join(dir, "history.csv")}" }\n  - { type: discord, webhookUrl: "\${HOOK}", chartMetrics: [USERS] }\n`,
  );
});

describe("kpi-collector chart", () => {
  it("writes the PNG of a date's chart from the file history and prints its path", async () => {
    const out = join(dir, "chart.png");
    const result = await cli(["chart", "--config", config, "--date", DATE, "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${out}\n`);
    const png = PNG.sync.read(await readFile(out));
    expect([png.width, png.height]).toEqual([1200, 800]);
  });

  it("writes SVG for a .svg path, with the chartMetrics panels only", async () => {
    const out = join(dir, "chart.svg");
    expect((await cli(["chart", "--config", config, "--date", DATE, "--out", out])).code).toBe(0);
    const svg = await readFile(out, "utf8");
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("USERS");
    expect(svg).toContain("★ MRR");
    expect(svg.match(/>USERS</g)).toHaveLength(1);
  });

  it("--out - writes the PNG bytes to stdout", async () => {
    const result = await cli(["chart", "--config", config, "--date", DATE, "--out", "-"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(PNG.sync.read(result.bytes).width).toBe(1200);
  });

  it("names a bad --out, a flag chart doesn't take and a date without history", async () => {
    expect((await cli(["chart", "--config", config, "--out", "chart.jpg"])).stderr).toContain('--out: "chart.jpg" must end in .png or .svg');
    expect((await cli(["chart", "--config", config, "--force"])).stderr).toContain("chart does not take --force; chart takes --config, --date, --out");
    const missing = await cli(["chart", "--config", config, "--date", "2026-10-01", "--out", join(dir, "x.png")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no history row for 2026-10-01");
  });
});
