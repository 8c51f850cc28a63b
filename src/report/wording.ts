import { comparisonAge, type MetricLine, type WeeklyReport } from "./build-report.js";
import { ARROWS, formatDelta, formatPercentChange, formatValue, NOT_AVAILABLE } from "./format.js";
import { sparkline } from "./sparkline.js";

/** How a renderer marks text up: Discord's Markdown and Slack's mrkdwn differ only here. */
export interface Markup {
  bold(text: string): string;
  code(text: string): string;
  /** Text from configs and servers, made inert. */
  escape(text: string): string;
}

/** What the report compares with, in one sentence: the date and how far back, or why there is none. */
export function comparisonSentence(report: WeeklyReport, m: Markup): string {
  if (report.baseline) return "No earlier history: this report is the baseline.";
  const age = comparisonAge(report);
  if (report.comparisonDate === undefined) return `No row from the ${report.compareDays} to ${report.compareDays + 7} days before to compare with.`;
  const when = age === report.compareDays ? `${age} days earlier` : `${age} days earlier, the nearest row before ${report.compareDays} days`;
  return `Compared with ${m.bold(report.comparisonDate)} (${when}).`;
}

/** Some metric is compared with an earlier row than the report's comparison date (its line names that date). */
export function mixedComparison(report: WeeklyReport): boolean {
  return [report.northStar, ...report.metrics].some((l) => l?.comparisonDate && l.comparisonDate !== report.comparisonDate);
}

/** Two lines: the value with its change, then the earlier value (dated when not the report's comparison date) and the trend. */
export function metricLines(line: MetricLine, report: WeeklyReport, m: Markup): [string, string] {
  const { currency } = report;
  const now = m.bold(formatValue(line.value, line.format, currency));
  let change: string;
  if (line.value === undefined) change = "(no value this run)";
  else if (line.delta === undefined) change = `(change ${NOT_AVAILABLE})`;
  else change = `${ARROWS[line.direction ?? "same"]} ${formatDelta(line.delta, line.format, currency)} (${formatPercentChange(line.percent)})`;
  const spark = sparkline(line.weekly);
  const dated = line.comparisonDate && line.comparisonDate !== report.comparisonDate ? ` on ${line.comparisonDate}` : "";
  const note = line.note ? ` · ${m.escape(line.note)}` : "";
  return [`${now} ${change}`, `was ${formatValue(line.previous, line.format, currency)}${dated}${spark ? ` · ${m.code(spark)}` : ""}${note}`];
}
