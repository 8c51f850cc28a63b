import { addDays } from "../../dates.js";
import type { HistoryRow } from "../../types.js";
import { CHART_HISTORY_DAYS } from "../chart-image.js";
import type { MetricLine, Verdict, WeeklyReport } from "../build-report.js";
import { formatDelta, formatPercentChange, formatValue, type MetricFormat } from "../format.js";

/** Days the chart spans, ending on the report date: 12 weeks, set where the weekly run reads its history. */
export const CHART_DAYS = CHART_HISTORY_DAYS;
/** The most small panels below the North Star. */
export const MAX_PANELS = 12;

/** One metric's line: a value per day, `undefined` where history has none (drawn as a gap, never 0). */
export interface ChartSeries {
  name: string;
  label: string;
  format: MetricFormat;
  /** One entry per `ChartModel.days`. */
  points: (number | undefined)[];
  /** The value today, as the report writes it. */
  valueText: string;
  /** `+12 (+8.1%)`, or absent when there is nothing to compare with. */
  changeText?: string;
  /** Good or bad news, with `lowerIsBetter` applied. */
  verdict: Verdict;
}

/** Everything the chart draws, already formatted: the renderers only lay it out. */
export interface ChartModel {
  date: string;
  /** The date the report compares with, marked on the North Star's line. */
  comparisonDate?: string;
  /** `CHART_DAYS` calendar dates, oldest first, ending with `date`. */
  days: string[];
  currency: string;
  northStar?: ChartSeries;
  /** At most `MAX_PANELS`, in the report's order (or `chartMetrics` order). */
  panels: ChartSeries[];
}

export interface ChartModelOptions {
  /** Only these metrics get panels, in this order. @default the report's order */
  metrics?: readonly string[];
}

/**
 * The chart of a weekly report. `rows` is the daily history that ends on the report date (at least
 * `CHART_DAYS` of it, when it exists); today's values come from the report itself.
 */
export function buildChartModel(report: WeeklyReport, rows: readonly HistoryRow[], options: ChartModelOptions = {}): ChartModel {
  const days = Array.from({ length: CHART_DAYS }, (_, i) => addDays(report.date, i - CHART_DAYS + 1));
  const byDate = new Map(rows.map((r) => [r.date, r.metrics]));
  const series = (line: MetricLine): ChartSeries => ({
    name: line.name,
    label: line.label,
    format: line.format,
    points: days.map((day) => (day === report.date ? line.value : byDate.get(day)?.[line.name])),
    valueText: formatValue(line.value, line.format, report.currency),
    changeText: line.delta === undefined ? undefined : `${formatDelta(line.delta, line.format, report.currency)} (${formatPercentChange(line.percent)})`,
    verdict: line.verdict,
  });
  const lines = options.metrics
    ? options.metrics.map((name) => report.metrics.find((l) => l.name === name)).filter((l): l is MetricLine => !!l)
    : report.metrics;
  return {
    date: report.date,
    comparisonDate: report.northStar?.comparisonDate ?? report.comparisonDate,
    days,
    currency: report.currency,
    northStar: report.northStar && series(report.northStar),
    panels: lines.slice(0, MAX_PANELS).map(series),
  };
}

/** The North Star's trend in words, for the image's alt text (Discord's attachment `description`). */
export function describeTrend(model: ChartModel): string {
  const star = model.northStar;
  if (!star) return `KPI trends over the 12 weeks to ${model.date}; no North Star metric is set.`;
  const known = star.points.filter((p): p is number => p !== undefined);
  if (!known.length) return `${star.label} has no values in the 12 weeks to ${model.date}.`;
  const first = known[0] as number;
  const last = known[known.length - 1] as number;
  const trend = last > first ? "rose" : last < first ? "fell" : "held steady";
  const from = formatValue(first, star.format, model.currency);
  const to = formatValue(last, star.format, model.currency);
  const change = star.changeText ? `; ${star.changeText} since ${model.comparisonDate}` : "";
  return `${star.label} ${trend} from ${from} to ${to} over the 12 weeks to ${model.date}${change}. Below: ${model.panels.length} more metrics.`;
}
