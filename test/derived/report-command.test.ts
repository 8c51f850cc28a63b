import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { runCli } from "../helpers/cli.js";
import { addDays } from "../../src/dates.js";
import { FileHistory } from "../../src/destinations/file.js";

const DATE = "2026-11-30";

const cli = (args: string[], env: Record<string, string>) => runCli(args, { env });

describe("kpi-collector report --dry-run with derived metrics", () => {
  it("opens with the North Star block of a derived north star, and shows derived metrics as declared", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kpi-derived-report-"));
    const path = join(dir, "history.csv");
    const store = new FileHistory({ type: "file", path });
    // 56 days, as daily runs store them: CHURN 5.0 falling by 0.05 a day, its derived PERCENT alongside.
    for (let back = 55; back >= 0; back--) {
      const churn = Number((5 - 0.05 * (55 - back)).toFixed(2));
      await store.upsert({ date: addDays(DATE, -back), job: "daily", metrics: { CHURNED: churn, CHURN_PERCENT: churn }, failures: [] });
    }
    const config = join(dir, "kpi.config.yaml");
    await writeFile(
      config,
      `northStar: CHURN_PERCENT
derived:
  CHURN_PERCENT: { expr: "CHURNED", format: percent, lowerIsBetter: true, label: "Churn" }
sources:
  - { name: s, type: json, url: "http://127.0.0.1:9/", metrics: { CHURNED: { path: n } } }
destinations:
  - { type: file, path: "${path}" }
  - { type: discord, webhookUrl: "\${HOOK}" }
`,
    );
    const result = await cli(["report", "--config", config, "--date", DATE, "--dry-run"], {});
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.slice(0, 6)).toEqual([
      `Weekly KPI report — ${DATE}`,
      "⭐ Churn: 2.25% ▼ -0.7 pp (-23.7%)",
      expect.stringMatching(/^was 2\.95% · /),
      "vs 7 days ago: 2.25% ▼ -0.35 pp (-13.5%), was 2.6%",
      "vs 28 days ago: 2.25% ▼ -1.4 pp (-38.4%), was 3.65%",
      "↘ Falling: down on the 7 days (-13.5%) and down on the 28 days (-38.4%).",
    ]);
  });
});
