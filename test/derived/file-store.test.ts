import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { buildPipeline } from "../../src/build.js";
import { loadConfig } from "../../src/config/load.js";
import { parseHistoryCsv } from "../../src/history/csv.js";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

/**
 * A hand-made history and, below each derived metric, its value worked out by hand. The run
 * happens at 12:00 UTC on 2026-11-29, which is already 2026-11-30 in Auckland (UTC+13): every
 * window ends on the 30th, the date in the configured zone.
 */
const HISTORY = `date,SIGNUPS,DAU,MAU,MRR
2026-11-23,5,40,180,1000
2026-11-24,7,42,182,1050
2026-11-25,6,41,185,1100
2026-11-26,8,45,190,1150
2026-11-27,9,44,0,1200
2026-11-28,,46,195,1250
2026-11-29,10,48,198,
`;
const TODAY = { SIGNUPS: 12, DAU: 50, MAU: 200, MRR: 1300 };

const DERIVED = `derived:
  STICKINESS: { expr: "DAU / MAU * 100", format: percent }      # 50 / 200 * 100 = 25
  SIGNUPS_7D: { expr: "sum(SIGNUPS, 7)" }                        # the 28th has no SIGNUPS: missing
  SIGNUPS_7D_COVERED: { expr: "sum(SIGNUPS, 7)", minCoverage: 0.8 }  # 7 + 6 + 8 + 9 + 10 + 12 = 52, 6 of 7 days
  MRR_GROWTH_7D: { expr: "pct_change(MRR, 7)" }                  # (1300 - 1000) / 1000 * 100 = 30
  MRR_CHANGE_1D: { expr: "change(MRR, 1)" }                      # the 29th has no MRR: missing
  DAU_AVG_3D: { expr: "avg(DAU, 3)" }                            # (46 + 48 + 50) / 3 = 48
  DAU_MIN_7D: { expr: "min(DAU, 7)" }                            # 42 41 45 44 46 48 50: 41
  STICKY_MAX_3D: { expr: "max(STICKINESS, 3)" }                  # 23.59, 24.24, 25: 25
  STICKY_AVG_4D: { expr: "avg(STICKINESS, 4)" }                  # MAU is 0 on the 27th: missing
  SIGNUPS_WEEK_AGO: { expr: "ago(SIGNUPS, 7)" }                  # the 23rd: 5
  GROWTH_ROUNDED: { expr: "round(MRR_GROWTH_7D / 7, 2)" }        # 30 / 7 = 4.2857…: 4.29
`;

let site: TestServer;
beforeAll(async () => {
  site = await startServer((_req, res) => sendJson(res, 200, TODAY));
});
afterAll(() => site.close());

async function setup(history: string) {
  const dir = await mkdtemp(join(tmpdir(), "kpi-derived-"));
  const path = join(dir, "history.csv");
  await writeFile(path, history);
  const yaml = `timezone: Pacific/Auckland
${DERIVED}sources:
  - name: app
    type: json
    url: ${site.url}/stats
    metrics: { SIGNUPS: { path: SIGNUPS }, DAU: { path: DAU }, MAU: { path: MAU }, MRR: { path: MRR } }
destinations:
  - type: file
    path: ${path}
  - type: console
`;
  const config = loadConfig(yaml, {});
  const logs: LogRecord[] = [];
  let printed = "";
  const pipeline = await buildPipeline(config, {
    logger: createLogger({ secrets: config.secrets, sink: (r) => logs.push(r), minSeverity: "DEBUG" }),
    now: () => new Date("2026-11-29T12:00:00Z"),
    write: (text) => void (printed += text),
    customSources: [],
  });
  return { path, pipeline, logs, printed: () => printed };
}

describe("derived metrics end to end, with the file store", () => {
  it("computes each derived metric over the calendar days of the configured zone, exactly as worked out by hand", async () => {
    const { path, pipeline, logs, printed } = await setup(HISTORY);
    const result = await pipeline.process("daily");

    expect(result.ok).toBe(true);
    expect(result.snapshot.date).toBe("2026-11-30");
    const expected = {
      STICKINESS: 25,
      SIGNUPS_7D_COVERED: 52,
      MRR_GROWTH_7D: 30,
      DAU_AVG_3D: 48,
      DAU_MIN_7D: 41,
      STICKY_MAX_3D: 25,
      SIGNUPS_WEEK_AGO: 5,
      GROWTH_ROUNDED: 4.29,
    };
    expect(result.snapshot.metrics).toEqual({ ...TODAY, ...expected });
    expect(result.snapshot.notes).toEqual({ SIGNUPS_7D_COVERED: "sum over 6 of 7 days" });
    expect(result.snapshot.failures).toEqual([
      { source: "MRR_CHANGE_1D (derived)", error: "MRR missing on 2026-11-29", metrics: ["MRR_CHANGE_1D"], derived: true },
      { source: "SIGNUPS_7D (derived)", error: "SIGNUPS missing on 2026-11-28", metrics: ["SIGNUPS_7D"], derived: true },
      { source: "STICKY_AVG_4D (derived)", error: "STICKINESS missing on 2026-11-27 (MAU is 0 on 2026-11-27)", metrics: ["STICKY_AVG_4D"], derived: true },
    ]);

    // Stored like any metric; the missing ones are empty cells, never 0 or NaN.
    const text = await readFile(path, "utf8");
    expect(text).not.toMatch(/NaN|Infinity/);
    const today = parseHistoryCsv(text).find((r) => r.date === "2026-11-30");
    expect(today?.metrics).toEqual({ ...TODAY, ...expected });
    // A metric that never had a value has no column yet.
    const header = text.split("\n")[0]?.split(",") ?? [];
    for (const missing of ["SIGNUPS_7D", "MRR_CHANGE_1D", "STICKY_AVG_4D"]) expect(header).not.toContain(missing);

    // The console shows them, the note, and the reasons like a failed source's.
    expect(printed()).toMatch(/SIGNUPS_7D_COVERED\s+52 {2}\(sum over 6 of 7 days\)/);
    expect(printed()).toContain("✗ SIGNUPS_7D (derived): SIGNUPS missing on 2026-11-28");
    // The logs carry the reasons too, and the run's summary counts them apart from sources.
    expect(logs.filter((l) => l.severity === "WARNING").map((l) => l.message)).toEqual(
      expect.arrayContaining(["derived metric SIGNUPS_7D missing: SIGNUPS missing on 2026-11-28"]),
    );
    expect(logs.find((l) => l.message.startsWith("derived metrics:"))).toMatchObject({
      message: "derived metrics: 8 computed, 3 missing",
      historyFrom: "2026-10-06",
    });
  });

  it("a rerun of the same date with one source left out still uses that source's stored values", async () => {
    const { pipeline } = await setup(`${HISTORY}2026-11-30,12,50,200,1300\n`);
    const result = await pipeline.process("daily", { only: [] });
    expect(result.snapshot.metrics).toMatchObject({ STICKINESS: 25, DAU_AVG_3D: 48 });
  });

  it("once the missing day has a value, the metric is computed and stored", async () => {
    const { path, pipeline } = await setup(HISTORY.replace("2026-11-29,10,48,198,", "2026-11-29,10,48,198,1280"));
    const result = await pipeline.process("daily");
    expect(result.snapshot.metrics.MRR_CHANGE_1D).toBe(20);
    const today = parseHistoryCsv(await readFile(path, "utf8")).find((r) => r.date === "2026-11-30");
    expect(today?.metrics.MRR_CHANGE_1D).toBe(20);
  });
});
