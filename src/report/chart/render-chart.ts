import { createRequire } from "node:module";
import type * as Echarts from "echarts";
import type { ChartModel } from "./chart-model.js";
import { CHART_FONT, CHART_HEIGHT, CHART_WIDTH, chartOption } from "./echarts-option.js";

const require = createRequire(import.meta.url);

/** The shipped font: a Cloud Functions image may have none, so system fonts are never used. */
export function chartFontFile(): string {
  return require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
}

/** The chart as SVG, from ECharts' server-side SVG renderer (loaded on first use, never by a daily run). */
export async function renderChartSvg(model: ChartModel): Promise<string> {
  // The prebuilt single-file bundle loads in a fraction of the time of echarts' thousand ES modules.
  const echarts = require("echarts/dist/echarts.common.min.js") as typeof Echarts;
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption(chartOption(model));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The chart as PNG: the SVG rasterised by resvg with the shipped font only. */
export async function renderChartPng(model: ChartModel): Promise<Buffer> {
  const svg = await renderChartSvg(model);
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    background: "#ffffff",
    font: { fontFiles: [chartFontFile()], loadSystemFonts: false, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
  });
  return resvg.render().asPng();
}
