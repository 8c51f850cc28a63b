import type { DestinationOptions } from "../destinations/registry.js";
import { DEFAULT_DATE_PROPERTY, INIT_TITLE_PROPERTY, NOTION_TYPE } from "../destinations/notion/options.js";
import { ALERTED_COLUMN, REPORTED_TO_COLUMN, REPORT_SENT_COLUMN } from "../history/columns.js";
import { DATE_COLUMN } from "../history/csv.js";

/** A column a history store keeps beside the metrics, and whose it is. */
interface StoreColumn {
  column: string;
  owner: string;
}

/**
 * The columns of every history store: those of the CSV and of Notion, whatever the config
 * (a store added later must not find its columns taken), and the date and title columns
 * each configured notion destination names.
 */
function storeColumns(destinations: readonly (DestinationOptions | undefined)[]): StoreColumn[] {
  const columns: StoreColumn[] = [
    { column: DATE_COLUMN, owner: "the date column of the file store" },
    { column: DEFAULT_DATE_PROPERTY, owner: "the date column of the notion store" },
    ...[REPORT_SENT_COLUMN, ALERTED_COLUMN, REPORTED_TO_COLUMN].map((column) => ({ column, owner: "a column every history store keeps" })),
  ];
  for (const d of destinations) {
    if (d?.type !== NOTION_TYPE) continue;
    const name = d.name ?? d.type;
    columns.push(
      { column: d.dateProperty ?? DEFAULT_DATE_PROPERTY, owner: `the date column of notion destination "${name}"` },
      {
        column: d.titleProperty ?? INIT_TITLE_PROPERTY,
        owner: `the title column of notion destination "${name}"${d.titleProperty ? "" : " (as notion init names it)"}`,
      },
    );
  }
  return columns;
}

/**
 * Metric names that are a history store's own column, compared ignoring case as Notion and
 * spreadsheets do: such a metric shifts CSV columns or retypes Notion's date column.
 */
export function reservedNameIssues(
  sources: readonly { metricNames?: readonly string[] }[],
  destinations: readonly (DestinationOptions | undefined)[],
  where: (i: number) => string,
): string[] {
  const columns = storeColumns(destinations);
  const issues: string[] = [];
  sources.forEach((source, i) => {
    for (const metric of source.metricNames ?? []) {
      const issue = clashIssue(columns, metric, `${where(i)}.metrics.${metric}`);
      if (issue) issues.push(issue);
    }
  });
  return issues;
}

/** The same check for the config's `derived:` metrics, which are stored in a column each too. */
export function reservedDerivedIssues(derivedNames: readonly string[], destinations: readonly (DestinationOptions | undefined)[]): string[] {
  const columns = storeColumns(destinations);
  return derivedNames.flatMap((name) => clashIssue(columns, name, `derived.${name}`) ?? []);
}

function clashIssue(columns: readonly StoreColumn[], metric: string, path: string): string | undefined {
  // The column of the very same spelling first, so "Date" is named as Notion's, "date" as the CSV's.
  const clash = columns.find(({ column }) => column === metric) ?? columns.find(({ column }) => column.toLowerCase() === metric.toLowerCase());
  if (!clash) return undefined;
  return `${path}: the metric name "${metric}" is ${clash.owner} "${clash.column}" (names are compared ignoring case); rename the metric`;
}
