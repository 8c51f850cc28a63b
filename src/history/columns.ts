/** Columns every history store keeps beside the metrics, in the CSV file and in Notion alike. */

import type { ReportMark } from "../types.js";

/** Legacy: set once the weekly report of that date was posted. Still read (it means "reported by discord"), no longer written. */
export const REPORT_SENT_COLUMN = "Report sent";
/** The sources already alerted about that date, so each failure is announced once. */
export const ALERTED_COLUMN = "Alerted";
/** The report destinations that claimed that date's weekly report, with their progress: `discord, slack 1/3`. */
export const REPORTED_TO_COLUMN = "Reported to";

/** The `Alerted` sources after `added` were alerted about: each once, sorted, in every store. */
export function mergeAlerted(known: readonly string[] | undefined, added: readonly string[]): string[] {
  return [...new Set([...(known ?? []), ...added])].sort();
}

/** The marks after `mark` replaced its destination's previous one, sorted by destination, in every store. */
export function mergeReportMark(known: readonly ReportMark[] | undefined, mark: ReportMark): ReportMark[] {
  return [...(known ?? []).filter((m) => m.destination !== mark.destination), mark].sort((a, b) => a.destination.localeCompare(b.destination));
}

/** One mark as a cell entry: `discord` once complete, `discord 1/3` while under way. */
export function formatReportMark(mark: ReportMark): string {
  return mark.progress ? `${mark.destination} ${mark.progress.sent}/${mark.progress.parts}` : mark.destination;
}

const UNDER_WAY = /^(.+) (\d+)\/(\d+)$/;

/** Reads the entries of a `Reported to` cell back; blank entries are skipped. */
export function parseReportMarks(entries: readonly string[]): ReportMark[] {
  return entries
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = UNDER_WAY.exec(entry);
      if (!match) return { destination: entry };
      return { destination: match[1] as string, progress: { sent: Number(match[2]), parts: Number(match[3]) } };
    });
}
