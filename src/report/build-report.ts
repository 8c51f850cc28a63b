import { addDays, daysBetween } from "../dates.js";
import { KpiError } from "../errors.js";
import type { HistoryRow, HistoryStore, Metrics, SourceFailure } from "../types.js";
import { difference, direction, type Direction, type MetricDisplay, type MetricFormat } from "./format.js";
import { seriesStart, weeklySeries } from "./sparkline.js";
import { buildNorthStarBlock, NORTH_STAR_DAYS, type NorthStarAggregate, type NorthStarBlock } from "./north-star.js";

/** What a weekly report is built from: a run's snapshot, or a history row. */
export interface ReportInput {
  date: string;
  metrics: Metrics;
  failures?: readonly SourceFailure[];
  /** Remarks on single metrics (`Snapshot.notes`), shown beside their value. */
  notes?: Readonly<Record<string, string>>;
}

export interface ReportOptions {
  /** Compare with the row this many days earlier, or the nearest earlier one within 7 more days. @default 14 */
  compareDays?: number;
  /** The metric the header leads with. */
  northStar?: string;
  /** Labels and formats, by metric name; listed metrics come first, in this order. */
  metrics?: Record<string, MetricDisplay>;
  /** Labels and formats declared elsewhere (derived metrics), for metrics `metrics` doesn't list; they don't change the order. */
  declared?: Record<string, MetricDisplay>;
  /** How the north star's 7- and 28-day views combine its days. @default "last" */
  northStarAggregate?: NorthStarAggregate;
  /** ISO 4217 code for `currency` metrics. @default "USD" */
  currency?: string;
  /** Points in each sparkline, one a week. @default 8 */
  sparklineWeeks?: number;
}

/** What the config says about every report, whichever destination posts it. */
export type ReportSettings = Pick<ReportOptions, "northStar" | "northStarAggregate" | "declared">;

/** The input for the report of a date already in history; fails when that date has no row. */
export async function storedReportInput(history: HistoryStore, date: string): Promise<ReportInput> {
  const row = await history.get(date);
  if (!row) throw new KpiError("history_row_missing", `no history row for ${date}: run the daily job for that date first`);
  return { date: row.date, metrics: row.metrics, failures: [] };
}

/** Whether a change is good news, given `lowerIsBetter`. */
export type Verdict = "better" | "worse" | "same" | "unknown";

export interface MetricLine {
  name: string;
  label: string;
  format: MetricFormat;
  lowerIsBetter: boolean;
  value?: number;
  /** The value of the latest row in the comparison window that has this metric. */
  previous?: number;
  /** The date of that row; it can be earlier than the report's `comparisonDate`. */
  comparisonDate?: string;
  delta?: number;
  /** Relative change in percent; absent when `previous` is missing or 0. */
  percent?: number;
  direction?: Direction;
  verdict: Verdict;
  /** One value a week, oldest first, ending with `value`. */
  weekly: (number | undefined)[];
  /** A remark on this run's value, e.g. `avg over 25 of 28 days`. */
  note?: string;
}

export interface WeeklyReport {
  date: string;
  compareDays: number;
  /** The latest date any metric is compared with; absent when no metric has a value to compare with. */
  comparisonDate?: string;
  /** No earlier row with any value: this report is the first. */
  baseline: boolean;
  currency: string;
  northStar?: MetricLine;
  /** The block the report opens with: the north star today, its 7- and 28-day views and a trend. */
  northStarBlock?: NorthStarBlock;
  /**
   * Every metric except the north star, listed ones first, then by name: those measured this run,
   * those a failed source declares, and those listed in `metrics` that have a comparison value.
   * Other numbers in history (a column added by hand) get no line.
   */
  metrics: MetricLine[];
  failures: SourceFailure[];
}

const COMPARE_WINDOW_DAYS = 7;

/**
 * Reads history only through the `HistoryStore` interface: one `range` call, plus a second
 * `range` over the comparison window when the sparklines' range doesn't reach back to it.
 */
