import { ARROWS, formatDelta, formatPercentChange, formatValue } from "./format.js";
import type { NorthStarBlock, NorthStarView, TrendKind } from "./north-star.js";
import type { Markup } from "./wording.js";

const TREND_MARKS: Record<TrendKind, string> = { rising: "↗", falling: "↘", steady: "→", mixed: "↕", unknown: "·" };

/** The block's views and trend as lines of the renderer's markup, for the report's header. */
export function northStarViewLines(block: NorthStarBlock, currency: string, m: Markup & { escape(text: string): string }): string[] {
  const format = block.line.format;
  const lines = block.views.map((v) => {
    const now = m.bold(formatValue(v.value, format, currency));
    if (v.value === undefined || v.previous === undefined) return `${viewLabel(v)}: ${now}, nothing to compare with: ${m.escape(v.missing ?? "no value")}`;
    const change = `${ARROWS[v.direction ?? "same"]} ${formatDelta(v.delta, format, currency)} (${formatPercentChange(v.percent)})`;
    return `${viewLabel(v)}: ${now} ${change}, was ${formatValue(v.previous, format, currency)}`;
  });
  lines.push(`${TREND_MARKS[block.trend.kind]} ${m.escape(block.trend.text)}`);
  return lines;
}

function viewLabel(view: NorthStarView): string {
  if (view.aggregate === "last") return `vs ${view.days} days ago`;
  return `${view.days}-day ${view.aggregate === "sum" ? "sum" : "average"}`;
}
