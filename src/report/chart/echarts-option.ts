import type { Verdict } from "../build-report.js";
import { axisLabel } from "./axis-format.js";
import type { ChartModel, ChartSeries } from "./chart-model.js";

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 800;
export const CHART_FONT = "DejaVu Sans";

// Three columns and large type: the image is read on phones, scaled to about a third.
const COLUMNS = 3;
const PANELS_TOP = 345;
const PANEL_MAX_HEIGHT = 220;
const VERDICT_COLORS: Record<Verdict, string> = { better: "#1f8f4e", worse: "#cf3a3a", same: "#6b7280", unknown: "#6b7280" };
const LINE = "#3b5bdb";

type Option = Record<string, unknown>;

/**
 * The ECharts option of the report chart: the North Star's 12 weeks on top, with the comparison
 * date and today marked, and a grid of small panels below, one per metric.
 */
export function chartOption(model: ChartModel): Option {
  const title: Option[] = [{ text: `KPI report ${model.date}`, left: 24, top: 12, textStyle: { fontSize: 28, fontWeight: "bold" } }];
  const grid: Option[] = [];
  const xAxis: Option[] = [];
  const yAxis: Option[] = [];
  const series: Option[] = [];
  const add = (s: ChartSeries, box: { left: number; top: number; width: number; height: number }, big: boolean) => {
    const index = grid.length;
    grid.push({ ...box, containLabel: false });
    xAxis.push({
      type: "category",
      data: model.days,
      gridIndex: index,
      boundaryGap: false,
      axisLabel: big ? { fontSize: 15, formatter: (d: string) => d.slice(5), interval: 13 } : { show: false },
      axisTick: { show: big },
    });
    yAxis.push({
      type: "value",
      gridIndex: index,
      scale: true,
      splitNumber: big ? 5 : 2,
      // A small panel labels only its lowest and highest value: more labels overlap at its height.
      ...(big ? {} : extremes(s.points)),
      axisLabel: { fontSize: big ? 15 : 14, formatter: (v: number) => axisLabel(v, s.format, model.currency) },
    });
    series.push({
      type: "line",
      name: s.label,
      xAxisIndex: index,
      yAxisIndex: index,
      data: s.points.map((p) => (p === undefined ? null : p)),
      connectNulls: false,
      showSymbol: s.points.filter((p) => p !== undefined).length === 1,
      symbolSize: 8,
      lineStyle: { width: big ? 3 : 2, color: LINE },
      itemStyle: { color: LINE },
      ...(big ? { markLine: markers(model) } : {}),
    });
    const change = s.changeText ? `  ${s.changeText}` : "";
    title.push({
      text: `${big ? "★ " : ""}${s.label}`,
      subtext: `{value|${s.valueText}}{${s.verdict}|${change}}`,
      left: box.left - 60,
      top: box.top - (big ? 68 : 56),
      textStyle: { fontSize: big ? 22 : 18, fontWeight: "bold", width: box.width + 50, overflow: "truncate" },
      subtextStyle: { fontSize: big ? 20 : 17, color: "#111827", rich: richVerdicts(big ? 20 : 17) },
      itemGap: 2,
    });
  };
  if (model.northStar) add(model.northStar, { left: 96, top: 130, width: CHART_WIDTH - 150, height: 160 }, true);
  else title.push({ text: "No North Star metric: set northStar in the config", left: 96, top: 150, textStyle: { fontSize: 20, color: "#6b7280" } });
  const width = (CHART_WIDTH - 40) / COLUMNS;
  const rowHeight = Math.min(PANEL_MAX_HEIGHT, (CHART_HEIGHT - PANELS_TOP - 10) / Math.max(1, Math.ceil(model.panels.length / COLUMNS)));
  model.panels.forEach((panel, i) => {
    const column = i % COLUMNS;
    const row = Math.floor(i / COLUMNS);
    const top = PANELS_TOP + row * rowHeight + 56;
    add(panel, { left: 20 + column * width + 70, top, width: width - 90, height: rowHeight - 56 - 16 }, false);
  });
  return { animation: false, backgroundColor: "#ffffff", textStyle: { fontFamily: CHART_FONT }, title, grid, xAxis, yAxis, series };
}

function extremes(points: readonly (number | undefined)[]): Option {
  const known = points.filter((p): p is number => p !== undefined);
  if (!known.length) return {};
  const [min, max] = [Math.min(...known), Math.max(...known)];
  return max > min ? { min, max, interval: max - min } : {};
}

function markers(model: ChartModel): Option {
  const data: Option[] = [{ xAxis: model.date, label: { formatter: "today" } }];
  if (model.comparisonDate && model.days.includes(model.comparisonDate))
    data.unshift({ xAxis: model.comparisonDate, label: { formatter: model.comparisonDate } });
  return { symbol: "none", silent: true, lineStyle: { color: "#9ca3af", type: "dashed" }, label: { fontSize: 12, color: "#4b5563" }, data };
}

function richVerdicts(fontSize: number): Option {
  const verdicts = Object.entries(VERDICT_COLORS).map(([verdict, color]) => [verdict, { color, fontSize, fontWeight: "bold" }]);
  return { value: { color: "#111827", fontSize, fontWeight: "bold" }, ...(Object.fromEntries(verdicts) as Option) };
}
