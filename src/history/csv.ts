import type { HistoryRow } from "../types.js";
import { ALERTED_COLUMN, REPORTED_TO_COLUMN, REPORT_SENT_COLUMN, formatReportMark, parseReportMarks } from "./columns.js";

const DATE_COLUMN = "date";

/** The history CSV: one row per date, one column per metric; an empty cell is a missing value, never 0. */
export function parseHistoryCsv(text: string): HistoryRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = lines.shift()?.split(",").map(unquote);
  if (!header) return [];
  if (header[0] !== DATE_COLUMN) throw new Error(`the first column must be "${DATE_COLUMN}", found "${header[0] ?? ""}"`);
  return lines.map((line, index) => {
    const cells = line.split(",").map(unquote);
    const row: HistoryRow = { date: cells[0] ?? "", metrics: {} };
    header.forEach((column, i) => {
      const cell = cells[i] ?? "";
      if (i === 0 || cell === "") return;
      if (column === REPORT_SENT_COLUMN) row.reportSent = cell === "true";
      else if (column === ALERTED_COLUMN) row.alerted = cell.split(";").filter(Boolean);
      else if (column === REPORTED_TO_COLUMN) row.reportedTo = parseReportMarks(cell.split(";"));
      else {
        const value = Number(cell);
        if (!Number.isFinite(value)) throw new Error(`line ${index + 2}, column ${column}: "${cell}" is not a number`);
        row.metrics[column] = value;
      }
    });
    return row;
  });
}

export function formatHistoryCsv(rows: HistoryRow[]): string {
  const metrics = [...new Set(rows.flatMap((row) => Object.keys(row.metrics)))].sort();
  // A file from before `Reported to` keeps its `Report sent` column, so those reports stay marked.
  const legacy = rows.some((row) => row.reportSent);
  const header = [DATE_COLUMN, ...metrics, ...(legacy ? [REPORT_SENT_COLUMN] : []), ALERTED_COLUMN, REPORTED_TO_COLUMN];
  const body = [...rows]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((row) =>
      [
        row.date,
        ...metrics.map((m) => (row.metrics[m] === undefined ? "" : String(row.metrics[m]))),
        ...(legacy ? [row.reportSent ? "true" : ""] : []),
        (row.alerted ?? []).join(";"),
        (row.reportedTo ?? []).map(formatReportMark).join(";"),
      ].join(","),
    );
  return [header.join(","), ...body].join("\n") + "\n";
}

function unquote(cell: string): string {
  const trimmed = cell.trim();
  return trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replace(/""/g, '"') : trimmed;
}
