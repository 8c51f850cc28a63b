import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "@jest/globals";
import { addDays, dateInTimeZone } from "../../src/dates.js";
import { runDemo } from "../../src/demo/main.js";
import { DEMO_API_TOKEN, DEMO_PASSWORD } from "../../src/demo/site.js";

describe("npm run demo", () => {
  it("collects all seven demo metrics and four derived ones, stores them, and previews the report against 14 days earlier", async () => {
    const history = join(await mkdtemp(join(tmpdir(), "kpi-demo-")), "demo-history.csv");
    let output = "";
    const code = await runDemo((text) => void (output += text), history);
    expect(code).toBe(0);
    const today = dateInTimeZone(new Date(), "UTC");
    expect(output).toContain(`KPI snapshot ${today} (daily): 11 metrics, 0 failed sources`);
    for (const derived of ["STICKINESS", "SIGNUPS_7D", "DAU_AVG_7D", "MRR_GROWTH_28D"]) expect(output).toMatch(new RegExp(`\\n${derived} +[\\d,.]+\\n`));
    // The report opens with the North Star block.
    expect(output).toMatch(/WEEKLY_ACTIVE_USERS: [\d,]+ [▲▼=].*\n.*\n {4}vs 7 days ago: [\d,]+ [▲▼=].*, was [\d,]+\n {4}vs 28 days ago: .*\n {4}[↗↘→↕] \w+: /);
    expect(output).toContain(`Compared with ${addDays(today, -14)} (14 days earlier).`);
    expect(output).toMatch(/WEEKLY_ACTIVE_USERS: [\d,]+ [▲▼=]/);
    // Enough history for every week of every sparkline: eight bars, no gaps.
    // The derived metrics' past values were seeded as the daily run computes them.
    const sparklines = [...output.matchAll(/was [\d,.]+%? · (\S+)/g)].map((m) => m[1]);
    expect(sparklines).toHaveLength(11);
    for (const line of sparklines) expect(line).toMatch(/^[▁▂▃▄▅▆▇█]{8}$/);
    const rows = (await readFile(history, "utf8")).trim().split("\n");
    // The header, 63 + 28 seeded days (the sparklines, then MRR_GROWTH_28D's look-back) and today's
    // row, written twice (daily, then weekly-report) but kept once.
    expect(rows).toHaveLength(93);
    expect(rows.at(-1)).toMatch(new RegExp(`^${today},\\d`));
    for (const secret of [DEMO_PASSWORD, DEMO_API_TOKEN]) expect(output).not.toContain(secret);
    // The chart the Discord message would carry, written beside the history, its path printed after the report.
    const chartPath = join(dirname(history), "demo-report.png");
    expect(output.indexOf(`The chart attached to it: ${chartPath}\n`)).toBeGreaterThan(output.indexOf("Compared with"));
    const png = PNG.sync.read(await readFile(chartPath));
    expect([png.width, png.height]).toEqual([1200, 800]);
  });
});
