import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { addDays, dateInTimeZone } from "../../src/dates.js";
import { runDemo } from "../../src/demo/main.js";
import { DEMO_API_TOKEN, DEMO_PASSWORD } from "../../src/demo/site.js";

describe("npm run demo", () => {
  it("collects all seven demo metrics, stores them, and previews the report against 14 days earlier", async () => {
    const history = join(await mkdtemp(join(tmpdir(), "kpi-demo-")), "demo-history.csv");
    let output = "";
    const code = await runDemo((text) => void (output += text), history);
    expect(code).toBe(0);
    const today = dateInTimeZone(new Date(), "UTC");
    expect(output).toContain(`KPI snapshot ${today} (daily): 7 metrics, 0 failed sources`);
    expect(output).toContain(`Compared with ${addDays(today, -14)} (14 days earlier).`);
    expect(output).toMatch(/WEEKLY_ACTIVE_USERS: [\d,]+ [▲▼=]/);
    // Enough history for every week of every sparkline: eight bars, no gaps.
    const sparklines = [...output.matchAll(/was [\d,.]+ · (\S+)/g)].map((m) => m[1]);
    expect(sparklines).toHaveLength(7);
    for (const line of sparklines) expect(line).toMatch(/^[▁▂▃▄▅▆▇█]{8}$/);
    const rows = (await readFile(history, "utf8")).trim().split("\n");
    // The header, 63 seeded days and today's row, written twice (daily, then weekly-report) but kept once.
    expect(rows).toHaveLength(65);
    expect(rows.at(-1)).toMatch(new RegExp(`^${today},\\d`));
    for (const secret of [DEMO_PASSWORD, DEMO_API_TOKEN]) expect(output).not.toContain(secret);
  });
});
