import { isIsoDate } from "../dates.js";
import type { HistoryRow } from "../types.js";
import { ALERTED_COLUMN, REPORTED_TO_COLUMN, REPORT_SENT_COLUMN, formatReportMark, parseReportMarks } from "./columns.js";

/** The first column, which keys rows. */
export const DATE_COLUMN = "date";

/**
 * The history CSV: one row per date, one column per metric; an empty cell is a missing value, never 0.
 * Only what `formatHistoryCsv` writes is read: a line cut short or a cell it would not write
 * (`0x10`, `1e3`, `1,5`) is an error naming the line, never a row kept with a wrong or missing value.
 */
export function parseHistoryCsv(text: string): HistoryRow[] {
  const lines = text.split("\n").map((line) => line.replace(/\r$/, ""));
  const headerAt = lines.findIndex((line) => line.trim() !== "");
  if (headerAt < 0) return [];
  const header = (lines[headerAt] as string).split(",").map(unquote);
  if (header[0] !== DATE_COLUMN) throw new Error(`the first column must be "${DATE_COLUMN}", found "${header[0] ?? ""}"`);
  checkHeader(`line ${headerAt + 1}`, header);
  // The writer ends every line with a newline: a last line without one was cut short.
  if (!text.endsWith("\n")) throw new Error(`line ${lines.length} is cut short (no newline at its end); restore the file from a backup or remove that line`);
  const dates = new Map<string, number>();
  const rows: HistoryRow[] = [];
  lines.forEach((line, index) => {
    if (index <= headerAt || line.trim() === "") return;
    const at = `line ${index + 1}`;
    const cells = line.split(",").map(unquote);
    if (cells.length !== header.length)
      throw new Error(`${at} has ${cells.length} cells where the header has ${header.length}; the line is cut short or malformed`);
    const date = cells[0] as string;
    if (!isIsoDate(date)) throw new Error(`${at}: "${date}" is not a date (YYYY-MM-DD)`);
    const earlier = dates.get(date);
    if (earlier !== undefined) throw new Error(`${at}: ${date} is already on line ${earlier}; keep one of the two lines`);
    dates.set(date, index + 1);
    rows.push(readRow(at, date, header, cells));
  });
  return rows;
}

/** Each column named once, and named as the writer names one: otherwise a value would be dropped or misfiled. */
function checkHeader(at: string, header: readonly string[]): void {
  header.forEach((column, i) => {
    if (column === "") throw new Error(`${at}: column ${i + 1} has no name; name it or remove it`);
    if (column === "__proto__") throw new Error(`${at}: column "${column}" is not a metric name kpi-collector writes; rename it`);
    const first = header.indexOf(column);
    if (first < i) throw new Error(`${at}: column "${column}" is there twice (columns ${first + 1} and ${i + 1}); keep one of the two`);
  });
}

function readRow(at: string, date: string, header: readonly string[], cells: readonly string[]): HistoryRow {
  const row: HistoryRow = { date, metrics: {} };
  header.forEach((column, i) => {
    const cell = cells[i] ?? "";
    if (i === 0 || cell === "") return;
    if (column === REPORT_SENT_COLUMN) {
      if (cell !== "true") throw new Error(`${at}, column ${column}: "${cell}" is neither empty nor true`);
      row.reportSent = true;
    } else if (column === ALERTED_COLUMN) row.alerted = cell.split(";").filter(Boolean);
    else if (column === REPORTED_TO_COLUMN) row.reportedTo = parseReportMarks(cell.split(";"));
    else row.metrics[column] = writtenNumber(at, column, cell);
  });
  return row;
}

/** A number exactly as `String(number)` writes it: `1234.5`, `-3`, `1e+21`; not `0x10`, `1e3` or `1,234`. */
function writtenNumber(at: string, column: string, cell: string): number {
  const value = Number(cell);
  if (!Number.isFinite(value) || String(value) !== cell)
    throw new Error(`${at}, column ${column}: "${cell}" is not a number as kpi-collector writes it (e.g. 1234.5)`);
  return value;
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
        ...metrics.map((m) => (Object.hasOwn(row.metrics, m) && row.metrics[m] !== undefined ? String(row.metrics[m]) : "")),
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
