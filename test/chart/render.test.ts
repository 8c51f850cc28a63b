import { describe, expect, it } from "@jest/globals";
import { writeFileSync } from "node:fs";
import { PNG } from "pngjs";
import { buildChartModel, describeTrend, MAX_PANELS } from "../../src/report/chart/chart-model.js";
import { renderChartPng, renderChartSvg } from "../../src/report/chart/render-chart.js";
import { DATE, line, report, rows } from "./fixtures.js";

/** Share of non-white pixels in a box of the image. */
function ink(png: PNG, box: { x: number; y: number; w: number; h: number }): number {
  let dark = 0;
  for (let y = box.y; y < box.y + box.h; y++)
    for (let x = box.x; x < box.x + box.w; x++) {
      const i = (y * png.width + x) * 4;
      if ((png.data[i] as number) < 200 || (png.data[i + 1] as number) < 200 || (png.data[i + 2] as number) < 200) dark++;
    }
  return dark / (box.w * box.h);
}

const names = ["MRR", "SIGNUPS", "CHURN", "STARS"];
const history = rows(names, 90, (name, i) => (i % 9 === 4 ? undefined : name === "CHURN" ? 3 - i / 100 : 1000 + i * (name.length + 3)));

describe("report chart", () => {
  it("draws a PNG about 1200×800 with the North Star on top and a panel per metric, text drawn with the shipped font", async () => {
    const mrr = line("MRR", {
      label: "MRR",
      format: "currency",
      value: 1500,
      previous: 1400,
      delta: 100,
      percent: 7.1,
      verdict: "better",
      comparisonDate: "2026-11-16",
    });
    const model = buildChartModel(
      report({
        northStar: mrr,
        metrics: [
          line("SIGNUPS", { value: 1800, delta: -5, percent: -1, verdict: "worse" }),
          line("CHURN", { format: "percent", value: 2.1, lowerIsBetter: true }),
          line("STARS", { value: 1700 }),
        ],
      }),
      history,
    );
    const png = PNG.sync.read(await renderChartPng(model));
    if (process.env.KPI_CHART_OUT) writeFileSync(process.env.KPI_CHART_OUT, PNG.sync.write(png));
    expect([png.width, png.height]).toEqual([1200, 800]);
    expect(ink(png, { x: 20, y: 10, w: 300, h: 36 })).toBeGreaterThan(0.02); // the title's text
    expect(ink(png, { x: 100, y: 130, w: 1040, h: 160 })).toBeGreaterThan(0.005); // the North Star's line
    expect(ink(png, { x: 30, y: 345, w: 300, h: 50 })).toBeGreaterThan(0.01); // the first panel's label and value
    expect(ink(png, { x: 0, y: 700, w: 1200, h: 100 })).toBeLessThan(0.002); // two rows of panels: the rest is blank
  });

  it("leaves days without a value as gaps, never zeros", async () => {
    const model = buildChartModel(
      report({ northStar: line("MRR", { value: 5 }) }),
      rows(["MRR"], 83, (_, i) => (i < 40 ? undefined : 5)),
    );
    expect(model.northStar?.points.slice(0, 40)).toEqual(Array(40).fill(undefined));
    expect(model.northStar?.points[40]).toBe(5);
    expect(model.northStar?.points.at(-1)).toBe(5);
    const svg = await renderChartSvg(model);
    expect(svg).toContain("<path");
  });

  it("keeps at most 12 panels, in the report's order or chartMetrics' order", () => {
    const metrics = Array.from({ length: 60 }, (_, i) => line(`M${String(i).padStart(2, "0")}`, { value: i }));
    expect(buildChartModel(report({ metrics }), []).panels.map((p) => p.name)).toEqual(metrics.slice(0, MAX_PANELS).map((m) => m.name));
    expect(buildChartModel(report({ metrics }), [], { metrics: ["M07", "NOPE", "M03"] }).panels.map((p) => p.name)).toEqual(["M07", "M03"]);
  });

  it("draws a single point, equal values, negative values and no North Star without failing", async () => {
    const cases = [
      buildChartModel(report({ northStar: line("A", { value: 3 }) }), []),
      buildChartModel(
        report({ northStar: line("A", { value: 7 }) }),
        rows(["A"], 83, () => 7),
      ),
      buildChartModel(
        report({ northStar: line("A", { value: -40 }), metrics: [line("B", { value: -1 })] }),
        rows(["A", "B"], 83, (_, i) => -i),
      ),
      buildChartModel(
        report({ metrics: [line("B", { value: 2 })] }),
        rows(["B"], 10, () => 1),
      ),
    ];
    for (const model of cases) {
      const png = PNG.sync.read(await renderChartPng(model));
      expect(png.width).toBe(1200);
    }
  });

  it("says the North Star's trend in words for the alt text", () => {
    const up = buildChartModel(
      report({
        northStar: line("MRR", { label: "MRR", format: "currency", value: 2000, delta: 500, percent: 33.3, verdict: "better" }),
        comparisonDate: "2026-11-16",
      }),
      rows(["MRR"], 83, () => 1500),
    );
    expect(describeTrend(up)).toBe(`MRR rose from $1,500 to $2,000 over the 12 weeks to ${DATE}; +$500 (+33.3%) since 2026-11-16. Below: 0 more metrics.`);
    expect(describeTrend(buildChartModel(report(), []))).toMatch(/no North Star metric is set/);
  });
});
