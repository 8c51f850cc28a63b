import { isFullPage, type PageObjectResponse, type QueryDataSourceResponse, type UpdatePageParameters } from "@notionhq/client";
import { formatReportMark, parseReportMarks } from "../../history/columns.js";
import type { HistoryRow, Metrics, ReportMark } from "../../types.js";
import { ALERTED_PROPERTY, REPORTED_TO_PROPERTY, REPORT_SENT_PROPERTY } from "./options.js";
import type { Schema } from "./schema-sync.js";

export type PropertyValues = NonNullable<UpdatePageParameters["properties"]>;
type PropertyValue = PageObjectResponse["properties"][string];

/** A history row together with the page that holds it. */
export interface StoredRow extends HistoryRow {
  pageId: string;
  createdTime: string;
}

/** Notion caps a rich-text item at 2,000 characters. */
const MAX_TEXT = 2000;

/** The properties that key a row by date: the title holds the date as text, the date column the date. */
export function keyProperties(schema: Schema, date: string): PropertyValues {
  return {
    [schema.titleProperty]: { title: [{ text: { content: date } }] },
    [schema.dateProperty]: { date: { start: date } },
  };
}

/** One number property per metric, named exactly as the metric; absent metrics are left alone. */
export function metricProperties(metrics: Metrics): PropertyValues {
  return Object.fromEntries(Object.entries(metrics).map(([name, value]) => [name, { number: value }]));
}

export function reportedToProperty(marks: readonly ReportMark[]): PropertyValues {
  return { [REPORTED_TO_PROPERTY]: { rich_text: [{ text: { content: marks.map(formatReportMark).join(", ").slice(0, MAX_TEXT) } }] } };
}

export function alertedProperty(sources: readonly string[]): PropertyValues {
  return { [ALERTED_PROPERTY]: { rich_text: [{ text: { content: sources.join(", ").slice(0, MAX_TEXT) } }] } };
}

export function fullPages(response: QueryDataSourceResponse): PageObjectResponse[] {
  return response.results.filter(isFullPage);
}

/** Reads a page back as a row: every number column with a value is a metric. */
export function pageToRow(schema: Schema, page: PageObjectResponse): StoredRow {
  const metrics: Metrics = {};
  let date: string | undefined;
  let title = "";
  let reportSent: boolean | undefined;
  let alerted: string[] | undefined;
  let reportedTo: ReportMark[] | undefined;
  for (const [name, value] of Object.entries(page.properties)) {
    if (value.type === "number" && typeof value.number === "number") metrics[name] = value.number;
    else if (name === schema.dateProperty && value.type === "date") date = value.date?.start.slice(0, 10);
    else if (name === schema.titleProperty && value.type === "title") title = plainText(value);
    else if (name === REPORT_SENT_PROPERTY && value.type === "checkbox") reportSent = value.checkbox;
    else if (name === ALERTED_PROPERTY && value.type === "rich_text") alerted = splitNames(plainText(value));
    else if (name === REPORTED_TO_PROPERTY && value.type === "rich_text") reportedTo = parseReportMarks(splitNames(plainText(value)));
  }
  const row: StoredRow = { pageId: page.id, createdTime: page.created_time, date: date ?? title.trim(), metrics };
  // An unchecked box or an empty cell is no mark: absent, as the other stores answer.
  if (reportSent) row.reportSent = true;
  if (alerted?.length) row.alerted = alerted;
  if (reportedTo?.length) row.reportedTo = reportedTo;
  return row;
}

/** The public shape, without the page bookkeeping: a copy, so a caller's change can't reach the rows the store remembers. */
export function toHistoryRow({ pageId: _pageId, createdTime: _createdTime, ...row }: StoredRow): HistoryRow {
  return structuredClone(row);
}

function plainText(value: PropertyValue): string {
  const parts = value.type === "title" ? value.title : value.type === "rich_text" ? value.rich_text : [];
  return parts.map((part) => part.plain_text).join("");
}

function splitNames(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