export async function buildWeeklyReport(input: ReportInput, history: HistoryStore, options: ReportOptions = {}): Promise<WeeklyReport> {
  const compareDays = options.compareDays ?? 14;
  const weeks = options.sparklineWeeks ?? 8;
  const target = addDays(input.date, -compareDays);
  // The north star block's two 28-day windows are read by the same request.
  const from = [seriesStart(input.date, weeks), options.northStar ? addDays(input.date, 1 - NORTH_STAR_DAYS) : input.date].sort()[0] as string;
  const earliest = addDays(target, -COMPARE_WINDOW_DAYS);
  // The sparklines' range usually covers the comparison window too; then one read serves both.
  const covered = earliest >= from;
  const [rows, older] = await Promise.all([history.range(from, input.date), covered ? undefined : history.range(earliest, target)]);
  const window = (older ?? rows).filter((r) => r.date <= target && r.date >= earliest);
  const earlier = rows.filter((r) => r.date < input.date);
  const display = options.metrics ?? {};
  const names = new Set([
    ...Object.keys(input.metrics),
    ...(input.failures ?? []).flatMap((f) => f.metrics ?? []),
    ...Object.keys(display).filter((n) => latestWith(window, n)),
  ]);
  const ordered = [...Object.keys(display).filter((n) => names.has(n)), ...[...names].filter((n) => !(n in display)).sort()];
  const lines = ordered.map((name) => {
    const shown = display[name] ?? (options.declared && Object.hasOwn(options.declared, name) ? options.declared[name] : undefined) ?? {};
    const note = input.notes && Object.hasOwn(input.notes, name) ? input.notes[name] : undefined;
    const row = latestWith(window, name);
    const line: MetricLine = {
      name,
      label: shown.label ?? name,
      format: shown.format ?? "number",
      lowerIsBetter: shown.lowerIsBetter ?? false,
      value: input.metrics[name],
      previous: row?.metrics[name],
      comparisonDate: row?.date,
      verdict: "unknown",
      weekly: weeklySeries(earlier, input.date, weeks, name, input.metrics),
      ...(note ? { note } : {}),
    };
    return compare(line);
  });
  const northStar = lines.find((l) => l.name === options.northStar);
  const comparisonDate = lines.map((l) => l.comparisonDate).reduce<string | undefined>((a, b) => (b && (!a || b > a) ? b : a), undefined);
  return {
    date: input.date,
    compareDays,
    comparisonDate,
    baseline: !comparisonDate && !earlier.some((r) => Object.keys(r.metrics).length),
    currency: options.currency ?? "USD",
    northStar,
    ...(northStar ? { northStarBlock: buildNorthStarBlock(northStar, input.date, rows, options.northStarAggregate ?? "last") } : {}),
    metrics: lines.filter((l) => l !== northStar),
    failures: (input.failures ?? []).map((f) => ({ source: f.source, error: f.error })),
  };
}

/** Rows where every source failed, or made by `markReport`, have no values: they are skipped. */
function latestWith(rows: readonly HistoryRow[], metric: string): HistoryRow | undefined {
  return rows.findLast((r) => r.metrics[metric] !== undefined);
}

function compare(line: MetricLine): MetricLine {
  const { value, previous } = line;
  if (value === undefined || previous === undefined) return line;
  const delta = difference(value, previous);
  const dir = direction(delta);
  const good = line.lowerIsBetter ? "down" : "up";
  return {
    ...line,
    delta,
    // Against |previous|, so a loss shrinking from -100 to -50 reads +50%.
    percent: previous === 0 ? undefined : (delta / Math.abs(previous)) * 100,
    direction: dir,
    verdict: dir === "same" ? "same" : dir === good ? "better" : "worse",
  };
}

/** Days between the comparison row and the report date, when there is one. */
export function comparisonAge(report: WeeklyReport): number | undefined {
  return report.comparisonDate ? daysBetween(report.comparisonDate, report.date) : undefined;
}
