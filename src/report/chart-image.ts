import { addDays } from "../dates.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log/logger.js";
import type { HistoryRow, HistoryStore } from "../types.js";
import type { WeeklyReport } from "./build-report.js";

/** The report's chart as a PNG file, ready to upload. */
export interface ChartImage {
  /** `kpi-report-2026-11-30.png`: only `[A-Za-z0-9._-]`, which Discord keeps as is. */
  filename: string;
  png: Uint8Array;
  /** The North Star's trend in words: the image's alt text. */
  description: string;
}

export interface ChartImageOptions {
  /** Only these metrics get panels, in this order. @default the report's order */
  metrics?: readonly string[];
}

/** Larger charts are left out: Discord shows a report's image inline, and 1 MiB is plenty for 1200×800. */
export const MAX_CHART_BYTES = 1024 * 1024;
/** Days of history the chart draws, ending on the report date: 12 weeks. Here, not in chart/, which loads only to draw. */
export const CHART_HISTORY_DAYS = 12 * 7;

export const chartFilename = (date: string): string => `kpi-report-${date}.png`;

/** Draws a report's chart; resolves undefined when it could not (the failure is logged). */
export type ChartRenderer = (report: WeeklyReport) => Promise<ChartImage | undefined>;

/**
 * Reads the chart's 12 weeks of history before the report reads its own shorter span, so a store
 * that remembers what a run read (Notion) answers the report from memory: the chart costs no request.
 * The charting modules load here, by a dynamic import: a daily run never loads them. A chart never
 * costs the report: any failure is a warning and the renderer gives no image.
 */
export async function prepareChart(history: HistoryStore, date: string, options: ChartImageOptions, logger: Logger): Promise<ChartRenderer> {
  const warn = (error: unknown) => {
    logger.warn(`the weekly report of ${date} goes without its chart: ${errorMessage(error)}`, { date });
    return undefined;
  };
  let rows: HistoryRow[];
  try {
    rows = await history.range(addDays(date, 1 - CHART_HISTORY_DAYS), date);
  } catch (error) {
    return async () => warn(error);
  }
  return async (report) => {
    try {
      return await renderChartImage(report, rows, options);
    } catch (error) {
      return warn(error);
    }
  };
}

/** What a chart is drawn from: the report, its daily history (`CHART_HISTORY_DAYS` to its date) and the panels chosen. */
export interface ChartInput {
  report: WeeklyReport;
  rows: readonly HistoryRow[];
  options: ChartImageOptions;
}

/** The chart as SVG, for `kpi-collector chart --out FILE.svg`. */
export async function renderChartSvgImage({ report, rows, options }: ChartInput): Promise<string> {
  const [{ buildChartModel }, { renderChartSvg }] = await Promise.all([import("./chart/chart-model.js"), import("./chart/render-chart.js")]);
  return renderChartSvg(buildChartModel(report, rows, options));
}

/** The chart of `report` from `rows`, its daily history; throws when it can't be drawn or is too large. */
export async function renderChartImage(report: WeeklyReport, rows: readonly HistoryRow[], options: ChartImageOptions = {}): Promise<ChartImage> {
  const [{ buildChartModel, describeTrend }, { renderChartPng }] = await Promise.all([import("./chart/chart-model.js"), import("./chart/render-chart.js")]);
  const model = buildChartModel(report, rows, options);
  const png = await renderChartPng(model);
  if (png.length > MAX_CHART_BYTES) throw new Error(`the chart is ${png.length} bytes, more than ${MAX_CHART_BYTES}`);
  return { filename: chartFilename(report.date), png, description: describeTrend(model).slice(0, 1024) };
}
