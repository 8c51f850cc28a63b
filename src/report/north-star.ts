import { addDays } from "../dates.js";
import type { HistoryRow } from "../types.js";
import type { MetricLine, Verdict } from "./build-report.js";
import { difference, direction, formatDelta, formatPercentChange, type Direction } from "./format.js";
import { NORTH_STAR_VIEWS } from "./north-star-days.js";

/**
 * How a window of days becomes one number: `sum` and `avg` of its days (each day needs a value),
 * or `last`, the value on its last day (for gauges such as active users).
 */
export type NorthStarAggregate = "sum" | "avg" | "last";

export { NORTH_STAR_DAYS, NORTH_STAR_VIEWS } from "./north-star-days.js";

/** One time scale of the north star: the window ending on the report date against the one before it. */
export interface NorthStarView {
  /** The window's length in days. */
  days: number;
  aggregate: NorthStarAggregate;
  /** The window, first and last day inclusive; `to` is the report date. */
  from: string;
  to: string;
  /** The window before it, of the same length. */
  previousFrom: string;
  previousTo: string;
  value?: number;
  previous?: number;
  delta?: number;
  /** Relative change in percent; absent when `previous` is missing or 0. */
  percent?: number;
  direction?: Direction;
  verdict: Verdict;
  /** Why `value` or `previous` is absent: `values on 25 of 28 days`, `no value on 2026-11-23`. */
  missing?: string;
}

/** Which way the views point together. */
export type TrendKind = "rising" | "falling" | "steady" | "mixed" | "unknown";

/** The block a weekly report opens with: the north star today, its 7- and 28-day views, and a trend. */
export interface NorthStarBlock {
  name: string;
  label: string;
  line: MetricLine;
  aggregate: NorthStarAggregate;
  /** The 7-day view, then the 28-day one. */
  views: NorthStarView[];
  trend: {
    kind: TrendKind;
    /** Good or bad news, given `lowerIsBetter`: `better` only when every known view is better. */
    verdict: Verdict;
    /** One plain-text line, no markdown: `Rising: up on the 7 days (+3.7%) and on the 28 days (+4.9%).` */
    text: string;
  };
}

/** `rows` must cover the `NORTH_STAR_DAYS` days up to the report date; today's value is the line's. */
export function buildNorthStarBlock(line: MetricLine, date: string, rows: readonly HistoryRow[], aggregate: NorthStarAggregate): NorthStarBlock {
  const byDate = new Map(rows.map((r) => [r.date, r.metrics]));
  const valueOn = (day: string): number | undefined => {
    if (day === date) return line.value;
    const metrics = byDate.get(day);
    const value = metrics && Object.hasOwn(metrics, line.name) ? metrics[line.name] : undefined;
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
  };
  const views = NORTH_STAR_VIEWS.map((days) => view(days, date, aggregate, valueOn, line.lowerIsBetter));
  return { name: line.name, label: line.label, line, aggregate, views, trend: trend(views, line) };
}

function view(days: number, date: string, aggregate: NorthStarAggregate, valueOn: (day: string) => number | undefined, lowerIsBetter: boolean): NorthStarView {
  const to = date;
  const from = addDays(to, -(days - 1));
  const previousTo = addDays(to, -days);
  const previousFrom = addDays(previousTo, -(days - 1));
  const current = combine(from, to, aggregate, valueOn);
  const before = combine(previousFrom, previousTo, aggregate, valueOn);
  const result: NorthStarView = { days, aggregate, from, to, previousFrom, previousTo, value: current.value, previous: before.value, verdict: "unknown" };
  const missing = [current.missing, before.missing].filter(Boolean).join("; ");
  if (missing) result.missing = missing;
  if (current.value === undefined || before.value === undefined) return result;
  const delta = difference(current.value, before.value);
  const dir = direction(delta);
  result.delta = delta;
  if (before.value !== 0) result.percent = (delta / Math.abs(before.value)) * 100;
  result.direction = dir;
  result.verdict = dir === "same" ? "same" : (dir === "up") !== lowerIsBetter ? "better" : "worse";
  return result;
}

/** One number for the days `from`..`to`, exact: a window short of a day has none. */
function combine(from: string, to: string, aggregate: NorthStarAggregate, valueOn: (day: string) => number | undefined): { value?: number; missing?: string } {
  if (aggregate === "last") {
    const value = valueOn(to);
    return value === undefined ? { missing: `no value on ${to}` } : { value };
  }
  let total = 0;
  let count = 0;
  let length = 0;
  for (let day = from; day <= to; day = addDays(day, 1)) {
    length++;
    const value = valueOn(day);
    if (value === undefined) continue;
    total += value;
    count++;
  }
  if (count < length) return { missing: `values on ${count} of ${length} days from ${from} to ${to}` };
  const value = aggregate === "sum" ? total : total / count;
  return { value: Number(value.toPrecision(15)) };
}

const WORDS: Record<Direction, string> = { up: "up", down: "down", same: "unchanged" };

function trend(views: readonly NorthStarView[], line: MetricLine): NorthStarBlock["trend"] {
  const known = views.filter((v) => v.direction !== undefined);
  if (!known.length)
    return { kind: "unknown", verdict: "unknown", text: `Not enough history yet to compare the ${views.map((v) => `${v.days}-day`).join(" or ")} windows.` };
  const directions = new Set(known.map((v) => v.direction));
  const kind: TrendKind = directions.size > 1 ? "mixed" : directions.has("up") ? "rising" : directions.has("down") ? "falling" : "steady";
  const verdicts = new Set(known.map((v) => v.verdict));
  const verdict: Verdict = verdicts.size === 1 ? (known[0] as NorthStarView).verdict : "unknown";
  const change = (v: NorthStarView) => (v.percent !== undefined ? formatPercentChange(v.percent) : formatDelta(v.delta, line.format));
  const parts = known.map((v) => `${WORDS[v.direction as Direction]} on the ${v.days} days (${change(v)})`);
  const unknown = views.filter((v) => v.direction === undefined).map((v) => `the ${v.days}-day view has no comparison yet`);
  const head = kind.charAt(0).toUpperCase() + kind.slice(1);
  return { kind, verdict, text: `${head}: ${parts.join(kind === "mixed" ? ", " : " and ")}${unknown.length ? `; ${unknown.join(", ")}` : ""}.` };
}
