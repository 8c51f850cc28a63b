import { addDays } from "../dates.js";
import type { HistoryRow, Metrics } from "../types.js";

const BARS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;
/** Marks a week without a value, so the bars keep their places. */
const SPARK_GAP = "·";

/** Bars scaled from the series' own minimum to maximum; a flat series sits in the middle. */
export function sparkline(values: readonly (number | undefined)[]): string {
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (!known.length) return "";
  const min = Math.min(...known);
  const span = Math.max(...known) - min;
  return values
    .map((v) => {
      if (v === undefined || !Number.isFinite(v)) return SPARK_GAP;
      if (span === 0) return BARS[3];
      return BARS[Math.min(BARS.length - 1, Math.floor(((v - min) / span) * BARS.length))];
    })
    .join("");
}

/** The first date `range()` must cover to fill `weeks` weekly points ending at `date`. */
export function seriesStart(date: string, weeks: number): string {
  return addDays(date, -7 * (weeks - 1) - 6);
}

/**
 * One value per week, oldest first, ending at `date`: for each week the nearest
 * row on or before that day and after the week before it. `current` stands for `date` itself.
 */
export function weeklySeries(rows: readonly HistoryRow[], date: string, weeks: number, metric: string, current?: Metrics): (number | undefined)[] {
  const sorted = [...rows].sort((a, b) => a.date.localeCompare(b.date));
  const series: (number | undefined)[] = [];
  for (let week = weeks - 1; week >= 0; week--) {
    const day = addDays(date, -7 * week);
    if (week === 0 && current) {
      series.push(current[metric]);
      continue;
    }
    const earliest = addDays(day, -6);
    const row = sorted.filter((r) => r.date <= day && r.date >= earliest && r.metrics[metric] !== undefined).pop();
    series.push(row?.metrics[metric]);
  }
  return series;
}
